"""The handover and catalogue pages (``/ui/handovers``, ``/ui/handovers/{id}``,
``/ui/catalogues``): handovers (移交, O1) with both sides' signatures, transfers out
(移出), and the catalogues and labels the archive prints (D3).

Who may do what is ``services.common.operations``, the lists the registry's routes use.
The forms shown are a courtesy: the registry decides every move again, and its refusal
is shown by its code (``handover_refusal``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.common.auth import Principal
from services.common.contracts.operations import (
    HANDOVER_STATUS_NAMES,
    SIDE_NAMES,
    CatalogueFile,
    Handover,
    HandoverRequest,
    HandoverSummary,
    Side,
)
from services.common.contracts.registry import LOCATION_PARTS, PaperLocation
from services.common.errors import ArchiveError
from services.common.models import HOUSEHOLD_RE
from services.common.names import tidied_household, typed_items
from services.common.operations import (
    CATALOGUE_READERS,
    HANDOVER_CANCELLERS,
    HANDOVER_CREATORS,
    HANDOVER_READERS,
    TRANSFER_ROLE,
    unsigned,
)
from services.common.web import PAGES_PREFIX
from services.web.names import LEVEL_BY_CODE

HANDOVERS_URL = f"{PAGES_PREFIX}/handovers"
HANDOVER_FIELDS = ("service_centre", "handed_over_by", "received_by", "households", "note",
                   *LOCATION_PARTS)


def handover_url(handover_id: str) -> str:
    return f"{HANDOVERS_URL}/{handover_id}"


def transfer_url(transfer_id: str) -> str:
    """A transfer out (移出) as the handovers page lists it."""
    return f"{HANDOVERS_URL}#transfer-{transfer_id}"


@dataclass(frozen=True)
class Abilities:
    """The pages, forms and links to offer ``principal`` (the registry checks again)."""

    read_handovers: bool
    create: bool
    catalogues: bool
    transfer: bool


def may_read_handovers(principal: Principal) -> bool:
    """Whether the handovers page exists for ``principal`` (else: the not-found page)."""
    return principal.has_role(*HANDOVER_READERS)


def may_hand_over(principal: Principal) -> bool:
    """Whether the form that draws up a handover exists for ``principal``."""
    return principal.has_role(*HANDOVER_CREATORS)


def may_cancel_handovers(principal: Principal) -> bool:
    """Whether the form that cancels an unsigned handover is offered to ``principal``."""
    return principal.has_role(*HANDOVER_CANCELLERS)


def may_print_catalogues(principal: Principal) -> bool:
    """Whether the catalogues page and its printouts exist for ``principal`` (D3)."""
    return principal.has_role(*CATALOGUE_READERS)


def may_transfer(principal: Principal) -> bool:
    """Whether a transfer's bag may be downloaded by ``principal`` (an archivist)."""
    return principal.has_role(TRANSFER_ROLE)


def abilities(principal: Principal) -> Abilities:
    return Abilities(read_handovers=may_read_handovers(principal),
                     create=may_hand_over(principal),
                     catalogues=may_print_catalogues(principal),
                     transfer=may_transfer(principal))


def awaited(people: dict[Side, str], signed: Iterable[Side]) -> list[tuple[str, str]]:
    """The (side's name, username) of each side that has not signed yet (O1)."""
    return [(SIDE_NAMES[side], username) for side, username in unsigned(people, signed)]


@dataclass(frozen=True)
class Awaited:
    """A side whose signature a handover still waits for; ``left``: their account is
    deactivated (离职), so it never comes: an archivist cancels the handover and draws up
    a new one naming someone else."""

    side: str
    username: str
    left: bool


@dataclass(frozen=True)
class HandoverLine:
    handover: HandoverSummary
    status: str
    awaited: list[tuple[str, str]]


def handover_lines(summaries: list[HandoverSummary]) -> list[HandoverLine]:
    return [HandoverLine(
        handover=summary, status=HANDOVER_STATUS_NAMES.get(summary.status, summary.status),
        awaited=awaited({"handing": summary.handed_over_by,
                         "receiving": summary.received_by}, summary.signed)
        if summary.status == "awaiting_signatures" else [])
        for summary in summaries]


