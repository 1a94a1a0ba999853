"""How long a form's field may be (its ``maxlength``): each the limit a contract states,
so that a form never takes more than the service accepts. The templates read them as
``limits`` (``maxlength="{{ limits.note }}"``)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.contracts.accounts import MAX_PASSWORD, MIN_PASSWORD
from services.common.contracts.corrections import MAX_LANGUAGE
from services.common.contracts.fields import MAX_NAME, MAX_NOTE, MAX_OPINION, MAX_TEXT_REASON
from services.common.contracts.ingest import MAX_PAGE_TEXT
from services.common.contracts.registry import MAX_LABEL, MAX_TITLE
from services.common.contracts.search import MAX_QUERY_CHARS
from services.common.models import MAX_DEPARTMENT, MAX_HOUSEHOLD, MAX_PERSON_NAME, MAX_USERNAME


@dataclass(frozen=True)
class Limits:
    household: int = MAX_HOUSEHOLD
    building: int = 20
    """A building as typed on the search page (B, 3号楼, building 3)."""
    username: int = MAX_USERNAME
    department: int = MAX_DEPARTMENT
    full_name: int = MAX_PERSON_NAME
    """An account's person's name (姓名)."""
    password: int = MAX_PASSWORD
    shortest_password: int = MIN_PASSWORD
    name: int = MAX_NAME
    """A person's or an organisation's name."""
    label: int = MAX_LABEL
    """A building, room, cabinet or box."""
    document: int = 80
    """A document named as typed (the audit log page): an archive number (档号) is shorter,
    an id is 32 characters."""
    location: int = 300
    """The four labels in one line, parted by ``/``: each label is checked against its limit
    once the parts are stripped, so the line leaves room for spaces around the ``/``."""
    note: int = MAX_NOTE
    title: int = MAX_TITLE
    """A document's title (题名)."""
    language: int = MAX_LANGUAGE
    opinion: int = MAX_OPINION
    query: int = MAX_QUERY_CHARS
    page_text: int = MAX_PAGE_TEXT
    text_reason: int = MAX_TEXT_REASON


LIMITS = Limits()
