"""Catalogues and labels (档案目录, D1–D4): the printed lists the archive compiles from the
catalogue's records (``services.registry.catalogue``) and the households. It owns no
tables.

    models.py      the catalogues' structs: a file's row, an item, a file's parts
    repository.py  ``tx.catalogues``: the files with their counts, a floor's items
    rules.py       parts of a file (D3), newest first (D4), boxes, masked titles
    printed.py     the catalogues and labels as PDF (CJK font embedded) and CSV
    service.py     ``CataloguesService``: general, floor, file, closed parts, labels
    api.py         the routes

A catalogue shows every row of the paper the box holds; a title the reader is not
cleared for reads ``（密）`` (``rules.MASKED_TITLE``), never left out, so the printed
list still matches the paper count.
"""
