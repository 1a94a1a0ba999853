"""The registry's journal: the change feed (变更流, architecture principle 3) and the audit
log (审计日志, O4), both appended inside the transaction of the change they record
(``tx.journal``, see ``repository``).

The audit log is append-only and chained with a key kept outside the database (``rules``):
the migration adds triggers that refuse UPDATE and DELETE on ``audit_log`` on both
engines, and on PostgreSQL the services' own role may only INSERT and SELECT it
(``services.registry.schema.APP_ROLE_LIMITS``); its head is anchored in the object store
(``anchors``). What is recorded: filing, reads of confidential or personal documents,
content reads and downloads, corrections, household and schedule changes, every account
change and login, and every authorisation refusal; features add their own actions
(borrow, return, appraisal, destruction, fixity checks).

    tables.py      the head row, the change feed, the audit log, where the keyed chain starts
    models.py      audit entries, queries, the verification report, an anchored head
    rules.py       the chain's hashes and how it is walked; how many refusals are itemised
    actions.py     the actions' names, and the older names of refusals read under them
    repository.py  appending and reading both, inside a registry transaction
    service.py     reading as a person may, verifying, anchoring, recording refusals
    anchors.py     the chain's head in the object store, locked
    api.py         the routes
"""
