"""The API reference under ``/schema`` (接口文档): Swagger UI, vendored and served by the
archive itself, so the page works without the internet and runs no script from elsewhere
on the staff pages' origin.

``/schema`` lists the API's parts (its tags) and opens one at a time, each a Swagger UI
(``/schema/tags/{tag}``) of its own document (``/schema/tags/{tag}/openapi.json``,
``parts.py``); ``/schema/swagger`` draws every operation at once from the whole
document, ``/schema/openapi.json``. An address of an operation on the one page it used to
be (``/schema#/accounts/issueToken``) opens its part there (``static/index.js``).

The landing speaks Chinese first, as the staff pages do, and English to a request the pages
would speak English to (``ReferenceLanguages``: the pages' choice and catalogue, handed in
by the app factory); what each part holds is a line of ``parts.PART_DESCRIPTIONS``.
Swagger UI, the parts' own pages, is English, as it comes.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from litestar import MediaType, Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.static_files import create_static_files_router

from services.common.api_reference.parts import PART_DESCRIPTIONS, api_parts, part_document
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
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{style}">
<script src="{script}" defer></script>
</head>
<body class="reference-landing">
<main>
<h1>{title}</h1>
<p>{about}</p>
<p>{choose}</p>
<table>
<caption>{caption}</caption>
<thead><tr><th scope="col">{part}</th><th scope="col">{what}</th>
<th scope="col">{operations}</th><th scope="col">{under}</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p>{elsewhere}</p>
</main>
</body>
</html>
"""

ROW = ('<tr><td><a href="{address}" data-tag="{tag}">{tag}</a></td><td>{what}</td>'
       "<td>{operations}</td><td>{prefixes}</td></tr>")

LANDING_WORDS = {
    "title": "%(title)s 接口文档",
    "about": "客户档案（一户一档）的归档、检索和登记服务的接口。",
    "choose": ("请选择一个部分，打开它的接口说明：每项操作接收什么、回答什么，还可以带着令牌"
               "试用（<em>Try it out</em>）：先在 <a href=\"%(accounts)s\">accounts</a> 部分用 "
               "<code>POST /registry/auth/token</code> 取得令牌，再点 <em>Authorize</em> 填入。"),
    "caption": "共 %(count)s 个部分，%(operations)s 项操作",
    "part": "部分",
    "what": "涵盖",
    "operations": "操作数",
    "under": "路径",
    "elsewhere": ("全部操作在同一页：<a href=\"%(everything)s\">完整的接口文档</a>（较慢：一次画出"
                  "全部操作）。OpenAPI 文档：<a href=\"%(document)s\">%(document)s</a>（每个部分"
                  "的：<code>%(part_document)s</code>）。<code>/ui</code> 下的工作人员页面供浏览器"
                  "使用，不属于这个接口，README.md 有说明。"),
}
"""What the landing says, Chinese first (each translated by ``ReferenceLanguages``; the
English is in the staff pages' catalogue); ``%(…)s`` are filled in after translation,
escaped, and the markup is the landing's own."""


@dataclass(frozen=True)
class ReferenceLanguages:
    """How the landing speaks to a request: in the language the staff pages would speak
    to it (``language_of``: a key of ``gettext``; its ``lang`` attribute ``html_lang``),
    each of ``LANDING_WORDS`` and ``PART_DESCRIPTIONS`` translated by that language's
    ``gettext`` (the pages' catalogue). The app factory makes it from the pages' own
    (``services.web.languages``): this package reads no catalogue itself."""

    language_of: Callable[[Request[Any, Any, Any]], str]
    html_lang: Mapping[str, str]
    gettext: Mapping[str, Callable[[str], str]]

    def said(self, request: Request[Any, Any, Any]) -> tuple[str, Callable[[str], str]]:
        """The request's language (its ``lang`` attribute) and how its words are said."""
        language = self.language_of(request)
        return self.html_lang.get(language, language), self.gettext.get(language, str)


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

    def __init__(self, files: ReferenceFiles, languages: ReferenceLanguages) -> None:
        super().__init__(path="/")
        self._files = files
        self._languages = languages

    def receive_router(self, router: Router) -> None:
        router.register(create_static_files_router(
            path="/assets", directories=[STATIC], name=ASSETS, cache_control=ASSET_CACHING))

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        lang, gettext = self._languages.said(request)

        def say(name: str, **values: object) -> str:
            words = gettext(LANDING_WORDS[name])
            return words % {key: escape(str(value)) for key, value in values.items()
                            } if values else words

        parts = api_parts(openapi_schema)
        rows = "\n".join(ROW.format(
            address=escape(part_address(part.tag)), tag=escape(part.tag),
            what=escape(gettext(PART_DESCRIPTIONS[part.tag]))
            if part.tag in PART_DESCRIPTIONS else "",
            operations=part.operations,
            prefixes=", ".join(f"<code>{escape(prefix)}</code>" for prefix in part.prefixes))
            for part in parts)
        return LANDING.format(
            lang=lang, title=say("title", title=openapi_schema["info"]["title"]),
            about=say("about"), choose=say("choose", accounts=part_address("accounts")),
            caption=say("caption", count=len(parts),
                        operations=sum(part.operations for part in parts)),
            part=say("part"), what=say("what"), operations=say("operations"),
            under=say("under"), rows=rows,
            elsewhere=say("elsewhere", everything=f"{REFERENCE_PREFIX}{VIEWER}",
                          document=self.get_openapi_json_route(request),
                          part_document=f"{part_address('{tag}')}/openapi.json"),
            style=self._files.address(request, LANDING_STYLE),
            script=self._files.address(request, LANDING_SCRIPT)).encode()


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


def reference_plugins(languages: ReferenceLanguages) -> list[OpenAPIRenderPlugin]:
    """The landing first (in ``languages``): Litestar serves ``/schema`` with it."""
    files = ReferenceFiles()
    return [ReferenceLanding(files, languages), SwaggerViewer(files), PartDocument()]


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
