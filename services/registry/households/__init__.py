"""Households (一户一档, D1–D3): unit code, building and floor, label, occupants history.

    tables.py      households and their occupancies
    models.py      a household's file and its occupants as the API shows them
    repository.py  ``tx.households``
    service.py     ``HouseholdsService``: create a file, change its occupant, move out
    api.py         the routes
"""
