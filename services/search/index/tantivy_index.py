"""The embedded search index: Tantivy in a local directory (schema: ``tantivy_schema``;
searching: ``tantivy_search``).

Layout of the directory given to ``TantivyIndex``::

    CURRENT          the name of the live generation, replaced whole and durably
    gen-000001/      a Tantivy index: the live one, or a rebuild being filled
      ANALYSIS       the ``ANALYSIS`` version that made it (none: version 1)

A rebuild fills a new ``gen-*`` beside the live one; ``commit`` rewrites ``CURRENT`` and
swaps the in-memory index, so searches never stop; the old generation is then deleted.
A generation left over from an interrupted rebuild is deleted by ``ensure``.

A generation made before the words fields (``tantivy_schema.LEGACY_SCHEMA``, ``ANALYSIS``
9 and before) is opened with its own schema and searched without the word clauses until
the rebuild that its ``ANALYSIS`` starts replaces it; written to meanwhile, it ignores the
words.

A live generation whose directory was deleted while the archive ran is not searched
(Tantivy would still answer from the files it holds open, while every write fails):
calls raise ``index_missing`` until ``ensure`` makes a new one (``protocol``).

Threads: Tantivy is blocking, so every call runs in ``asyncio.to_thread``. Writes (and the
swap) are serialised by one lock because a Tantivy index has a single writer; searches
take no lock. Each write batch is committed and the reader reloaded before the call
returns, so what was written is found immediately. One process owns the directory
(Tantivy's writer lock refuses a second one).
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import tantivy

from services.common.config import Settings
from services.common.durable import write_durably
from services.common.errors import Conflict, DependencyUnavailable
from services.search.index.models import ANALYSIS, AccessFilter, IndexedDocument, SearchResult
from services.search.index.protocol import INDEX_MISSING, Rebuild
from services.search.index.tantivy_schema import (
    LEGACY_SCHEMA,
    SCHEMA,
    live_documents,
    to_document,
    tombstone,
)
from services.search.index.tantivy_search import hit_count, search_page
from services.search.query import SearchQuery
from services.search.synonyms import DEFAULT_SYNONYMS, Synonyms

CURRENT = "CURRENT"
GENERATION_PREFIX = "gen-"
ANALYSIS_FILE = "ANALYSIS"
"""In a generation: Tantivy deletes only the files it manages, so this one stays."""
WRITER_LOCK = ".tantivy-writer.lock"
"""In a generation: Tantivy's ``flock``, held while its writer is open."""

Changes = dict[str, tuple[int, tantivy.Document]]
"""document_id → (version, the document or its tombstone) for one write batch."""


@contextmanager
def _tantivy_errors(path: Path, action: str) -> Iterator[None]:
    try:
        yield
    except PermissionError as exc:
        # Rebuilding would meet the same refusal: the user running the archive is not the
        # directory's owner (an 'archive restore' or 'serve' run once as root, say).
        raise DependencyUnavailable(
            f"the search index at {path} could not {action}: {exc}; the user running the "
            "archive may not write it: give that user ARCHIVE_DATA_DIR (chown -R), or run "
            "the archive as its owner") from exc
    except (OSError, ValueError) as exc:
        raise DependencyUnavailable(
            f"the search index at {path} could not {action}: {exc}; "
            "check the disk, or rebuild it with 'archive reindex'") from exc


def embedded_directory(settings: Settings) -> Path:
    """Where the embedded index lives (when no Elasticsearch is configured)."""
    return settings.data_dir / "index"


def locks_held_while_served(settings: Settings) -> tuple[Path, ...]:
    """The lock file an archive serving the embedded index holds while it runs (Tantivy's
    writer lock, held by every release): how ``services.common.in_use`` sees a server of
    a release older than its own lock. Here, not in the search service's bootstrap, so
    that a refused ``archive migrate`` or ``restore`` need not load the services."""
    if settings.elasticsearch_url:
        return ()
    current = embedded_directory(settings) / CURRENT
    if not current.exists():
        return ()
    return (current.parent / current.read_text().strip() / WRITER_LOCK,)


