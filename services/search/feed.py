"""Applying the registry's change feed (变更流) to a search index, one page at a time.

A page of changes SHALL be applied as one batch, in this order:
1. collapse it to the newest state of each document (``plan``): a document filed,
   corrected and destroyed within one page is only deleted; household and schedule
   changes are skipped, since nothing they change is indexed; a ``text_revised`` document
   is indexed again with its new text;
2. fetch the text of every document to index from ingest, in bulk (a few calls a page);
3. upsert those documents, each with the ``seq`` of its newest event as its version,
   then delete the destroyed ones.

Applying a page again (a retry after an outage, a replay by ``archive reindex``) changes
nothing: the index ignores a write whose version is not above the one it holds
(reliability.md, "Derived indexes drift").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from services.common.contracts.registry import (
    HELD_STATUS,
    Change,
    DocumentCorrected,
    DocumentDestroyed,
    DocumentFiled,
    DocumentTransferred,
    FeedDocument,
    FeedPage,
    SecurityChanged,
    TextRevised,
)
from services.search.index.models import IndexedDocument


class ChangeSource(Protocol):
    """The registry's change feed (``GET /registry/changes``)."""

    async def changes(self, after: int, *, limit: int) -> FeedPage:
        """Up to ``limit`` events after ``after`` in ``seq`` order; ``DependencyUnavailable``
        when the registry cannot be reached."""
        ...


class TextSource(Protocol):
    """Documents' extracted text (ingest)."""

    async def texts(self, documents: Sequence[FeedDocument]) -> dict[str, str]:
        """document_id → the text of every page, in order, for each of ``documents``;
        empty when nothing was extracted (a document filed without going through ingest).
        ``DependencyUnavailable`` when ingest cannot be reached."""
        ...


class IndexWriter(Protocol):
    """What a page is applied to: the live ``SearchIndex`` or a ``Rebuild``."""

    async def upsert(self, docs: Sequence[IndexedDocument]) -> None: ...

    async def delete(self, document_ids: Sequence[str], *, version: int) -> None: ...


@dataclass
class Batch:
    """The newest state of each document a page touches."""

    upserts: dict[str, tuple[int, FeedDocument]] = field(default_factory=dict)
    """document_id → (seq of its newest event, the document as of that event)."""
    deletions: dict[str, int] = field(default_factory=dict)
    """document_id → seq of its destruction."""


def plan(changes: Sequence[Change]) -> Batch:
    """Collapse ``changes`` (in ``seq`` order) to one write per document."""
    batch = Batch()
    for change in changes:
        match change.event:
            case DocumentDestroyed(document=document) \
                    | DocumentTransferred(document=document):
                batch.upserts.pop(document.document_id, None)
                batch.deletions[document.document_id] = change.seq
            case DocumentFiled(document=document) | DocumentCorrected(document=document) \
                    | SecurityChanged(document=document) | TextRevised(document=document):
                if document.status != HELD_STATUS:  # destroyed, or transferred out
                    batch.upserts.pop(document.document_id, None)
                    batch.deletions[document.document_id] = change.seq
                else:
                    batch.deletions.pop(document.document_id, None)
                    batch.upserts[document.document_id] = (change.seq, document)
            case _:
                pass  # household labels and retention dates are not in the index
    return batch


def indexed(document: FeedDocument, body: str, *, version: int) -> IndexedDocument:
    return IndexedDocument(
        document_id=document.document_id, archive_no=document.archive_no,
        title=document.title, body=body, household=document.household,
        category=document.category, filed_at=document.filed_at, security=document.security,
        personal_info=document.personal_info, version=version,
        former_archive_nos=tuple(document.former_archive_nos), language=document.language,
    )


async def _with_text(texts: TextSource, upserts: dict[str, tuple[int, FeedDocument]]
                     ) -> list[IndexedDocument]:
    bodies = await texts.texts([document for _, document in upserts.values()])
    return [indexed(document, bodies.get(document.document_id, ""), version=seq)
            for seq, document in upserts.values()]


async def apply(changes: Sequence[Change], writer: IndexWriter, texts: TextSource) -> None:
    """Apply a page of changes to ``writer`` (module docstring); idempotent.

    Raises what the text source or the index raise (``DependencyUnavailable``); nothing
    of a failed page needs undoing, since applying it again is harmless.
    """
    batch = plan(changes)
    if batch.upserts:
        await writer.upsert(await _with_text(texts, batch.upserts))
    if batch.deletions:
        # One tombstone version for all: the newest destruction in the page. It is above
        # each document's own destruction seq and below any later event, since the
        # page ends each of these documents' history and later pages have higher seqs.
        await writer.delete(list(batch.deletions), version=max(batch.deletions.values()))
