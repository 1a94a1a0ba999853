"""The registry's accounts wire contract: an employee's account (用户) and an issued token
as the registry answers them; one definition for the registry and the staff pages that
decode them (``services.common.clients.accounts`` and ``.reader``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

import msgspec

from services.common.auth import Principal
from services.common.models import SecurityLevel, Struct

MIN_PASSWORD, MAX_PASSWORD = 8, 256
"""An account's password: long enough to resist guessing, short enough to hash at once."""


class User(Struct):
    """An employee with an account (用户)."""

    username: str
    roles: list[str]
    clearance: SecurityLevel
    department: str | None
    active: bool
    created_at: datetime
    deactivated_at: datetime | None = None
    full_name: str | None = None
    """The person's name (姓名); None until an admin gives it."""

    def principal(self, *, token_version: int = 0) -> Principal:
        """The user as a token of theirs describes them."""
        return Principal(username=self.username, roles=tuple(self.roles),
                         clearance=self.clearance, department=self.department,
                         token_version=token_version)

    def rights_differ(self, other: User) -> bool:
        """Whether ``other`` (this account changed) holds other rights than this: what a
        token carries (roles, clearance, department), so its tokens end; a new full name
        alone is no new right."""
        return self.principal() != other.principal()


class Person(Struct):
    """Someone with an account, as pages name them: ``王芳（wang）``."""

    username: str
    full_name: str


PERSON_FORM = "%(name)s（%(detail)s）"
"""How a full name and a username are written together: Chinese brackets (papers and
the Chinese pages); the English pages give the message catalogue's ``%(name)s (%(detail)s)``."""


def person(username: str | None, names: Mapping[str, str], *, form: str = PERSON_FORM
           ) -> str:
    """Someone as papers and pages name them: ``张三（zhangsan）`` when their account has a
    full name (``names``: username → full name), else the username; empty for none.
    ``form``: ``PERSON_FORM`` in another language."""
    if not username:
        return ""
    name = names.get(username)
    return form % {"name": name, "detail": username} if name else username


class TokenResponse(Struct):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int
    """Seconds the token is good for."""


class NewAccount(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A new account as the staff pages send it: the form's words as typed, which the
    registry judges against its own request body (``registry.accounts.models.NewUser``)."""

    username: str
    roles: list[str]
    clearance: str = "ordinary"
    department: str | None = None
    password: str | None = None
    full_name: str | None = None
