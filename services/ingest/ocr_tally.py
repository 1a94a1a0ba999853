"""Pages read by OCR, counted in the ingest database by whichever process read them.

The extraction pool that ran the OCR adds its pages here: the API server's own pool, an
``archive worker``'s, a re-reading's. ``/metrics`` (served by the API server) reads the
total, so pages read in processes that serve no ``/metrics`` are counted too; a counter
in the server's memory would count only its own pool's.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import connect, read_only, transaction

log = logging.getLogger("archive.ingest.ocr_tally")

metadata = sa.MetaData()
ocr_tally = sa.Table(
    "ingest_ocr_tally", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("pages", sa.BigInteger, nullable=False),
)
ROW = 1
"""The one row (made by the migration)."""


class OcrTally:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._reader = read_only(engine)

    async def add(self, pages: int) -> None:
        """Count ``pages`` more. A count that cannot be written is logged, not raised:
        the pages were read, and the document's filing must not fail for a metric."""
        if pages <= 0:
            return
        try:
            async with transaction(self.engine) as conn:
                await conn.execute(ocr_tally.update().where(ocr_tally.c.id == ROW)
                                   .values(pages=ocr_tally.c.pages + pages))
        except SQLAlchemyError as exc:
            log.warning("%d pages read by OCR were not counted: %s", pages,
                        str(exc).splitlines()[0])

    async def total(self) -> int:
        async with connect(self._reader) as conn:
            pages = (await conn.execute(sa.select(ocr_tally.c.pages)
                                        .where(ocr_tally.c.id == ROW))).scalar_one_or_none()
        return int(pages or 0)
