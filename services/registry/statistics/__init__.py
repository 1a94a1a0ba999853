"""Yearly statistics (年度统计, O2), counted from what the registry records.

    models.py      the report's structs
    repository.py  the counts, SQL aggregates over the catalogue, sweeps, destruction
                   registers and loans, read from one snapshot
    service.py     the year's period and the report
    api.py         the route

Transfers out (移出) and organising (整理) are not recorded by the registry, so the
report has no numbers for them.
"""
