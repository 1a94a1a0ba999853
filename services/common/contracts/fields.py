"""The field types several contracts share, each limit stated once: the services refuse
beyond it, and the staff pages cut or refuse by the same numbers.

A text a person must write (``Name``, ``Text``, ``TextReason``, ``Opinion``; ``Title``
too) holds a character that shows (``VISIBLE``): one of spaces, full-width spaces or
zero-width characters alone says nothing, and is refused at decode as an empty one is
(400 ``invalid_request``, its field named), not recorded as a loan's reason. The pages read
such a text as blank by the same rule (``services.common.names.written``).

The rule is for what is written from now on, so only a request's fields have it. What was
stored before it (a loan's external reader, a pending correction's changes, a queued job's
title, a text version's reason), and a service's reply of it, is read as it was written
then (``StoredName``, ``StoredTextReason``; ``StoredTitle``): a value of blanks is shown as
it is, never a failure to read it. A struct both asked for and stored is defined once, as
stored, and asked for as its ``Written…`` subclass, which gives those fields the rule."""

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
VISIBLE = msgspec.Meta(pattern=VISIBLE_PATTERN)
"""What a text a person writes now holds: a character that shows."""
StoredName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]
"""A name as stored and answered, perhaps of blanks alone if written before ``VISIBLE``."""
Name = Annotated[StoredName, VISIBLE]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NOTE), VISIBLE]
"""Text a person must write: a reason, a purpose, a resolution."""
Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]
"""Text a person may leave empty."""
StoredTextReason = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TEXT_REASON)]
"""A text version's reason as stored, perhaps of blanks alone if written before ``VISIBLE``."""
TextReason = Annotated[StoredTextReason, VISIBLE]
Opinion = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_OPINION), VISIBLE]
SigningPassword = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SIGNING_PASSWORD)]
RowNumber = Annotated[int, msgspec.Meta(ge=1, le=MAX_STORED_INTEGER)]
"""A number a request names a stored row by (a notification's id, a text version, a
manifest's line): refused at decode when no row could have it, not by the database."""
