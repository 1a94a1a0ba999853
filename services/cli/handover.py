"""``archive handover``: a handover (移交, O1) from a service centre to the archive, from
the terminal: draw one up, sign it (each side as themselves, re-entering their password),
print its transfer list (移交清单) as PDF (two copies) or CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from services.cli.client import Api, api_options
from services.cli.named import HOUSEHOLD
from services.common.clients.operations import PrintedFile
from services.common.contracts.operations import HandoverRequest
from services.common.contracts.registry import PaperLocation

PRINTED: dict[str, PrintedFile] = {".pdf": "pdf", ".csv": "csv"}


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
    click.echo(f"handover {created.handover_id}: {len(created.items)} document(s), "
               f"awaiting the signatures of {handed_over_by} and {received_by}")


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
    signed = api.run(api.registry.sign_handover(api.token, handover_id, password=password,
                                                digest=None))
    click.echo(f"signed; the handover is {signed.status}")


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
