"""A text a person must write (a reason, a note, a title, a name) says something: one of
spaces, full-width spaces or zero-width characters alone is refused by the contracts' types
as an empty one is, and read as blank by the pages (``written``), by one rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from services.common.contracts.corrections import MetadataChanges, WrittenMetadataChanges
from services.common.contracts.fields import Name, Opinion, Text, TextReason
from services.common.contracts.households import OccupancyChanges, WrittenOccupancyChanges
from services.common.contracts.lending import ExternalReader, WrittenExternalReader
from services.common.contracts.registry import FilingDefaults, TextRevision, Title
from services.common.filing import filing_defaults
from services.common.models import PersonName
from services.common.names import tidied_full_name, written
from services.ingest.models import TextVersion, UploadMetadata, WrittenUploadMetadata

NOTHING_VISIBLE = [
    "   ",
    "\u3000\u3000",  # full-width spaces, as a Chinese input method types them
    "\u200b",  # a zero-width space pasted from a chat
    " \u200c\u200d\ufeff ",  # zero-width (non-)joiner, byte-order mark
    "\u00ad",  # soft hyphen
    "\u2060\u3164",  # word joiner, Hangul filler
    "\t\n",
]
REQUIRED_TEXTS: list[Any] = [Text, TextReason, Opinion, Name, Title, PersonName]


@pytest.mark.parametrize("kind", REQUIRED_TEXTS)
@pytest.mark.parametrize("typed", NOTHING_VISIBLE)
def test_a_required_text_with_nothing_visible_is_refused(kind: Any, typed: str) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(typed, kind)


@pytest.mark.parametrize("kind", REQUIRED_TEXTS)
def test_a_required_text_with_something_visible_is_taken_as_typed(kind: Any) -> None:
    assert msgspec.convert("张 三", kind) == "张 三"


READER = {"name": "赵六", "organisation": "物业公司", "id_document": "身份证",
          "introduction_letter": "介绍信"}
STORED_BEFORE_THE_RULE: list[tuple[Any, Any, dict[str, Any]]] = [
    (ExternalReader, WrittenExternalReader, READER | {"name": "\u3000"}),
    (MetadataChanges, WrittenMetadataChanges, {"title": "\u200b"}),
    (OccupancyChanges, WrittenOccupancyChanges, {"occupant": " "}),
    (UploadMetadata, WrittenUploadMetadata, {"category": "repair", "title": "\u3000"}),
]


@pytest.mark.parametrize(("stored", "asked", "value"), STORED_BEFORE_THE_RULE)
def test_what_was_stored_blank_before_the_rule_reads_and_is_refused_when_asked_now(
        stored: Any, asked: Any, value: dict[str, Any]) -> None:
    """A struct both stored and asked for: read back (a loan's reader, a pending
    correction, a queued job) as stored; asked for with the same value now, refused."""
    read = msgspec.convert(value, stored)
    assert {name: getattr(read, name) for name in value} == value
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(value, asked)


@pytest.mark.parametrize(("kind", "value"), [
    (TextVersion, {"version": 2, "engine": None, "reason": "\u3000"}),
    (TextRevision, {"text_version": 2, "engine": None, "reason": "\u3000",
                    "revised_by": "li"}),
    (FilingDefaults, {"title": "\u3000", "filed_at": date(2024, 5, 18),
                      "security": "ordinary", "personal_info": False}),
])
def test_a_text_version_or_default_title_stored_blank_before_the_rule_reads(
        kind: Any, value: dict[str, Any]) -> None:
    """Never a person's writing now: a text version (and ingest telling the registry of
    it) and a job's defaults are read as they were stored."""
    read = msgspec.convert(value, kind)
    assert {name: getattr(read, name) for name in value} == value


@pytest.mark.parametrize("typed", NOTHING_VISIBLE)
def test_the_pages_read_a_text_with_nothing_visible_as_blank(typed: str) -> None:
    assert written(typed) == ""


def test_the_pages_keep_a_written_text_as_typed_without_blanks_around_it() -> None:
    assert written("\u3000 清单不全\u200b，重新登记 ") == "清单不全\u200b，重新登记"


def test_a_full_name_is_kept_without_what_cannot_be_seen_in_it() -> None:
    assert (tidied_full_name("\u200b张\u200b三 "), tidied_full_name("\u200b")) == ("张三", "")


def test_a_file_named_by_blanks_alone_gives_no_title_to_file() -> None:
    """Its upload is refused for a title (``invalid_metadata``), not filed and then
    refused by the registry for one with nothing visible."""
    assert filing_defaults(filename="\u3000\u200b.pdf", today=date(2024, 5, 18)).title is None
