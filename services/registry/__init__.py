"""The registry: the system of record (architecture principle 1) for households, the
catalogue, loans, retention and the audit log.

Its features, each imported only by those above it (checked by ``lint-imports``):

    statistics   O2           yearly statistics, counted from the features below
    transfers    O2           transfers out (移出): documents leave, records stay
    handovers    O1           handovers (移交) signed by both sides, transfer lists
    destruction  R5–R7        destruction registers, two witnesses, durable execution
    sweeps       R2–R5        retention sweeps, appraisal, the director's approval
    holds        R7           legal holds
    circulation  B3–B6        the archive desk: issue, renew, copies, return, escalation
    lending      B1–B3 B7–B9  borrow requests and approvals, the loan register, grants
    corrections  D6 D10 D11   metadata corrections, approved where they must be; moves, renumbering
    fixity       D8           archive numbers checked; the registry's half of fixity
    catalogue    D4–D9        filing, records and their versions, access decisions
    households   D1–D3        a household's file and its occupants
    schedule     R1           the retention schedule; filing computes due dates from it
    accounts     People       users, passwords, tokens
    journal      O4           the change feed and the audit log, appended in every change

The retention schedule stands apart from sweeps, holds and destruction because it sits
below the catalogue (filing, corrections and move-outs compute ``disposal_due`` from it)
while they sit above it (they act on records once due).

Every feature is laid out the same way, so a new one (a report, a handover) is made by
copying any other:

    __init__.py    what it is, the rules it keeps, its files
    api.py         Litestar controllers: decode, call the service, return a struct
    service.py     the domain logic, ``<Feature>Service`` over ``RegistryStore``: no SQL,
                   no Litestar; each change is one ``store.transaction()``
    repository.py  persistence over one connection, a ``schema.Repository``; built only
                   by the unit of work (``store.Tx``) and reached as ``tx.<name>``
    rules.py       pure rules: no storage, no clock
    models.py      msgspec structs (what the API shows; contract types shared with
                   other services are in ``services.common.contracts.registry``)
    tables.py      SQLAlchemy tables, mirroring the migrations (the source of truth); the
                   columns every feature has (ids, references, who and when, status,
                   notes) come from ``columns.py``

A feature without tables of its own (statistics, fixity, circulation) reads the others'
through ``tx``. A further module is named for the one thing it does beside those roles
(``destruction/executor.py``, ``journal/anchors.py``, ``lending/steps.py``); what two
features share sits beside ``store`` (``seal.py`` for signatures by re-entered password,
``printing.py`` for printed lists). Inside a
feature, imports go one way: api → service → repository → rules → models → tables.
"""
