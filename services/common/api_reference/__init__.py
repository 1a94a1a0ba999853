"""The API reference under ``/schema`` (接口文档): Swagger UI, vendored and served by the
archive itself, so the page works without the internet and runs no script from elsewhere
on the staff pages' origin.

``/schema`` lists the API's parts (its tags) and opens one at a time, each a Swagger UI
(``/schema/tags/{tag}``) of its own document (``/schema/tags/{tag}/openapi.json``,
``parts.py``); ``/schema/swagger`` draws every operation at once from the whole
document, ``/schema/openapi.json``. An address of an operation on the one page it used to
be (``/schema#/accounts/issueToken``) opens its part there (``static/index.js``).

``static/vendor`` holds files of swagger-ui-dist 5.35.0 from npm (``npm pack
swagger-ui-dist@5.35.0``, whose integrity is
sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==),
unchanged but for the version in their names: the bundle, its style sheet, its licence
(Apache-2.0) and notice, and the licences of what the bundle holds. ``static/reference.js``
starts it; ``static/index.css`` styles the landing and each part's heading. The pages
have no inline script or style, so their Content-Security-Policy
(``services.common.web.REFERENCE_HEADERS``) allows the archive's own files and nothing else.
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path
from typing import Any

from litestar import MediaType, Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.static_files import create_static_files_router

from services.common.api_reference.parts import api_parts, part_document
from services.common.errors import NotFound
from services.common.web import REFERENCE_PREFIX

SWAGGER_UI = "5.35.0"
STATIC = Path(__file__).parent / "static"
STYLE = f"vendor/swagger-ui-{SWAGGER_UI}.css"
SCRIPTS = (f"vendor/swagger-ui-bundle-{SWAGGER_UI}.js", "reference.js")
LANDING_STYLE = "index.css"
LANDING_SCRIPT = "index.js"
FILES = (STYLE, *SCRIPTS, LANDING_STYLE, LANDING_SCRIPT)
PART_PATH = "/tags/{tag:str}"
VIEWER = "/swagger"
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
<link rel="stylesheet" href="{landing_style}">
{scripts}
</head>
<body>
<nav class="reference-nav"><a href="{landing}">All parts of the API</a>{heading}</nav>
<div id="swagger-ui" data-schema="{schema}"></div>
</body>
</html>
"""

LANDING = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{style}">
<script src="{script}" defer></script>
</head>
<body class="reference-landing">
<main>
<h1>{title}: API reference (接口文档)</h1>
<p>{description}</p>
<p>Choose a part to open its reference: its operations, what each takes and answers, and
<em>Try it out</em> with a token (<code>POST /registry/auth/token</code>, in
<a href="{accounts}">accounts</a>; then <em>Authorize</em>).</p>
<table>
<caption>{operations} operations in {count} parts</caption>
<thead><tr><th scope="col">Part</th><th scope="col">Operations</th>
<th scope="col">Answers under</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p>Every operation on one page: <a href="{everything}">the whole reference</a> (slow: it
draws them all at once). The OpenAPI document: <a href="{document}">{document}</a>
(each part's: <code>{part_document}</code>). The staff pages under <code>/ui</code> are
for browsers and are not part of this API; README.md describes them.</p>
</main>
</body>
</html>
"""

ROW = ('<tr><td><a href="{address}" data-tag="{tag}">{tag}</a></td><td>{operations}</td>'
       "<td>{prefixes}</td></tr>")


class ReferenceFiles:
    """The viewer's files at ``/schema/assets/``, public like the schema, each address
    naming its content."""

    def __init__(self) -> None:
        # Read once as the app is made (2 ms of CPU), not on a request.
        self._digests = {name: content_digest(STATIC / name) for name in FILES}

    def address(self, request: Request[Any, Any, Any], name: str) -> str:
        path = request.app.route_reverse(ASSETS, file_path=f"/{name}")
        return escape(f"{path}?v={self._digests[name]}")


class ReferenceLanding(OpenAPIRenderPlugin):
    """``/schema``: the API's parts (its tags), each opening its own reference, and the
    way to the whole one and to the documents."""

    def __init__(self, files: ReferenceFiles) -> None:
        super().__init__(path="/")
        self._files = files

    def receive_router(self, router: Router) -> None:
        router.register(create_static_files_router(
            path="/assets", directories=[STATIC], name=ASSETS, cache_control=ASSET_CACHING))

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        parts = api_parts(openapi_schema)
        rows = "\n".join(ROW.format(
            address=escape(part_address(part.tag)), tag=escape(part.tag),
            operations=part.operations,
            prefixes=", ".join(f"<code>{escape(prefix)}</code>" for prefix in part.prefixes))
            for part in parts)
        document = self.get_openapi_json_route(request)
        info = openapi_schema["info"]
        return LANDING.format(
            title=escape(info["title"]), description=escape(info.get("description", "")),
            style=self._files.address(request, LANDING_STYLE),
            script=self._files.address(request, LANDING_SCRIPT),
            accounts=part_address("accounts"), rows=rows,
            operations=sum(part.operations for part in parts), count=len(parts),
            everything=f"{REFERENCE_PREFIX}{VIEWER}", document=escape(document),
            part_document=f"{part_address('{tag}')}/openapi.json").encode()


class SwaggerViewer(OpenAPIRenderPlugin):
    """Swagger UI: of the whole document at ``/schema/swagger``, of one part's at
    ``/schema/tags/{tag}`` (an unknown one: 404 ``unknown_api_part``)."""

    def __init__(self, files: ReferenceFiles) -> None:
        super().__init__(path=[VIEWER, PART_PATH])
        self._files = files

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        tag = request.path_params.get("tag")
        title = openapi_schema["info"]["title"]
        if tag is None:
            schema, heading = self.get_openapi_json_route(request), ""
        else:
            known_part(openapi_schema, tag)
            schema = f"{part_address(tag)}/openapi.json"
            heading = f" › <span>{escape(tag)}</span>"
            title = f"{title}: {tag}"
        scripts = "\n".join(f'<script src="{self._files.address(request, name)}" defer></script>'
                            for name in SCRIPTS)
        return PAGE.format(title=escape(title),
                           style=self._files.address(request, STYLE),
                           landing_style=self._files.address(request, LANDING_STYLE),
                           scripts=scripts, landing=REFERENCE_PREFIX,
                           heading=heading, schema=escape(schema)).encode()


class PartDocument(OpenAPIRenderPlugin):
    """``/schema/tags/{tag}/openapi.json``: the OpenAPI document of one part."""

    def __init__(self) -> None:
        super().__init__(path=f"{PART_PATH}/openapi.json", media_type=MediaType.JSON)

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, known_part(openapi_schema, request.path_params["tag"]))


def reference_plugins() -> list[OpenAPIRenderPlugin]:
    """The landing first: Litestar serves ``/schema`` with it."""
    files = ReferenceFiles()
    return [ReferenceLanding(files), SwaggerViewer(files), PartDocument()]


def known_part(openapi_schema: dict[str, Any], tag: str) -> dict[str, Any]:
    document = part_document(openapi_schema, tag)
    if document is None:
        raise NotFound(f"the API has no part {tag!r}; /schema lists its parts",
                       code="unknown_api_part")
    return document


def part_address(tag: str) -> str:
    return f"{REFERENCE_PREFIX}/tags/{tag}"


def content_digest(path: Path) -> str:
    """What an address of a file kept a year (``ASSET_CACHING``) carries in its query: its
    content's hash, so that another content has another address."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
