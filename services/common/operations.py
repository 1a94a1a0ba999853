"""Who does what in handovers (移交, O1), transfers out (移出), the yearly statistics (O2),
the audit log (O4), catalogues (D3) and the occupants history (D2, D3): one list of roles,
applied by the registry's routes and by the staff pages to decide which pages, forms and
navigation entries a person sees (the registry decides every move again)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from services.common.contracts.operations import Side

HANDOVER_CREATORS = ("archivist", "manager", "center_head")
"""The archive's clerks and the service centre's heads draw up a handover."""
HANDOVER_RECEIVER = "archivist"
"""The archive receives: its archivist signs the receiving side."""
HANDOVER_CANCELLERS = ("archivist",)
"""Who cancels a handover not yet signed by both sides, with a reason (a signer left, a
list drawn up wrong), so that a new one can be drawn up: the archive's archivists."""
HANDOVER_READERS = ("archivist", "manager", "center_head", "compliance", "director", "admin")
"""Who lists handovers and transfers out; the two people named also read their own."""
TRANSFER_ROLE = "archivist"
"""Who records a transfer out (and writes its bag with ``archive transfer``)."""
STATISTICS_READERS = ("archivist", "compliance", "director")
"""Who reads the yearly statistics (O2): the archive's figures, counted over every
document whatever the reader's clearance, since a yearly report short of what its reader
may not open would be a wrong report. So only the roles whose work is those figures
(domain.md): the archivists who file, lend, prepare sweeps and transfer out, the
compliance officer (档案室负责人) who appraises and destroys, and the director who
approves; the registers of that work already count, as redacted rows, the documents above
their clearance. Not the admin, whose role is accounts and configuration with "no
implicit right to read confidential files"."""
AUDIT_READERS = ("compliance", "admin")
"""Who reads the whole audit log (O4: ``GET /registry/audit``, the 审计日志 page); anyone
else sees their own entries about a document, on its page."""
CATALOGUE_READERS = ("archivist", "compliance", "admin")
"""Who compiles and prints catalogues and labels: the archive's own people (档案管理员,
档案室负责人) and the administrator. Titles still follow each reader's clearance."""

OCCUPANT_RECORDERS = ("archivist",)
"""Who records the occupants history (D2, D3): a new occupant, a move-out."""

SIDES: tuple[Side, ...] = ("handing", "receiving")
"""The two sides that sign a handover (O1), in the order the transfer list names them."""


def unsigned(people: Mapping[Side, str], signed: Iterable[Side]) -> list[tuple[Side, str]]:
    """Each side of a handover that has not signed yet (O1), with who signs it."""
    done = set(signed)
    return [(side, people[side]) for side in SIDES if side not in done]
