"""Handovers (移交, O1): files handed from a service centre to the company archive with a
transfer list (移交清单) signed by both sides.

    tables.py         handovers, their items and signatures
    models.py         a handover as the API shows it
    rules.py          who draws up, who signs which side, what is signed, when complete
    repository.py     ``tx.handovers``
    transfer_list.py  the transfer list as PDF (two copies) and CSV
    service.py        ``HandoverService``: draw up, sign, read, print
    api.py            the routes
"""
