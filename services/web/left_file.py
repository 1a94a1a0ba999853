"""The documents that left a household's file (离档), shown apart on the household page:
destroyed ones (已销毁) with when and by which destruction register (R6), transferred-out
ones (已移出, 移出) with when, to whom and by which transfer. The file itself, its parts
and counts hold only the documents still in it (``in_file``), as the item list (卷内目录)
does; these are not lost from view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.common.auth import Principal
from services.common.contracts.registry import (
    Departure,
    DestroyedFromFile,
    DocumentRecord,
    TransferredFromFile,
    in_file,
)
from services.web.handover_page import may_read_handovers, transfer_url
from services.web.links import destruction_url, document_url
from services.web.retention_page import may_read_register


@dataclass(frozen=True)
class LeftEntry:
    """A document that left the file, and how."""

    url: str
    title: str
    archive_no: str
    filed_at: date
    at: datetime | None
    """When it left; None when the registry holds no register or transfer of it."""
    recipient: str
    """Whom it was transferred to; "" for a destroyed one."""
    record_url: str
    """The destruction register's page, or the transfer on the handovers page, when the
    reader may open it; else ""."""


@dataclass(frozen=True)
class LeftFile:
    """The documents that left the file, the latest to leave first."""

    destroyed: list[LeftEntry]
    transferred: list[LeftEntry]
    registers: bool
    """The reader may open the destruction registers: each destroyed one links to its."""
    transfers: bool
    """The reader may open the handovers page: each transferred one links to its transfer."""

    def __bool__(self) -> bool:
        return bool(self.destroyed or self.transferred)


NOTHING_LEFT = LeftFile(destroyed=[], transferred=[], registers=False, transfers=False)


def left_file(principal: Principal, records: list[DocumentRecord],
              departures: list[Departure]) -> LeftFile:
    """Those of ``records`` no longer in the file, each with its departure (when the
    registry has it), and a link to its record for a reader who may open it."""
    how = {departure.document_id: departure for departure in departures}
    entries = [(record, how.get(record.document_id))
               for record in records if not in_file(record)]
    entries.sort(key=lambda entry: entry[1].at.timestamp() if entry[1] else 0.0, reverse=True)
    registers, transfers = may_read_register(principal), may_read_handovers(principal)
    destroyed, transferred = [], []
    for record, departure in entries:
        if record.status == "destroyed":
            register = departure if isinstance(departure, DestroyedFromFile) else None
            destroyed.append(_entry(record, register, "", destruction_url(
                register.destruction_id) if register and registers else ""))
        else:
            transfer = departure if isinstance(departure, TransferredFromFile) else None
            transferred.append(_entry(
                record, transfer, transfer.recipient if transfer else "",
                transfer_url(transfer.transfer_id) if transfer and transfers else ""))
    return LeftFile(destroyed=destroyed, transferred=transferred, registers=registers,
                    transfers=transfers)


def _entry(record: DocumentRecord, departure: Departure | None, recipient: str,
           record_url: str) -> LeftEntry:
    return LeftEntry(url=document_url(record.document_id), title=record.title,
                     archive_no=record.archive_no, filed_at=record.filed_at,
                     at=departure.at if departure else None, recipient=recipient,
                     record_url=record_url)
