"""Vocabulary shared by every service (domain.md): roles, clearance, categories, retention.

API structs derive from ``Struct`` so unknown fields are refused at decode.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

import msgspec

from services.common.errors import ValidationFailed


class Struct(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every request and response body."""


Role = Literal["archivist", "staff", "manager", "center_head", "compliance", "director", "admin"]
ROLES: tuple[Role, ...] = (
    "archivist", "staff", "manager", "center_head", "compliance", "director", "admin",
)
ROLE_NAMES: dict[str, str] = {
    "archivist": "档案管理员", "staff": "员工", "manager": "部门负责人",
    "center_head": "客户服务中心负责人", "compliance": "合规专员", "director": "总经理",
    "admin": "系统管理员",
}
"""The roles by the names staff use (docs/domain.md), on the pages, in the approval
steps and in the API's and the command line's refusals; a role not named shows as
coded."""

DEPARTMENT_NAMES: dict[str, str] = {
    "customer_service": "客服部", "engineering": "工程部", "archive": "档案室",
    "management": "综合管理部", "finance": "财务部", "security": "秩序维护部",
    "environment": "环境部", "it": "信息技术部",
}
"""A property-management company's usual departments by the names staff use. A user's
department is a code an admin types (``customer_service``); one not named here shows as
typed."""

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

CATEGORY_CATALOGUE_NAMES: dict[Category, str] = {
    "unit_info": "客户单位资料", "payment": "缴费记录与押金",
    "decoration": "装修工程文件(二装审批)", "move_in": "入住/迁入资料",
    "supplement": "资料补充(证件、执照、铭牌)", "contact": "联络资料",
    "emergency_contact": "紧急联络人", "correspondence": "往来函件",
    "violation_arrears": "违规与欠费", "repair": "维修/报修记录", "complaint": "投诉记录",
    "engineering": "工程档案", "contract": "购/租房合同",
    "application": "申请单(门锁、电话、车位、水牌、加班)", "visit": "拜访/回访记录",
    "policy": "公司文件与制度",
}
"""Each category's name as D5's catalogue writes it: with what it holds in brackets."""
CATEGORY_NAMES: dict[Category, str] = {
    code: name.partition("(")[0] for code, name in CATEGORY_CATALOGUE_NAMES.items()}
"""Each category's Chinese name (D5), as staff know it (the catalogue's without its
brackets): the one table every page and list shows."""

RetentionClass = Literal["permanent", "long", "short"]
RETENTION_CLASS_NAMES: dict[RetentionClass, str] = {
    "permanent": "永久", "long": "长期", "short": "短期"}
"""R1's retention classes by their Chinese names."""
SECURITY_LEVEL_NAMES: dict[SecurityLevel, str] = {
    "ordinary": "普通", "confidential": "机密", "secret": "绝密"}
"""D9's security levels by their Chinese names."""

END = r"$(?!\n)"
r"""The end of a pattern that matches a whole value: Python's ``$`` matches before a final
newline too, and ``admin\n`` would pass for a username (``\Z`` would say it, but the
OpenAPI schema's readers speak JavaScript's patterns, where ``$`` alone is the end)."""

# D1: a unit code is building letters, then floor and unit digits: A-1201 is building A,
# floor 12, unit 01. Basement floors are written B1-0101 style (building B1).
BUILDING = r"[A-Z0-9]{1,4}"
"""A building as unit codes spell it: ``A`` of ``A-1201``, ``B1`` of ``B1-0101``, ``3`` of
``3-0501`` (estates number their buildings as often as they letter them: 3栋)."""
HOUSEHOLD = rf"{BUILDING}-[0-9]{{3,5}}"
"""A unit code, ``A-1201``, ``3-0501``."""
HOUSEHOLD_PATTERN = rf"^{HOUSEHOLD}{END}"
BUILDING_PATTERN = rf"^{BUILDING}{END}"
HOUSEHOLD_RE = re.compile(HOUSEHOLD_PATTERN)
BUILDING_RE = re.compile(BUILDING_PATTERN)
MAX_HOUSEHOLD = 10
HouseholdCode = Annotated[str, msgspec.Meta(pattern=HOUSEHOLD_PATTERN, max_length=MAX_HOUSEHOLD)]

