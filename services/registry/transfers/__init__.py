"""Transfers out (移出): documents sent out of the archive, recorded as ``transferred``;
the BagIt package (``services.common.bagit``) is written by ``archive transfer`` or
downloaded from the staff pages.

    tables.py      transfers and the documents they sent
    models.py      a transfer as the API shows it
    repository.py  ``tx.transfers``
    service.py     ``TransferService``: record, read
    api.py         the routes
"""
