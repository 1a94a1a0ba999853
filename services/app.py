"""The app factory: composes the hosted services into one Litestar application."""

from __future__ import annotations

import asyncio
import importlib
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import Scope

from services.common.api_reference import reference_plugins
from services.common.auth import (
    PrincipalVerifier,
    TokenCodec,
    authenticated,
    bearer_token,
)
from services.common.callers import CALLER, AuthMiddleware
from services.common.clients.registry import (
    RegistryClient,
    RegistryVerifier,
    check_registry_address,
)
from services.common.context import Context
from services.common.errors import ArchiveError, DependencyUnavailable
from services.common.metrics import CONTENT_TYPE, RequestTimer, authorise_scrape
from services.common.models import Struct
from services.common.openapi import describe_problems
from services.common.parts import PartName
from services.common.web import (
    REFERENCE_PREFIX,
    FailureHook,
    Hook,
    PartRouter,
    RefuseNulCharacters,
    RequestLogMiddleware,
    ServicePart,
    add_security_headers,
    exception_handlers,
    provided,
)
from services.web.languages import reference_languages

log = logging.getLogger("archive")

READINESS_TIMEOUT_S = 5.0
PUBLIC_OPERATIONS = frozenset({"health", "ready", "issueToken"})
"""Operations that need no token (``services.common.auth.PUBLIC_PATHS`` and the login)."""


class Health(Struct):
    status: str


class Readiness(Struct):
    status: str
    checks: dict[str, str]
    token_check: str | None = None
    """Said when an admin's token was taken on its signature alone (``is_admin``)."""


def build_part(service: PartName, ctx: Context) -> ServicePart:
    module = importlib.import_module(f"services.{service}.bootstrap")
    part: ServicePart = module.build(ctx)
    return part


@dataclass(frozen=True)
class ArchiveApp:
    """The ASGI app plus its start-up and shut-down, run by ``services.server`` around it.

    Start-up is run outside the ASGI lifespan so a failure (database unreachable, bad
    schema) reaches the caller as an ``ArchiveError`` it can print as one line. Shut-down
    follows a start-up that failed too: the parts started until then are stopped (their
    tasks, clients and extraction processes), so the one line is all the operator reads.
    """

    asgi: Litestar
    startup: Hook
    shutdown: Hook


def create_app(ctx: Context) -> ArchiveApp:
    parts = [build_part(service, ctx) for service in ctx.hosted]
    verifier = _verifier(parts, ctx)
    checks = {name: check for part in parts for name, check in part.readiness.items()}
    for part in parts:
        for source, sampler in part.samplers.items():
            ctx.metrics.add_sampler(source, sampler)

    @get("/health", operation_id="health", tags=["operations"])
    async def health() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @get("/ready", operation_id="ready", tags=["operations"], responses={
        503: ResponseSpec(Readiness, description="Not ready: a dependency is down")})
    async def ready(request: Request[Any, Any, Any]) -> Response[Readiness]:
        """Readiness: each dependency's state (``ok``, ``degraded`` or ``down``); with an
        ``admin``'s token, what each is and why (paths, counts, engine, warnings)."""
        states = await asyncio.gather(*(_run_check(check) for check in checks.values()))
        healthy = all(not state.startswith("down") for state in states)
        admin, unchecked = await is_admin(request.headers.get("authorization"), ctx.codec,
                                          verifier)
        results = {name: state if admin else said_to_anyone(state)
                   for name, state in zip(checks, states, strict=True)}
        return Response(Readiness(status="ready" if healthy else "not_ready", checks=results,
                                  token_check=unchecked),
                        status_code=200 if healthy else 503)

    @get("/metrics", operation_id="metrics", tags=["operations"], media_type=CONTENT_TYPE,
         opt={"exclude_from_auth": True})
    async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
        """This process's metrics in Prometheus's text format: an ``admin``'s token, or
        ``ARCHIVE_METRICS_TOKEN``."""
        await authorise_scrape(request.headers.get("authorization"), codec=ctx.codec,
                               verifier=verifier,
                               metrics_token=ctx.settings.metrics_token)
        return Response(await ctx.metrics.render(), media_type=CONTENT_TYPE)

    begun: list[ServicePart] = []

    async def startup() -> None:
        if "registry" not in ctx.hosted:
            await _registry_answers(ctx)
        for part in parts:
            begun.append(part)  # before its hooks: one that fails half-way is stopped too
            for hook in part.on_startup:
                await hook()

    async def shutdown() -> None:
        """Stop the parts whose start began (all, after a start that succeeded)."""
        while begun:
            for hook in begun.pop().on_shutdown:
                await hook()

    asgi = Litestar(
        route_handlers=[health, ready, metrics, *(part.router for part in parts)],
        middleware=[
            RequestLogMiddleware(),
            RequestTimer(ctx.metrics),
            RefuseNulCharacters(),
            DefineMiddleware(AuthMiddleware, codec=ctx.codec, verifier=verifier,
                             also_exclude=[path for part in parts for path in part.own_auth]),
        ],
        # The pages check their session cookie with the same verifier as the API's tokens.
        dependencies={**CALLER, **provided(verifier=verifier)},
        exception_handlers=exception_handlers(
            {prefix: handler for part in parts for prefix, handler in part.unrouted.items()}),
        after_exception=[partial(_failing, hook=hook, verifier=verifier)
                         for part in parts for hook in part.on_failure],
        before_send=[add_security_headers],
        openapi_config=OpenAPIConfig(
            title="archive", version="0.1.0", openapi_router=_schema_router(),
            description="Customer archive (一户一档): ingest, search and registry services.",
            render_plugins=reference_plugins(reference_languages()),
            components=Components(security_schemes={"bearer": SecurityScheme(
                type="http", scheme="bearer", bearer_format="JWT")}),
            security=[{"bearer": []}],
        ),
        logging_config=None,
        debug=False,
    )
    return ArchiveApp(asgi=asgi, startup=startup, shutdown=shutdown)


