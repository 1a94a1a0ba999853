"""Catalogues: the registry's own type of a label sheet's kind (a query parameter). The
catalogues and item lists as answered are ``services.common.contracts.operations``."""

from __future__ import annotations

from typing import Literal

LabelKind = Literal["folders", "boxes"]
