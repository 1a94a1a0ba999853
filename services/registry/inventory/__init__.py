"""Periodic checks (O3): the monthly inventory (帐物相符) of the paper originals by box,
and the condition check of each box against the seven protections (七防).

    tables.py      inventories, their items (one per box), condition checks
    models.py      an inventory, an item, a discrepancy, a condition check
    repository.py  ``tx.inventory``
    rules.py       the checklist of boxes (D7), what a mark and a resolution need
    checklist.py   the inventory's checklist printed (PDF, CJK font embedded)
    service.py     ``InventoryService``: start, mark, complete, resolve; condition checks
    api.py         the routes
"""
