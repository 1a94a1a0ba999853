"""Catalogues and labels (档案目录, D1–D4): the printed lists the archive compiles from the
catalogue's records (``services.registry.catalogue``) and the households. It owns no
tables.

    models.py      the catalogues' structs: a file's row, an item, a file's parts
    repository.py  ``tx.catalogues``: the files with their counts, a floor's items
    rules.py       parts of a file (D3), newest first (D4), boxes, masked titles
    printed.py     the catalogues and labels as PDF (CJK font embedded) and CSV
    service.py     ``CataloguesService``: general, floor, file, closed parts, labels
    api.py         the routes

A catalogue is its reader's: the households shown to them and the documents they are
cleared to know exist, listed and counted inside the query (D1), so that no row, count or
label tells them a document above their clearance exists. Read by someone cleared
``secret``, it shows every row of the paper the boxes hold.
"""
