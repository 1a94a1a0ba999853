"""People named by their full names (姓名) on the pages: ``王芳（wang）`` where the account
has one, the username where it has none. The registry's list (``/registry/people``) is
read again at most once a ``FRESH_FOR`` (every page names someone; the list changes when
an admin gives a name), and at once after the accounts page changed one."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from services.common.clients.reader import RegistryReader
from services.common.errors import ArchiveError

log = logging.getLogger(__name__)

FRESH_FOR = 60.0
"""Seconds a read of the list serves the pages."""


class PeopleNames:
    def __init__(self, registry: RegistryReader, *, fresh_for: float = FRESH_FOR) -> None:
        self.registry = registry
        self.fresh_for = fresh_for
        self._names: Mapping[str, str] = {}
        self._read_at: float | None = None

    async def names(self, token: str) -> Mapping[str, str]:
        """Username → full name; the last list read when the registry does not answer (a
        page names people by their usernames rather than fail)."""
        now = time.monotonic()
        if self._read_at is None or now - self._read_at >= self.fresh_for:
            try:
                self._names = await self.registry.people(token)
            except ArchiveError as exc:
                log.warning("people's full names not read: %s", exc)
            else:
                self._read_at = now
        return self._names

    @property
    def known(self) -> Mapping[str, str]:
        """The last list read, without asking the registry (the failure pages, which
        cannot wait on it, name the reader by it)."""
        return self._names

    def forget(self) -> None:
        """Read the list again for the next page (a name was just changed)."""
        self._read_at = None
