"""The catalogue (档案目录, D4–D9): one record per document, its versions, archive numbers,
and the access decisions the other services ask for.

    tables.py      records, their versions (D6), the archive-number counters (D8)
    models.py      a record's version as the API shows it (the record itself is in
                   ``services.common.contracts.registry``)
    repository.py  ``tx.documents``
    rules.py       archive numbers, what a filing says, what is audited, a new record
    service.py     ``CatalogueService``: file, read, list, decide access, text versions
    api.py         the routes
"""
