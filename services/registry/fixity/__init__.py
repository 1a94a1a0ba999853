"""The registry's half of the fixity check (reliability promise 6; ingest re-hashes the
originals): are archive numbers whole (D8), which records to re-hash, and each run's
outcome in the audit log (O4). It has no tables of its own: it reads ``tx.documents``.

    rules.py       the archive-number check
    service.py     ``FixityService``
    api.py         the routes ingest calls
"""