def _schema_router() -> PartRouter:
    """``/schema``, whose first request builds the OpenAPI schema and adds what Litestar does
    not derive (``describe_problems``): built at start-up it was a quarter of every
    start's CPU, for a page few processes ever serve."""
    described = False

    async def describe_once(request: Request[Any, Any, Any]) -> None:
        nonlocal described
        if not described:
            describe_problems(request.app.openapi_schema, public=PUBLIC_OPERATIONS)
            described = True

    return PartRouter(REFERENCE_PREFIX, route_handlers=[], include_in_schema=False,
                  before_request=describe_once)


async def _failing(exc: Exception, scope: Scope, *, hook: FailureHook,
                   verifier: PrincipalVerifier) -> None:
    await hook(exc, scope, verifier)


def _verifier(parts: list[ServicePart], ctx: Context) -> PrincipalVerifier:
    for part in parts:
        if part.verifier is not None:
            return part.verifier
    client = RegistryClient(ctx.peer_url("registry"), name="registry",
                            service_token=partial(ctx.codec.service_token, "+".join(ctx.hosted)))
    return RegistryVerifier(client)


async def _registry_answers(ctx: Context) -> None:
    """Said at start, as the parts apart from the registry need it: where the registry is
    not set, or does not answer (a warning: it may be starting too), or is not what
    answers at ``ARCHIVE_REGISTRY_URL`` (``ConfigError``: the start stops)."""
    if ctx.settings.registry_url is None:
        log.warning("ARCHIVE_REGISTRY_URL is not set and this process does not serve the "
                    "registry: set it to the registry's address")
        return
    warning = await check_registry_address(ctx.peer_url("registry"))
    if warning is not None:
        log.warning(warning)


def said_to_anyone(state: str) -> str:
    """A dependency's readiness state as anyone may read it: ``ok``, or ``degraded`` or
    ``down`` with a generic reason. What it is and why (the originals' path, that they are
    not write-once, the OCR engine, the index's document count, which rises as documents
    are filed) is for an admin's token only."""
    for word in ("down", "degraded"):
        if state.startswith(word):
            return f"{word}; an admin's token on /ready shows why"
    return "ok"


async def is_admin(authorization: str | None, codec: TokenCodec,
                   verifier: PrincipalVerifier) -> tuple[bool, str | None]:
    """Whether a request to ``/ready`` comes with a live ``admin``'s token; none is no; a
    token that is not good is refused (``Unauthorized``) as on any route.

    While the accounts cannot be reached (their database down: when the reasons matter
    most), an admin's token whose signature and expiry hold is taken, and the second
    value says so: only whether it was since signed out or its user disabled is not
    known. The reasons are the archive's own state (paths, counts, engines, outages),
    never records, and forging a token needs the secret key."""
    if authorization is None:
        return False, None
    token = bearer_token(authorization)
    try:
        principal = await authenticated(token, codec, verifier)
    except DependencyUnavailable as exc:
        principal = codec.decode(token)
        return principal.has_role("admin"), (
            f"signature and expiry checked; whether it was signed out or its user disabled "
            f"could not be: {exc.detail}")
    return principal.has_role("admin"), None


async def _run_check(check: Any) -> str:
    try:
        return str(await asyncio.wait_for(check(), READINESS_TIMEOUT_S))
    except ArchiveError as exc:
        return f"down: {exc.detail}"
    except TimeoutError:
        return f"down: no answer within {READINESS_TIMEOUT_S:g} s"
