"""``archive handover``: a handover (移交, O1) from a service centre to the archive, from
the terminal: draw one up, sign it (each side as themselves, re-entering their password),
print its transfer list (移交清单) as PDF (two copies) or CSV."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import click

from services.cli.client import Api, api_options
from services.cli.named import HOUSEHOLD
from services.cli.terminal import counted
from services.common.clients.operations import PrintedFile
from services.common.contracts.accounts import person
from services.common.contracts.operations import SIDE_NAMES, Handover, HandoverRequest, Side
from services.common.contracts.registry import PaperLocation
from services.common.operations import unsigned

PRINTED: dict[str, PrintedFile] = {".pdf": "pdf", ".csv": "csv"}
SIDE_WORDS: dict[Side, str] = {"handing": "handing over", "receiving": "receiving"}


@click.group()
def handover() -> None:
    """Handovers from service centres to the archive (移交)."""


@handover.command()
@click.option("--centre", required=True, help="The service centre handing over.")
@click.option("--from", "handed_over_by", required=True,
              help="Username of the person handing over.")
@click.option("--to", "received_by", required=True,
              help="Username of the archivist receiving.")
@click.option("--household", "households", type=HOUSEHOLD, multiple=True,
              help="Hand over this household's file; repeat for several.")
@click.option("--document", "documents", multiple=True,
              help="Hand over this document (its id); repeat for several.")
@click.option("--location", nargs=4, default=None,
              metavar="BUILDING ROOM CABINET BOX",
              help="Where the archive keeps the paper once both have signed.")
@api_options
def create(api: Api, centre: str, handed_over_by: str, received_by: str,
           households: tuple[str, ...], documents: tuple[str, ...],
           location: tuple[str, str, str, str] | None) -> None:
    """Draw up a handover; it waits for both sides' signatures."""
    if not households and not documents:
        raise click.UsageError("name at least one --household or --document")
    request = HandoverRequest(
        service_centre=centre, handed_over_by=handed_over_by, received_by=received_by,
        households=list(households) or None, documents=list(documents) or None,
        location=_location(*location) if location else None)
    created = api.run(api.registry.create_handover(api.token, request))
    names = api.run(api.registry.people(api.token))
    click.echo(f"handover {created.handover_id}: {counted(len(created.items), 'document')}, "
               f"awaiting the signatures of {person(created.handed_over_by, names)} and "
               f"{person(created.received_by, names)}")


def _location(building: str, room: str, cabinet: str, box: str) -> PaperLocation:
    return PaperLocation(building=building, room=room, cabinet=cabinet, box=box)


@handover.command()
@click.argument("handover_id")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@api_options
def sign(api: Api, handover_id: str, password_stdin: bool) -> None:
    """Sign a handover as yourself (your token), re-entering your password."""
    password = (sys.stdin.readline().rstrip("\n") if password_stdin
                else click.prompt("Password", hide_input=True))
    me = api.run(api.registry.whoami(api.token)).username
    before = api.run(api.registry.handover(api.token, handover_id))
    signed = api.run(api.registry.sign_handover(api.token, handover_id, password=password,
                                                digest=None))
    again = any(signature.username == me for signature in before.signatures)
    names = api.run(api.registry.people(api.token))
    click.echo(signing_told(signed, me, again=again, names=names))


def signing_told(handover: Handover, me: str, *, again: bool, names: Mapping[str, str]
                 ) -> str:
    """What signing did, said to the person who signed (``me``): whether they had signed
    before (the registry then replaces their signature with one of the items as they are
    now), and the handover's status in words with whoever must still sign (O1), named
    ``王芳（wang）`` (``names``: full names by username)."""
    done = ("you had already signed this handover; your signature is renewed for its "
            "items as they are now" if again else "signed")
    if handover.status == "completed":
        return f"{done}; the handover is complete (已完成): both sides have signed"
    people: dict[Side, str] = {"handing": handover.handed_over_by,
                               "receiving": handover.received_by}
    waiting = unsigned(people, (signature.side for signature in handover.signatures))
    if not waiting:
        # Both signed, yet not complete: the other side signed items that have changed
        # since (a signature covers the items' digest), so theirs no longer holds.
        waiting = [(side, username) for side, username in people.items() if username != me]
        done += "; the items changed since the other side signed"
    named = " and ".join(f"{person(username, names)}, {SIDE_WORDS[side]} ({SIDE_NAMES[side]})"
                         for side, username in waiting)
    return f"{done}; the handover awaits the signature of {named}"


@handover.command(name="print")
@click.argument("handover_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write: .pdf (two copies) or .csv.")
@api_options
def print_list(api: Api, handover_id: str, out: Path) -> None:
    """Write the transfer list (移交清单) as PDF or CSV."""
    kind = PRINTED.get(out.suffix.lower())
    if kind is None:
        raise click.UsageError("--out must end in .pdf or .csv")
    content, _ = api.run(api.registry.transfer_list(api.token, handover_id, kind))
    out.write_bytes(content)
    click.echo(f"transfer list written to {out}")
