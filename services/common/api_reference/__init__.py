"""The API reference under ``/schema`` (接口文档): Swagger UI, vendored and served by the
archive itself, so the page works without the internet and runs no script from elsewhere
on the staff pages' origin.

``static/vendor`` holds files of swagger-ui-dist 5.35.0 from npm (``npm pack
swagger-ui-dist@5.35.0``, whose integrity is
sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==),
unchanged but for the version in their names: the bundle, its style sheet, its licence
(Apache-2.0) and notice, and the licences of what the bundle holds. ``static/reference.js``
starts it. The page has no inline script or style, so its Content-Security-Policy
(``services.common.web.REFERENCE_HEADERS``) allows the archive's own files and nothing else.
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.static_files import create_static_files_router

SWAGGER_UI = "5.35.0"
STATIC = Path(__file__).parent / "static"
STYLE = f"vendor/swagger-ui-{SWAGGER_UI}.css"
SCRIPTS = (f"vendor/swagger-ui-bundle-{SWAGGER_UI}.js", "reference.js")
ASSETS = "api_reference_assets"
"""The route name of the viewer's files, served under the schema's router at ``/assets``."""
ASSET_CACHING = CacheControlHeader(public=True, max_age=365 * 24 * 3600, immutable=True)
"""The files are the same for everyone, and each address names one content (the digest in
its query): a browser keeps them a year."""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{style}">
{scripts}
</head>
<body>
<div id="swagger-ui" data-schema="{schema}"></div>
</body>
</html>
"""


class SwaggerViewer(OpenAPIRenderPlugin):
    """Swagger UI at ``/schema`` (and ``/schema/swagger``), reading ``/schema/openapi.json``;
    its files at ``/schema/assets/``, public like the schema."""

    def __init__(self) -> None:
        super().__init__(path="/swagger")
        # Read once as the app is made (2 ms of CPU), not on a request.
        self._digests = {name: content_digest(STATIC / name) for name in (STYLE, *SCRIPTS)}

    def receive_router(self, router: Router) -> None:
        router.register(create_static_files_router(
            path="/assets", directories=[STATIC], name=ASSETS, cache_control=ASSET_CACHING))

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        def address(name: str) -> str:
            path = request.app.route_reverse(ASSETS, file_path=f"/{name}")
            return escape(f"{path}?v={self._digests[name]}")

        scripts = "\n".join(f'<script src="{address(name)}" defer></script>' for name in SCRIPTS)
        return PAGE.format(title=escape(openapi_schema["info"]["title"]),
                           style=address(STYLE), scripts=scripts,
                           schema=escape(self.get_openapi_json_route(request))).encode()


def content_digest(path: Path) -> str:
    """What an address of a file kept a year (``ASSET_CACHING``) carries in its query: its
    content's hash, so that another content has another address."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
