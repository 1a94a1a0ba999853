"""Retention (R1–R7): sweeps (登记造册), appraisal (鉴定), approval, legal holds, and
two-witness destruction (销毁) with its register (销毁清册).

    sweeps.py       start a sweep, appraise its items, the director approves or rejects
    holds.py        legal holds placed and released by compliance
    destruction.py  registers: drawn up, witnessed, executed, cancelled, printed
    executor.py     durable execution, item by item, resumed at start-up
    register.py     the register as PDF (CJK font embedded) and CSV
    rules.py        the rules, pure: agreement, due dates, waiting, witnesses
    loans.py        which documents are out on loan (the lending feature's tables)
    api.py          the routes; wiring.py builds the services for the registry
    tables.py, repository.py, holds_repository.py, register_repository.py, store.py
                    persistence, inside the registry's unit of work

The objects themselves (originals, derived files) are locked and deleted by ingest,
following the change feed (``services.ingest.purge``).
"""
