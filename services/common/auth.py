"""Principals and bearer tokens (JWT), shared by every service, its clients and the command
line (no web framework here: how a route learns its caller is ``services.common.callers``).

Tokens are HS256-signed with ``ARCHIVE_SECRET_KEY``; decoding allows only that algorithm
(never ``none``) and checks signature, ``exp``, issuer and audience. A token carries the
user's roles, clearance and department so each service can decide without a round trip,
the user's token version (``ver``) and its own id (``jti``). Whether the user is still
active, the token still of the current version (a password change or reset, or new roles,
clearance or department, ends every earlier token) and not ended by signing out is checked
by a ``PrincipalVerifier`` (the registry looks at its tables; other services ask the
registry, cached for a few seconds).
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Protocol, runtime_checkable

import jwt
import msgspec

from services.common.errors import Unauthorized
from services.common.models import Role, SecurityLevel, security_rank

ALGORITHM = "HS256"
ISSUER = "archive"
AUDIENCE = "archive"
SERVICE_ROLE = "service"
ACCOUNT_ADMINS = ("admin",)
"""Who creates, changes and deactivates accounts and resets passwords."""
PUBLIC_PATHS = ("/health", "/ready", "/schema")


SERVICE_PREFIX = "service:"
"""Where a username is recorded, one of our services doing it on its own is
``service:<name>`` (``service:registry`` placing documents after an upgrade)."""


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is asking: a user, or one of our services (``service:<name>``)."""

    username: str
    roles: tuple[str, ...]
    clearance: SecurityLevel = "ordinary"
    department: str | None = None
    token_version: int = 0
    """The user's token version when the token was issued (``ver``)."""
    token_id: str | None = None
    """The token's own id (``jti``): signing out ends this one token."""
    expires_at: int | None = None
    """When the token runs out (``exp``, Unix seconds)."""

    @property
    def is_service(self) -> bool:
        return SERVICE_ROLE in self.roles

    def has_role(self, *roles: Role | str) -> bool:
        return any(role in self.roles for role in roles)

    def cleared_for(self, level: SecurityLevel) -> bool:
        return self.is_service or security_rank(self.clearance) >= security_rank(level)


class TokenCodec:
    """Issues and checks tokens; one instance per process, built from settings."""

    def __init__(self, key: str, *, ttl_s: int) -> None:
        if len(key) < 32:
            raise ValueError("the signing key must be at least 32 characters")
        self._key = key
        self.ttl_s = ttl_s

    def issue(self, principal: Principal, *, ttl_s: int | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": principal.username,
            "roles": list(principal.roles),
            "clearance": principal.clearance,
            "department": principal.department,
            "ver": principal.token_version,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + (ttl_s or self.ttl_s),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def service_token(self, service: str) -> str:
        return self.issue(Principal(username=SERVICE_PREFIX + service, roles=(SERVICE_ROLE,),
                                    clearance="secret"))

    def decode(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
            return Principal(
                username=str(claims["sub"]),
                roles=tuple(claims.get("roles") or ()),
                clearance=claims.get("clearance") or "ordinary",
                department=claims.get("department"),
                token_version=int(claims.get("ver") or 0),
                token_id=str(claims["jti"]) if claims.get("jti") else None,
                expires_at=int(claims["exp"]),
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired; log in again", code="token_expired") from exc
        except (jwt.InvalidTokenError, KeyError, TypeError, ValueError) as exc:
            raise Unauthorized("the token is not valid", code="invalid_token") from exc


VERIFIED_FOR_S = 5.0
"""How long an account found active is taken to stay so without asking again."""


class RecentlyVerified:
    """Keys (tokens, usernames) whose account was found active, each remembered for
    ``ttl_s`` from the moment its check began; past ``limit`` keys, all are forgotten."""

    def __init__(self, ttl_s: float = VERIFIED_FOR_S, *, limit: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.limit = limit
        self._until: dict[str, float] = {}

    def __contains__(self, key: str) -> bool:
        return self._until.get(key, 0.0) > time.monotonic()

    def add(self, key: str, *, checked_at: float) -> None:
        """Remember ``key`` as active; ``checked_at`` is the ``time.monotonic()`` at which
        its check began."""
        if len(self._until) > self.limit:
            self._until.clear()
        self._until[key] = checked_at + self.ttl_s

    def discard(self, key: str) -> None:
        self._until.pop(key, None)


@runtime_checkable  # the pages receive it as a Litestar dependency, whose type is checked
class PrincipalVerifier(Protocol):
    async def verify(self, principal: Principal, token: str) -> None:
        """Raise ``Unauthorized`` if the principal's account is disabled or gone, the
        token is of an earlier version than the account's, or it was ended by signing
        out."""
        ...


async def authenticated(token: str, codec: TokenCodec, verifier: PrincipalVerifier
                        ) -> Principal:
    """Who ``token`` says is asking, once its signature and expiry are checked and, for a
    person, that it is still live (``verifier``): the one check of the API's bearer token
    and of the pages' session cookie alike. ``Unauthorized`` otherwise."""
    principal = codec.decode(token)
    if not principal.is_service:
        await verifier.verify(principal, token)
    return principal


def bearer_token(header: str | None) -> str:
    if not header:
        raise Unauthorized("send 'Authorization: Bearer <token>'; get one with 'archive login'",
                           code="missing_token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'",
                           code="missing_token")
    return token.strip()