@dataclass(frozen=True)
class HandoverPage:
    handover: Handover
    status: str
    awaited: list[Awaited]
    cancellable: bool
    """The reader may cancel it (an archivist; not yet signed by both sides)."""
    side: str | None
    """The side the signed-in person signs, if they are one of the two named."""
    signed: bool
    """The signed-in person has signed it."""
    redacted: int
    """Items the reader is not cleared for (counted, not named)."""


def handover_page(principal: Principal, handover: Handover) -> HandoverPage:
    side = ("handing" if principal.username == handover.handed_over_by else
            "receiving" if principal.username == handover.received_by else None)
    waiting = handover.status == "awaiting_signatures"
    return HandoverPage(
        handover=handover,
        status=HANDOVER_STATUS_NAMES.get(handover.status, handover.status),
        awaited=[Awaited(side=name, username=username,
                         left=username in handover.signers_left)
                 for name, username in awaited({"handing": handover.handed_over_by,
                                                "receiving": handover.received_by},
                                               (s.side for s in handover.signatures))]
        if waiting else [],
        cancellable=waiting and may_cancel_handovers(principal),
        side=side, signed=any(s.username == principal.username for s in handover.signatures),
        redacted=sum(1 for item in handover.items if item.redacted))


@dataclass(frozen=True)
class FloorLine:
    building: str
    floor: int
    files: int
    documents: int


def floors_of(files: list[CatalogueFile]) -> list[FloorLine]:
    """The floors the general catalogue has files on, in cabinet order."""
    floors: dict[tuple[str, int], list[CatalogueFile]] = {}
    for file in files:
        floors.setdefault((file.building, file.floor), []).append(file)
    return [FloorLine(building=building, floor=floor, files=len(on_floor),
                      documents=sum(file.documents for file in on_floor))
            for (building, floor), on_floor in sorted(floors.items())]


def item_list_of(household: str, files: list[CatalogueFile]) -> tuple[str, str]:
    """The unit code asked for on the catalogues page (``?household=``) as (the household
    whose item list it offers, the code that names no household): a code the general
    catalogue ``files`` lacks is said at once, not offered as links that lead nowhere."""
    if not household or any(file.household == household for file in files):
        return household, ""
    return "", household


@dataclass(frozen=True)
class UnclearedSigner:
    """The side a handover names who could never sign it (``signer_not_cleared``), as the
    form says it: their clearance, how many documents are above it and the clearance
    those need (by their Chinese names)."""

    signer: str
    clearance: str
    documents: int
    needed: str


def uncleared_signer(exc: ArchiveError) -> UnclearedSigner | None:
    """The side ``exc`` names if it is the registry's ``signer_not_cleared``, else None."""
    signer, clearance, above, needed = (exc.extra.get(name) for name in (
        "signer", "signer_clearance", "documents_above", "clearance_needed"))
    if exc.code != "signer_not_cleared" or not isinstance(signer, str) \
            or not isinstance(above, int) or not isinstance(clearance, str) \
            or not isinstance(needed, str) or clearance not in LEVEL_BY_CODE \
            or needed not in LEVEL_BY_CODE:
        return None
    return UnclearedSigner(signer=signer, clearance=LEVEL_BY_CODE[clearance], documents=above,
                           needed=LEVEL_BY_CODE[needed])


def handover_request(values: dict[str, str], household: str, chosen: list[str],
                     offered: list[str]) -> tuple[HandoverRequest | None, str]:
    """The registry's request from the form, or the code of what the form lacks. A
    household whose every document is ticked is handed over as the household's file."""
    for name in ("service_centre", "handed_over_by", "received_by"):
        if not values[name]:
            return None, f"{name}_required"
    typed = [tidied_household(part) for part in typed_items(values["households"])]
    if not all(HOUSEHOLD_RE.match(unit) for unit in typed):
        return None, "invalid_household"
    households = list(dict.fromkeys(typed))
    documents = list(dict.fromkeys(chosen))
    if household and offered and set(offered) <= set(documents):
        households.append(household)
        documents = [document for document in documents if document not in offered]
    if not households and not documents:
        return None, "nothing_to_hand_over"
    place = [values[name] for name in LOCATION_PARTS]
    if any(place) and not all(place):
        return None, "location_incomplete"
    return HandoverRequest(
        service_centre=values["service_centre"], handed_over_by=values["handed_over_by"],
        received_by=values["received_by"], households=households or None,
        documents=documents or None, note=values["note"] or None,
        location=PaperLocation(building=place[0], room=place[1], cabinet=place[2],
                              box=place[3]) if all(place) else None), ""
