"""Backup and restore of the whole archive (``archive backup DEST``, ``archive restore SRC``;
reliability.md, promise 10).

A backup is taken while the archive serves and keeps filing, and is consistent: every
object its database snapshots name is in it. It SHALL, in order (``backup.py``):

1. copy the objects that point into the databases (the audit chain's anchors,
   ``audit/anchors/``; the retention follower's cursor, ``state/``): read before the
   snapshots, they never name an entry or event the snapshots lack;
2. snapshot each service's database: SQLite through its online backup API (ingest, then
   search, then registry, so a job the ingest snapshot calls done names a document the
   registry snapshot holds); PostgreSQL with one ``pg_dump``, one transaction for all;
3. copy the objects the databases point to (``originals/``, ``derived/``), found by one
   listing of the store after the snapshots: an object is stored before a database names
   it, so whatever the snapshots name is there (objects filed later are simply extra:
   restore leaves them out). An object that disappears meanwhile (a destruction being
   carried out) starts the pass again from 1. Where the store keeps a journal of its
   changes (the embedded directory) and the previous generation recorded how far it had
   read it, the listing is replaced by the keys the journal names since, read up to just
   after the snapshots: those are looked at (pointers before the snapshots, content
   after), every other object is taken as the previous generation recorded it (its
   bytes are in the backup), and a content key the journal names during the snapshots
   that is gone afterwards starts the pass again;
4. write the generation's manifest (every file's SHA-256, size, and each object's
   content type and retention), then switch ``latest.json`` to it: the previous
   generation stays restorable until that one write, and is kept beside the new one.

Everything is stored once, by content (``blobs/<sha256>``): a second backup copies only
what changed, an interrupted one leaves its copied blobs for the next run to reuse, and
blobs no kept generation names (a destroyed document's) are deleted after the switch.

A restore (``restore.py``) fills an empty place (data directory, or empty database and
bucket) from the newest generation, checks every file's SHA-256, leaves out originals no
restored catalogue record or ingest job names, rebuilds the search index, and runs a
fixity check (``verify.py``); the command then checks the audit chain.

Where a backup lives (``stores.py``): a directory, or ``s3://bucket/prefix``.
"""
