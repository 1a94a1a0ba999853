"""Lending (借阅, B1–B9): borrow permissions from request to return, as registry records.

    rules.py       the state machine and the approval chain, pure
    tables.py      the tables (mirroring migration ``registry_0003``)
    models.py      the API structs
    repository.py  persistence inside a registry transaction
    service.py     requests and approvals; handover.py: issue, acknowledge, renew, return
    grants.py      the ``GrantSource`` that turns digital loans into access (B2, B8)
    escalation.py  the periodic check that escalates loans held too long (B4)
    api.py         the routes
"""
