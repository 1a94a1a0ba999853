"""Client of the registry service, used by ingest and search."""

from __future__ import annotations

import time

from services.common.auth import Principal
from services.common.clients import ServiceClient
from services.common.errors import Unauthorized


class RegistryClient(ServiceClient):
    async def whoami(self, token: str) -> Principal:
        return await self.call("GET", "/registry/auth/whoami", Principal, token=token)


class RegistryVerifier:
    """Checks a user is still active by asking the registry; answers cached for a few seconds."""

    def __init__(self, client: RegistryClient, *, cache_s: float = 5.0) -> None:
        self.client = client
        self.cache_s = cache_s
        self._verified: dict[str, float] = {}

    async def verify(self, principal: Principal, token: str) -> None:
        now = time.monotonic()
        if self._verified.get(token, 0.0) > now:
            return
        whoami = await self.client.whoami(token)
        if whoami.username != principal.username:
            raise Unauthorized("the token is not valid", code="invalid_token")
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[token] = now + self.cache_s
