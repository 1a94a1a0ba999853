"""The fixity check (reliability.md promise 6; the 四性 checks of DA/T 70): does what the
archive stores still match what its catalogue says?

A run SHALL, for every catalogue record (the registry's, paged by document id):
1. active documents: the original is in the object store and its bytes still hash to the
   record's SHA-256 and size (integrity, authenticity): else ``original_missing`` or
   ``original_altered``; on a write-once store, it is locked until its ``disposal_due``
   (a permanent one: locked at all) (security): else ``original_unlocked``; its page
   texts are there, a line per page (usability): else ``text_missing`` or
   ``text_incomplete``; every older version of the texts its history lists is kept: else
   ``text_version_missing``; every page's preview and thumbnail are there (usability),
   except a PDF text-layer page's, made on its first view: else ``preview_missing``; a
   document with no preview at all was filed before previews were made and lost
   nothing: it is counted (``documents_without_previews``), not a finding;
2. destroyed documents: the original is gone, unless its retention lock has not passed
   yet (the store refuses to delete it early, ``services.ingest.purge``) or it was
   destroyed less than ``DESTRUCTION_GRACE`` ago: else ``destroyed_original_kept``;
3. archive numbers (档号, D8): each series holds 1..its counter, each once (the registry
   checks): else ``archive_number_gap``, ``archive_number_duplicate``,
   ``archive_counter_mismatch``, ``archive_number_malformed``;
4. every original in the store is named by a catalogue record or an ingest job (a job
   not yet registered, or failed): else ``original_unaccounted``.

It reports every mismatch as a ``FixityFinding`` and changes nothing; the registry puts
the outcome, and each finding on its document, in the audit log (O4). Runs are rows in
ingest's database: one runs at a time (a unique "running" slot), progress is saved as it
goes, and a run whose process died (no progress for ``STALE_AFTER``) is marked failed
when the next one starts. Runs start on request (``POST /ingest/fixity``, ``archive
fixity``) and on a schedule (``ARCHIVE_FIXITY_INTERVAL_DAYS``).

    tables.py      the runs' table in ingest's database (migration ``ingest_0002``)
    repository.py  ``FixityRuns``: starting, saving, finishing and reading runs
    checker.py     ``FixityChecker``: carries out a run in this process
    schedule.py    ``FixitySchedule``: starts a run when one is due
"""
