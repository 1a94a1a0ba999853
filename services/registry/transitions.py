"""The check every move on a registry record starts with: the record, read under lock,
exists (else 404) and is in the state the move needs (else 409 ``invalid_transition``)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from services.common.errors import Conflict, NotFound


class _Stated(Protocol):
    @property
    def status(self) -> str: ...


S = TypeVar("S", bound=_Stated)


def in_state(found: S | None, needed: str, *, missing: NotFound, refusal: str) -> S:
    """``found`` if it is in state ``needed``; ``refusal`` may name its state as
    ``{status}``."""
    if found is None:
        raise missing
    if found.status != needed:
        raise Conflict(refusal.format(status=found.status), code="invalid_transition")
    return found
