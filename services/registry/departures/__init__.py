"""Departures (离档): how the documents that left a household's file left it, destroyed
under a destruction register (R6) or transferred out of the archive (移出), for the
household page to show them apart from the documents still held.

    repository.py  ``tx.departures``
    service.py     ``DeparturesService``: a household's departures, as far as visible
    api.py         the route
"""
