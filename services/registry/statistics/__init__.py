"""Yearly statistics (年度统计, O2), counted from what the registry records. It owns no
tables: the counts read the catalogue's, sweeps', destruction registers', loans' and
the periodic checks' (inventories, condition checks).

    models.py      the report's structs
    repository.py  ``tx.statistics``: SQL aggregates, read from one snapshot
    service.py     ``StatisticsService``: the year's period and the report
    api.py         the route

Transfers out (移出) are not recorded by the registry, so the report has no number for
them; organising (整理) is counted from completed inventories (O3).
"""
