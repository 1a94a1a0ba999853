"""The registry's accounts wire contract: an employee's account (用户) as the registry
answers it; one definition for the registry and the staff pages that decode it
(``services.common.clients.accounts``)."""

from __future__ import annotations

from datetime import datetime

from services.common.auth import Principal
from services.common.models import SecurityLevel, Struct


class User(Struct):
    """An employee with an account (用户)."""

    username: str
    roles: list[str]
    clearance: SecurityLevel
    department: str | None
    active: bool
    created_at: datetime
    deactivated_at: datetime | None = None

    def principal(self, *, token_version: int = 0) -> Principal:
        """The user as a token of theirs describes them."""
        return Principal(username=self.username, roles=tuple(self.roles),
                         clearance=self.clearance, department=self.department,
                         token_version=token_version)
