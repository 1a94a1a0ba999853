"""The field types several contracts share, each limit stated once: the services refuse
beyond it, and the staff pages cut or refuse by the same numbers.

A text a person must write (``Name``, ``Text``, ``TextReason``, ``Opinion``; ``Title``
too) holds a character that shows (``VISIBLE_PATTERN``): one of spaces, full-width spaces
or zero-width characters alone says nothing, and is refused at decode as an empty one is
(400 ``invalid_request``, its field named), not recorded as a loan's reason. The pages read
such a text as blank by the same rule (``services.common.names.written``)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from services.common.models import MAX_HOUSEHOLD, VISIBLE_PATTERN

MAX_IDENTIFIER = 64
"""The longest identifier a caller names (a document id)."""
MAX_NAME = 200
"""The longest name of a person or an organisation."""
MAX_NOTE = 2000
"""The longest note, reason, purpose or resolution a person writes."""
MAX_OPINION = 4000
"""The longest appraisal opinion (R3)."""
MAX_TEXT_REASON = 500
"""The longest reason given for a page text's new version (a re-reading, a correction)."""
MAX_SIGNING_PASSWORD = 1024
"""The longest password re-entered to sign (a witness, a handover's side); it is checked
against the account's, so only bounded here."""
MAX_STORED_INTEGER = 2**63 - 1
"""The largest integer a database column holds (SQLite's INTEGER, PostgreSQL's bigint)."""

TypedHousehold = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_HOUSEHOLD)]
"""A household code as a person typed it: the service checks it against the pattern and
names what is wrong (``invalid_household``), which a pattern here would not."""
DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_IDENTIFIER)]
Name = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_NAME, pattern=VISIBLE_PATTERN)]
Text = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_NOTE, pattern=VISIBLE_PATTERN)]
"""Text a person must write: a reason, a purpose, a resolution."""
Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]
"""Text a person may leave empty."""
TextReason = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_TEXT_REASON, pattern=VISIBLE_PATTERN)]
Opinion = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_OPINION, pattern=VISIBLE_PATTERN)]
SigningPassword = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SIGNING_PASSWORD)]
RowNumber = Annotated[int, msgspec.Meta(ge=1, le=MAX_STORED_INTEGER)]
"""A number a request names a stored row by (a notification's id, a text version, a
manifest's line): refused at decode when no row could have it, not by the database."""
