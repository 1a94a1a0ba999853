"""Corrections (更正, D6, D10, D11): a change of a record's metadata, applied as a new
version, at once or once someone other than the requester approves it; one of the year,
category or household renumbers the document.

    tables.py      corrections
    models.py      a correction and its decision as the API shows them
    repository.py  ``tx.corrections``
    rules.py       who approves, what changes, who may decide
    service.py     ``CorrectionsService``: ask, approve, reject, list
    api.py         the routes
"""
