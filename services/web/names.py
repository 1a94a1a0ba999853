"""The names the staff pages give coded values, keyed by any text: a code as a form, an
address or a registry's answer gives it is looked up as it came (``.get(code, code)``);
the tables in ``services.common.models`` are keyed by their ``Literal`` codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.common.models import CATEGORY_NAMES, RETENTION_CLASS_NAMES, SECURITY_LEVEL_NAMES


def by_code(*tables: Mapping[Any, str]) -> dict[str, str]:
    """Name tables keyed by codes, as one keyed by any text."""
    return {str(code): name for table in tables for code, name in table.items()}


CATEGORY_BY_CODE = by_code(CATEGORY_NAMES)
"""Each category's Chinese name (D5), in the catalogue's order."""
LEVEL_BY_CODE = by_code(SECURITY_LEVEL_NAMES)
"""Each security level's Chinese name (D9)."""
CLASS_BY_CODE = by_code(RETENTION_CLASS_NAMES)
"""Each retention class's Chinese name (R1)."""