def _opened(path: Path, schema: tantivy.Schema) -> tuple[tantivy.Index, bool]:
    """The Tantivy index at ``path``, made by ``schema`` or, when it exists already, by
    the schema before the words fields; and whether it has them."""
    try:
        return tantivy.Index(schema, path=str(path), reuse=True), schema is SCHEMA
    except ValueError as exc:
        if "schema does not match" not in str(exc) or schema is LEGACY_SCHEMA:
            raise
    return tantivy.Index(LEGACY_SCHEMA, path=str(path), reuse=True), False


def _analysis_of(generation: Path) -> int:
    """The ``ANALYSIS`` that made a generation: 1 without a record (made before there was
    one), 0 (rebuild it) for a record that cannot be read."""
    try:
        return int((generation / ANALYSIS_FILE).read_text())
    except FileNotFoundError:
        return 1
    except ValueError:
        return 0


class _Generation:
    """One Tantivy index directory and its single writer."""

    def __init__(self, path: Path, *, heap_bytes: int, analysis: int,
                 schema: tantivy.Schema = SCHEMA) -> None:
        self.path = path
        with _tantivy_errors(path, "open"):
            if not path.exists():
                path.mkdir(parents=True)
                write_durably(path / ANALYSIS_FILE, f"{analysis}\n".encode())
            self.analysis = _analysis_of(path)
            try:
                # words: it has the words fields (made after ANALYSIS 9)
                self.index, self.words = _opened(path, schema)
            except ValueError as exc:
                if "schema does not match" not in str(exc):
                    raise
                raise DependencyUnavailable(
                    f"the search index at {path} was built by another version of the archive; "
                    "delete that directory, start again and run 'archive reindex'") from exc
            self.writer: tantivy.IndexWriter | None = self.index.writer(
                heap_size=heap_bytes, num_threads=1)

    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

    def _held_versions(self, document_ids: list[str]) -> dict[str, int]:
        searcher = self.searcher()
        held = searcher.search(
            tantivy.Query.term_set_query(SCHEMA, "document_id", document_ids),
            limit=len(document_ids), count=False, order_by_field="document_id",
        ).hits
        versions = searcher.fast_field_values("version", [address for _, address in held])
        return {
            str(key): int(version or 0)
            for (key, _), version in zip(held, versions, strict=True)
        }

    def write(self, changes: Changes) -> None:
        """Apply the changes newer than what is held; commit once; reload the reader."""
        if self.writer is None or not changes:
            return
        with _tantivy_errors(self.path, "be written"):
            held = self._held_versions(list(changes))
            applied = 0
            try:
                for document_id, (version, document) in changes.items():
                    if version <= held.get(document_id, -1):
                        continue
                    self.writer.delete_documents_by_term("document_id", document_id)
                    self.writer.add_document(document)
                    applied += 1
                if applied:
                    self.writer.commit()
            except BaseException:
                self.writer.rollback()  # half a batch must not ride along with the next commit
                raise
            if applied:
                self.index.reload()

    def close(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            with _tantivy_errors(self.path, "be closed"):
                writer.wait_merging_threads()


def _newest_per_document(docs: Sequence[IndexedDocument], words: bool) -> Changes:
    newest: dict[str, IndexedDocument] = {}
    for doc in docs:
        if doc.document_id not in newest or doc.version > newest[doc.document_id].version:
            newest[doc.document_id] = doc
    return {key: (doc.version, to_document(doc, words=words)) for key, doc in newest.items()}


def _tombstones(document_ids: Sequence[str], version: int) -> Changes:
    return {key: (version, tombstone(key, version)) for key in dict.fromkeys(document_ids)}


class TantivyRebuild:
    """A new generation being filled; see ``Rebuild``."""

    def __init__(self, owner: TantivyIndex, generation: _Generation) -> None:
        self._owner = owner
        self._generation = generation

    async def upsert(self, docs: Sequence[IndexedDocument]) -> None:
        changes = await asyncio.to_thread(_newest_per_document, docs, self._owner.words)
        await asyncio.to_thread(self._owner._write_to, self._generation, changes)

    async def delete(self, document_ids: Sequence[str], *, version: int) -> None:
        changes = _tombstones(document_ids, version)
        await asyncio.to_thread(self._owner._write_to, self._generation, changes)

    async def commit(self) -> None:
        await asyncio.to_thread(self._owner._swap_in, self._generation)

    async def abort(self) -> None:
        await asyncio.to_thread(self._owner._discard, self._generation)


class TantivyIndex:
    """``SearchIndex`` over a local directory (module docstring); nothing opens before ``ensure``.

    ``writer_heap_bytes`` is Tantivy's indexing memory budget per generation; ``analysis``
    the version recorded in the generations it makes (``ANALYSIS``; another only in tests
    of an upgrade, as is ``words=False``: generations without the words fields, as made
    before them); ``synonyms`` the words a search's words are matched with too.
    """

    def __init__(self, directory: Path, *, writer_heap_bytes: int = 50_000_000,
                 analysis: int = ANALYSIS, synonyms: Synonyms = DEFAULT_SYNONYMS,
                 words: bool = True) -> None:
        self._directory = directory
        self.words = words
        """Whether the generations it makes have the words fields (and the documents it
        writes their words: an older generation ignores them)."""
        self._schema = SCHEMA if words else LEGACY_SCHEMA
        self.synonyms = synonyms
        self._heap_bytes = writer_heap_bytes
        self._analysis = analysis
        self._lock = threading.Lock()
        self._live: _Generation | None = None
        self._rebuild: _Generation | None = None

    # -- opening and generations ------------------------------------------------------

    async def ensure(self) -> None:
        await asyncio.to_thread(self._open)

    def _open(self) -> None:
        with self._lock:
            lost = self._live
            if lost is not None:
                if lost.path.exists():
                    return
                lost.close()  # searches meanwhile still find it lost (index_missing)
            with _tantivy_errors(self._directory, "open"):
                self._directory.mkdir(parents=True, exist_ok=True)
                current = self._directory / CURRENT
                name = current.read_text().strip() if current.exists() else None
                if name is None:
                    name = self._next_generation_name()
                    self._point_current_at(name)
                for stale in self._generation_dirs():
                    if stale.name != name:
                        shutil.rmtree(stale)
            self._live = self._generation(name)

    def _generation(self, name: str) -> _Generation:
        return _Generation(self._directory / name, heap_bytes=self._heap_bytes,
                           analysis=self._analysis, schema=self._schema)

    def _generation_dirs(self) -> list[Path]:
        return sorted(p for p in self._directory.glob(GENERATION_PREFIX + "*") if p.is_dir())

    def _next_generation_name(self) -> str:
        """Above every generation there, and above the live one even when its directory
        was deleted: the swap deletes the old generation's directory by name."""
        names = [p.name for p in self._generation_dirs()]
        if self._live is not None:
            names.append(self._live.path.name)
        numbers = [int(name.removeprefix(GENERATION_PREFIX)) for name in names]
        return f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"

    def _point_current_at(self, name: str) -> None:
        write_durably(self._directory / CURRENT, f"{name}\n".encode())

    def _live_generation(self) -> _Generation:
        live = self._live
        if live is None:
            raise DependencyUnavailable(
                f"the search index at {self._directory} is not open; call ensure() first")
        if not live.path.exists():
            raise DependencyUnavailable(
                f"the search index directory {live.path} was deleted while the archive ran; "
                "the search service makes it again and fills it from the registry's change "
                "feed within seconds (or run 'archive reindex')", code=INDEX_MISSING)
        return live

    # -- writes -----------------------------------------------------------------------

    def _write_to(self, generation: _Generation | None, changes: Changes) -> None:
        """Write to ``generation``, or (None) to the live one and any open rebuild.

        The targets are chosen under the lock, so a write never lands in a generation
        that a concurrent commit has just retired.
        """
        with self._lock:
            if generation is not None:
                self._still_rebuilding(generation)
                generation.write(changes)
                return
            self._live_generation().write(changes)
            if self._rebuild is not None:
                self._rebuild.write(changes)

    async def upsert(self, docs: Sequence[IndexedDocument]) -> None:
        if not docs:
            return
        changes = await asyncio.to_thread(_newest_per_document, docs, self.words)
        await asyncio.to_thread(self._write_to, None, changes)

    async def delete(self, document_ids: Sequence[str], *, version: int) -> None:
        if not document_ids:
            return
        await asyncio.to_thread(self._write_to, None, _tombstones(document_ids, version))

    # -- rebuild ----------------------------------------------------------------------

    async def start_rebuild(self) -> Rebuild:
        return TantivyRebuild(self, await asyncio.to_thread(self._begin_rebuild))

    def _begin_rebuild(self) -> _Generation:
        with self._lock:
            if self._live is None:
                self._live_generation()  # not open: says so
            if self._rebuild is not None:
                raise Conflict("a rebuild of the search index is already running",
                               code="rebuild_in_progress")
            self._rebuild = self._generation(self._next_generation_name())
            return self._rebuild

    def _still_rebuilding(self, generation: _Generation) -> None:
        if self._rebuild is not generation:
            raise Conflict("this rebuild was already committed or aborted",
                           code="rebuild_finished")

    def _swap_in(self, generation: _Generation) -> None:
        with self._lock:
            self._still_rebuilding(generation)
            with _tantivy_errors(self._directory, "switch to the rebuilt index"):
                self._point_current_at(generation.path.name)
            old, self._live, self._rebuild = self._live, generation, None
            if old is not None:
                old.close()
                shutil.rmtree(old.path, ignore_errors=True)

    def _discard(self, generation: _Generation) -> None:
        with self._lock:
            if self._rebuild is generation:
                self._rebuild = None
            generation.close()
            shutil.rmtree(generation.path, ignore_errors=True)

    async def drop_replaced(self) -> None:
        """Nothing is left to drop: a swap deletes the generation it replaces, ``ensure``
        any an interrupted rebuild left, and a lost one is gone with its directory."""

    # -- reads ------------------------------------------------------------------------

    async def search(self, query: SearchQuery, access: AccessFilter) -> SearchResult:
        return await asyncio.to_thread(self._search, query, access)

    def _search(self, query: SearchQuery, access: AccessFilter) -> SearchResult:
        generation = self._live_generation()
        with _tantivy_errors(generation.path, "be searched"):
            return search_page(generation.searcher(), query, access, self.synonyms,
                               words=generation.words)

    def searcher(self) -> tantivy.Searcher:
        """The live generation's Tantivy searcher, for benchmarks timing the engine alone."""
        return self._live_generation().searcher()

    async def outdated(self) -> bool:
        return self._live_generation().analysis != self._analysis

    async def count(self) -> int:
        return await asyncio.to_thread(self._count)

    async def held(self) -> int:
        return await asyncio.to_thread(self._held)

    def _held(self) -> int:
        """Read only: another process may hold the live generation's writer."""
        current = self._directory / CURRENT
        if not current.exists():
            return 0
        path = self._directory / current.read_text().strip()
        with _tantivy_errors(path, "be counted"):
            index, _ = _opened(path, SCHEMA)
            return hit_count(index.searcher().search(live_documents(), limit=1))

    def _count(self) -> int:
        generation = self._live_generation()
        with _tantivy_errors(generation.path, "be counted"):
            return hit_count(generation.searcher().search(live_documents(), limit=1))

    async def check(self) -> str:
        """``ok; documents: N; index: gen-…``."""
        total = await self.count()
        return f"ok; documents: {total}; index: {self._live_generation().path.name}"

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        with self._lock:
            for generation in (self._rebuild, self._live):
                if generation is not None:
                    generation.close()
            self._live = self._rebuild = None
