"""Vocabulary shared by every service (domain.md): roles, clearance, categories, retention.

API structs derive from ``Struct`` so unknown fields are refused at decode.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec


class Struct(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every request and response body."""


Role = Literal["archivist", "staff", "manager", "center_head", "compliance", "director", "admin"]
ROLES: tuple[Role, ...] = (
    "archivist", "staff", "manager", "center_head", "compliance", "director", "admin",
)

# D9 and the People table: ordered, a user reads a level only if their clearance is at least it.
SecurityLevel = Literal["ordinary", "confidential", "secret"]
SECURITY_LEVELS: tuple[SecurityLevel, ...] = ("ordinary", "confidential", "secret")


def security_rank(level: SecurityLevel) -> int:
    return SECURITY_LEVELS.index(level)


# D5: the fixed category vocabulary.
Category = Literal[
    "unit_info", "payment", "decoration", "move_in", "supplement", "contact",
    "emergency_contact", "correspondence", "violation_arrears", "repair", "complaint",
    "engineering", "contract", "application", "visit", "policy",
]
CATEGORIES: tuple[Category, ...] = (
    "unit_info", "payment", "decoration", "move_in", "supplement", "contact",
    "emergency_contact", "correspondence", "violation_arrears", "repair", "complaint",
    "engineering", "contract", "application", "visit", "policy",
)

RetentionClass = Literal["permanent", "long", "short"]

# D1: a unit code is building letters, then floor and unit digits: A-1201 is building A,
# floor 12, unit 01. Basement floors are written B1-0101 style (building B1).
HOUSEHOLD_PATTERN = r"^[A-Z][A-Z0-9]{0,3}-[0-9]{3,5}$"
HOUSEHOLD_RE = re.compile(HOUSEHOLD_PATTERN)
HouseholdCode = Annotated[str, msgspec.Meta(pattern=HOUSEHOLD_PATTERN, max_length=10)]

Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Username = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{1,63}$")]
Department = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{1,63}$")]


def split_household(code: str) -> tuple[str, int, int]:
    """``A-1201`` → (building ``A``, floor 12, unit 1): catalogues are ordered by floor (D1)."""
    building, digits = code.split("-", 1)
    return building, int(digits[:-2]), int(digits[-2:])
