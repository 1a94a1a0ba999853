"""The field types several contracts share, each limit stated once: the services refuse
beyond it, and the staff pages cut or refuse by the same numbers."""

from __future__ import annotations

from typing import Annotated

import msgspec

MAX_IDENTIFIER = 64
"""The longest identifier a caller names (a document id)."""
MAX_NAME = 200
"""The longest name of a person or an organisation."""
MAX_NOTE = 2000
"""The longest note, reason, purpose or resolution a person writes."""
MAX_OPINION = 4000
"""The longest appraisal opinion (R3)."""
MAX_SIGNING_PASSWORD = 1024
"""The longest password re-entered to sign (a witness, a handover's side); it is checked
against the account's, so only bounded here."""

DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_IDENTIFIER)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NOTE)]
"""Text a person must write: a reason, a purpose, a resolution."""
Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]
"""Text a person may leave empty."""
Opinion = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_OPINION)]
SigningPassword = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SIGNING_PASSWORD)]
