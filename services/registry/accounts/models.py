"""Accounts: the registry's own structs of users, passwords and tokens: the request
bodies and the caller's identity. A user as answered is
``services.common.contracts.accounts``."""

from __future__ import annotations

from typing import Annotated

import msgspec

from services.common.contracts.accounts import MAX_PASSWORD, MIN_PASSWORD
from services.common.models import (
    MAX_USERNAME,
    Department,
    PersonName,
    Role,
    SecurityLevel,
    Struct,
    Username,
)

Password = Annotated[str, msgspec.Meta(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)]
RESERVED_USERNAMES = frozenset({"me"})
"""``/registry/users/me/…`` is the caller's own account."""


class NewUser(Struct):
    username: Username
    roles: Annotated[list[Role], msgspec.Meta(min_length=1)]
    clearance: SecurityLevel = "ordinary"
    department: Department | None = None
    password: Password | None = None
    full_name: PersonName | None = None


class UserChange(Struct):
    """What an admin changes of an account; what is not given stays. A change of roles,
    clearance or department ends every token the user holds (the new ones are in new
    tokens); a change of the full name alone does not (no token carries it)."""

    roles: Annotated[list[Role], msgspec.Meta(min_length=1)] | msgspec.UnsetType = msgspec.UNSET
    clearance: SecurityLevel | msgspec.UnsetType = msgspec.UNSET
    department: Department | msgspec.UnsetType | None = msgspec.UNSET
    full_name: PersonName | msgspec.UnsetType | None = msgspec.UNSET


class PasswordChange(Struct):
    """A user's own new password, with the current one (``/registry/users/me/password``)."""

    current_password: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD)]
    new_password: Password


class PasswordReset(Struct):
    """An admin's reset of someone's password (``/registry/users/{username}/password``)."""

    new_password: Password


class Identity(Struct):
    """The caller as their token describes them (``/registry/auth/whoami``)."""

    username: str
    roles: tuple[str, ...]
    clearance: SecurityLevel
    department: str | None



class TokenRequest(Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_USERNAME)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD)]

