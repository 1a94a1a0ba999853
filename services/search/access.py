"""What a caller may see, asked of the registry once per search and put inside the query.

The registry decides (architecture principle 7): ``GET /registry/access/filter`` with the
caller's own token answers their clearance ceiling and their grants (approved digital
loans). Answers are kept for ``cache_s`` seconds per token, so a page of searches costs
one call, and a revoked grant or lowered clearance reaches search within seconds.
"""

from __future__ import annotations

import time
from typing import Protocol

from services.common.clients.registry import RegistryClient
from services.common.contracts.registry import AccessFilter as RegistryAccessFilter
from services.search.index.models import AccessFilter

CACHED_TOKENS = 10_000


class AccessSource(Protocol):
    async def access_for(self, token: str) -> AccessFilter:
        """What the token's user may see and read; ``Unauthorized`` for a bad token."""
        ...


def index_access(decided: RegistryAccessFilter) -> AccessFilter:
    """The registry's filter in the index's terms: its clearance, and its grants as the
    documents whose body text the caller may search (approved loans, B2/B8).

    The rest of the registry's filter is the index's own rule: body text is readable for
    unrestricted documents (ordinary, no personal information), which is what the index's
    ``restricted`` flag marks, as the registry's ``is_restricted`` does.
    """
    return AccessFilter(clearance=decided.clearance, full_text_ids=frozenset(decided.granted))


class RegistryAccess:
    """``AccessSource`` over the registry, cached per token for ``cache_s`` seconds."""

    def __init__(self, client: RegistryClient, *, cache_s: float = 5.0) -> None:
        self.client = client
        self.cache_s = cache_s
        self._cached: dict[str, tuple[float, AccessFilter]] = {}

    async def access_for(self, token: str) -> AccessFilter:
        now = time.monotonic()
        cached = self._cached.get(token)
        if cached is not None and cached[0] > now:
            return cached[1]
        access = index_access(await self.client.access_filter(token))
        if len(self._cached) >= CACHED_TOKENS:
            self._cached.clear()
        self._cached[token] = (now + self.cache_s, access)
        return access
