"""Destruction (销毁, R5–R7): registers (销毁清册) of approved items, signed by two
witnesses (监销人), executed item by item, printed; what remains of a destroyed document.
A witness's signature is bound to the items they checked by ``services.registry.seal``.

    tables.py      registers, their witnesses and items
    models.py      a register and a tombstone as the API shows them
    repository.py  ``tx.registers``
    rules.py       how many witnesses, still due, what a register line says
    protection.py  what stops an item being destroyed today (a hold, a loan, not due)
    executor.py    ``DestructionExecutor``: carries a register out, durably
    register.py    the register as PDF and CSV
    service.py     ``DestructionService``: draw up, witness, execute, cancel, read
    api.py         the routes
"""