SHA256_PATTERN = rf"^[0-9a-f]{{64}}{END}"
Sha256 = Annotated[str, msgspec.Meta(pattern=SHA256_PATTERN)]
MAX_USERNAME = MAX_DEPARTMENT = 64
MIN_USERNAME = 2
USERNAME_PATTERN = rf"^[a-z][a-z0-9_.-]{{{MIN_USERNAME - 1},{MAX_USERNAME - 1}}}{END}"
USERNAME_RE = re.compile(USERNAME_PATTERN)
Username = Annotated[str, msgspec.Meta(pattern=USERNAME_PATTERN)]
DEPARTMENT_PATTERN = rf"^[a-z][a-z0-9_]{{1,{MAX_DEPARTMENT - 1}}}{END}"
DEPARTMENT_RE = re.compile(DEPARTMENT_PATTERN)
Department = Annotated[str, msgspec.Meta(pattern=DEPARTMENT_PATTERN)]
INVISIBLE_CHARACTERS = (r"\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u206f\u3164\ufeff\uffa0")
"""Characters that show nothing, as a regular expression's class holds them (escaped, so a
schema's reader sees them): a zero-width space or joiner, a byte-order mark, a soft hyphen,
the marks and controls of writing direction, the Hangul fillers; a code copied from a chat
or a spreadsheet may carry them unseen, and a text of them alone says nothing."""
VISIBLE_PATTERN = rf"[^\s\x00-\x1f\x7f-\x9f{INVISIBLE_CHARACTERS}]"
"""A character that shows: not a space of any width, a control character or one of
``INVISIBLE_CHARACTERS``. Searched for (msgspec's patterns are not anchored): a text a
person must write (a reason, a title, a name) holds one, or it says nothing."""
VISIBLE_RE = re.compile(VISIBLE_PATTERN)
MAX_PERSON_NAME = 32
_PRINTED, _SPACED = VISIBLE_PATTERN, r"[^\x00-\x1f\x7f]"
PERSON_NAME_PATTERN = rf"^{_PRINTED}(?:{_SPACED}{{0,{MAX_PERSON_NAME - 2}}}{_PRINTED})?{END}"
PERSON_NAME_RE = re.compile(PERSON_NAME_PATTERN)
PersonName = Annotated[str, msgspec.Meta(pattern=PERSON_NAME_PATTERN)]
"""A person's name (姓名) as papers print it, 张三 or Li Ming: no spaces nor anything invisible
at either end, no control characters."""


COMPANY_CATEGORIES: tuple[Category, ...] = ("policy",)
"""Company documents (公司文件与制度) belong to no household; every other one to one (D1)."""


def checked_category(value: str) -> Category:
    """``value`` as a category of D5's vocabulary; 422 ``unknown_category`` if it is not."""
    for category in CATEGORIES:
        if category == value:
            return category
    raise ValidationFailed(f"unknown category {value!r}; use one of: {', '.join(CATEGORIES)}",
                           code="unknown_category")


def checked_household(value: str | None, category: Category) -> str | None:
    """The household a document of ``category`` is filed to (None for a company document):
    422 ``household_required`` or ``invalid_household`` where D1 is not kept. Ingest asks
    at upload, the registry at filing: the same answer on both."""
    if not value:
        # D1: one household, one file; only company documents have none.
        if category not in COMPANY_CATEGORIES:
            raise ValidationFailed(
                f"documents of category {category} ({CATEGORY_NAMES[category]}) belong to a "
                "household; give its unit code (e.g. A-1201); only company documents "
                "(policy) have none",
                code="household_required")
        return None
    if not HOUSEHOLD_RE.match(value):
        raise ValidationFailed(f"{value!r} is not a unit code like A-1201 or 3-0501 (D1)",
                               code="invalid_household")
    return value


def split_household(code: str) -> tuple[str, int, int]:
    """``A-1201`` → (building ``A``, floor 12, unit 1): catalogues are ordered by floor (D1)."""
    building, digits = code.split("-", 1)
    return building, int(digits[:-2]), int(digits[-2:])


EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
"""The calendar years a report, catalogue or check may be asked for."""

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
"""The days a record may name (filed, moved in or out, checked); a day outside is a typo."""


def checked_date(day: date, field: str) -> date:
    """``day``, if a retention period can run from it; a date outside is a typo (422
    ``date_out_of_range``). The registry decides with it; the pages ask it first."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationFailed(f"{field} {day} is not between {EARLIEST} and {LATEST}",
                               code="date_out_of_range")
    return day


def checked_past_day(day: date, field: str, *, today: date) -> date:
    """``day``, if it has come by ``today`` (the registry's clock) and a record may name
    it (``checked_date``): a record says what happened, a filing or a move, never what is
    to come; a later day would close a part or start a retention clock ahead of time (422
    ``date_in_future``)."""
    checked_date(day, field)
    if day > today:
        raise ValidationFailed(f"{field} {day} is after today ({today}): record it once "
                               "it has happened", code="date_in_future")
    return day
