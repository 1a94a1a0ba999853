"""Legal holds (法律保全, R7): a held document is never swept, and its destruction is
refused even when the hold arrived after approval.

    tables.py      holds and the documents they name
    models.py      a hold as the API shows it
    repository.py  ``tx.holds``, and the one definition of "held"
    rules.py       who places a hold and what it may cover
    service.py     ``HoldsService``: place, release, list
    api.py         the routes
"""
