"""Who calls a route: the middleware that authenticates every request but the public
ones (``AuthMiddleware``), the caller as a handler's dependency (``CALLER``), and the role
guards. The tokens and principals themselves are ``services.common.auth``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from services.common.auth import (
    PUBLIC_PATHS,
    SERVICE_ROLE,
    Principal,
    PrincipalVerifier,
    TokenCodec,
    authenticated,
    bearer_token,
)
from services.common.errors import Forbidden, Unauthorized
from services.common.models import ROLE_NAMES, Role


class AuthMiddleware(AbstractAuthenticationMiddleware):
    """Sets ``request.user`` to the ``Principal``; every path but ``PUBLIC_PATHS`` needs one."""

    def __init__(self, app: ASGIApp, codec: TokenCodec, verifier: PrincipalVerifier, *,
                 also_exclude: list[str] | None = None) -> None:
        """``also_exclude``: path patterns authenticated otherwise (the staff pages)."""
        super().__init__(app, exclude=[f"^{p}" for p in PUBLIC_PATHS] + (also_exclude or []))
        self.codec = codec
        self.verifier = verifier

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]
                                   ) -> AuthenticationResult:
        token = bearer_token(connection.headers.get("authorization"))
        return AuthenticationResult(user=await authenticated(token, self.codec, self.verifier),
                                    auth=token)


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise Unauthorized("no principal on this request", code="missing_token")
    return user


def token_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The bearer token the request was authenticated with, to call a peer on the
    caller's behalf."""
    token = connection.scope.get("auth")
    if not isinstance(token, str):
        raise Unauthorized("no bearer token on this request", code="missing_token")
    return token


def _caller(request: Request[Any, Any, Any]) -> Principal:
    return principal_of(request)


def _callers_token(request: Request[Any, Any, Any]) -> str:
    return token_of(request)


CALLER = {"principal": Provide(_caller, sync_to_thread=False),
          "token": Provide(_callers_token, sync_to_thread=False)}
"""The app's dependencies by which a handler knows its caller: ``principal:
NamedDependency[Principal]``, and ``token: NamedDependency[str]`` to call a peer on the
caller's behalf."""


def require_roles(*roles: Role | str) -> Any:
    """A Litestar guard: the caller holds one of ``roles``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = principal_of(connection)
        if principal.has_role(*roles):
            return
        raise role_required(principal, roles)

    return guard


def role_required(principal: Principal, roles: Sequence[Role | str]) -> Forbidden:
    """The refusal of ``principal``, who holds none of ``roles``: it names the roles that
    may, by the names staff use too, and the caller's own. The services' own role is left
    out: the person refused cannot hold it, so it would tell them nothing."""
    people = [_role_named(role) for role in roles if role != SERVICE_ROLE]
    if not people:
        return Forbidden("only the archive's own services do this", code="role_required")
    may = people[0] if len(people) == 1 else f"{', '.join(people[:-1])} or {people[-1]}"
    yours = ", ".join(_role_named(role) for role in principal.roles) or "none"
    return Forbidden(f"only {may} may do this; your role: {yours}", code="role_required")


def _role_named(role: str) -> str:
    return f"{role} ({ROLE_NAMES[role]})" if role in ROLE_NAMES else role


def require_service_or(*roles: Role | str) -> Any:
    return require_roles(SERVICE_ROLE, *roles)
