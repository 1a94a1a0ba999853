"""Options that take a category or a security level as staff type them: the code
(``repair``) or the Chinese name (维修/报修记录, 维修, 机密), read as the manifest reads them
(``services.common.names``; ``--help`` lists the codes); a unit code (a0301 is A-0301) and
a day as the manifest takes them too (2024-05-18, 2024/5/18 as Excel writes it, 2024年5月18日)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from services.common.models import CATEGORIES, SECURITY_LEVELS
from services.common.names import (
    building_named,
    category_named,
    day_named,
    department_named,
    full_name_named,
    household_named,
    security_level_named,
)


class Named(click.ParamType[str]):
    def __init__(self, name: str, read: Callable[[str], str], codes: Sequence[str]) -> None:
        self.name = name
        self.read = read
        self.codes = tuple(codes)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> str:
        try:
            return self.read(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "[" + "|".join(self.codes) + "]" if self.codes else self.name.upper()

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str
                       ) -> list[click.shell_completion.CompletionItem]:
        return [click.shell_completion.CompletionItem(code) for code in self.codes
                if code.startswith(incomplete)]


HOUSEHOLD = Named("unit", household_named, ())
BUILDING = Named("building", building_named, ())
DEPARTMENT = Named("department", department_named, ())
FULL_NAME = Named("full name", full_name_named, ())
CATEGORY = Named("category", category_named, CATEGORIES)
SECURITY_LEVEL = Named("security level", security_level_named, SECURITY_LEVELS)


class Day(click.DateTime):
    """A day written year first as the manifest takes it (``day_named``)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        if isinstance(value, str):
            try:
                value = day_named(value)
            except ValueError as exc:
                self.fail(str(exc), param, ctx)
        return super().convert(value, param, ctx)


DAY = Day(["%Y-%m-%d"])
