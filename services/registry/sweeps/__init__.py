"""Retention sweeps (登记造册, R2–R5): documents past retention listed, appraised (鉴定)
by two who agree, approved by the director; items for destruction wait apart (R5).

    tables.py      sweeps, their items, appraisals
    models.py      sweeps and appraisals as the API shows them
    repository.py  ``tx.sweeps``
    rules.py       agreement, keeping, the wait before destruction
    service.py     ``SweepsService``: start, appraise, approve, reject, read
    api.py         the routes
"""
