"""A backup copies an object as the store describes it: one rewritten between its
description and its read (the retention follower's cursor, ``state/``, rewritten as the
follower goes) is copied as it now is, not reported altered; bytes changed behind the
store's back still are. Real directory store and backup directory."""

from __future__ import annotations

import hashlib
from pathlib import Path

from services.backup.models import Silent
from services.backup.objects import ObjectsOut
from services.backup.stores import DirectoryBackup
from services.common.objectstore import Listed
from services.common.objectstore.directory import DirectoryObjectStore

KEY = "state/retention-follower.json"


async def _described(tmp_path: Path) -> tuple[DirectoryObjectStore, Listed]:
    """A store holding the follower's cursor, and the cursor as the store described it."""
    store = DirectoryObjectStore(tmp_path / "objects", spool_dir=tmp_path / "spool")
    await store.put_bytes(KEY, b'{"cursor": 1}')
    info = await store.head(KEY)
    assert info is not None
    return store, Listed(key=KEY, info=info)


async def _copied(tmp_path: Path, store: DirectoryObjectStore, listed: Listed) -> ObjectsOut:
    backup = DirectoryBackup(tmp_path / "backup")
    out = ObjectsOut(store, backup, set(), Silent())
    async with backup.exclusive():
        await out.copy({listed.key: listed}, what="anchors and state")
    return out


async def test_an_object_rewritten_after_it_was_described_is_copied_as_it_now_is(
        tmp_path: Path) -> None:
    store, described = await _described(tmp_path)
    await store.put_bytes(KEY, b'{"cursor": 2, "deferred": []}')

    out = await _copied(tmp_path, store, described)

    assert out.altered == set()
    assert out.entries[KEY].sha256 == hashlib.sha256(b'{"cursor": 2, "deferred": []}').hexdigest()
    assert out.entries[KEY].size == len(b'{"cursor": 2, "deferred": []}')


async def test_bytes_changed_behind_the_stores_back_are_reported_altered(
        tmp_path: Path) -> None:
    store, described = await _described(tmp_path)
    (tmp_path / "objects" / "data" / KEY).write_bytes(b'{"cursor": 9}')

    out = await _copied(tmp_path, store, described)

    assert out.altered == {KEY}
    assert out.entries[KEY].sha256 == hashlib.sha256(b'{"cursor": 9}').hexdigest()
