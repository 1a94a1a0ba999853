"""Households (一户一档, D1–D3): unit code, building and floor, label, occupants history.

    tables.py      households and their occupancies
    models.py      a household's file and its occupants as the API shows them
    repository.py  ``tx.households``
    rules.py       which part of the file a document belongs to, its retention start
    service.py     ``HouseholdsService``: create a file, change its occupant, move out,
                   and place the documents the change concerns in their parts
    api.py         the routes
"""
