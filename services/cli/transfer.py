"""``archive transfer``: send a household's file or a selection out of the archive (移出)
as a BagIt bag (``services.cli.bag``), with a progress bar.

The registry records the transfer first (``POST /registry/transfers``: the documents
become ``transferred`` and leave search; 409 if any is destroyed, already transferred,
held or on loan); then each original and its page texts are fetched and written into the
bag. If the export is interrupted, ``archive transfer --id TRANSFER_ID --out DIR`` writes
the bag of the recorded transfer again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from services.cli.bag import write_bag
from services.cli.client import Api, api_options
from services.cli.named import HOUSEHOLD
from services.cli.terminal import counted, counting
from services.common.bagit import DEFAULT_ORGANIZATION, bag_info
from services.common.contracts.operations import Transfer, TransferRequest
from services.common.errors import Forbidden


@click.command()
@click.option("--household", type=HOUSEHOLD,
              help="Transfer this household's file (unit code, e.g. A-1201).")
@click.option("--document", "documents", multiple=True,
              help="Transfer this document (its id); repeat for several.")
@click.option("--to", "recipient", help="Who receives the files (an archive, a manager).")
@click.option("--reason", help="Why the files leave the archive (recorded and audited).")
@click.option("--id", "transfer_id",
              help="Write the bag of a transfer already recorded (after an interruption).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Directory to create for the bag (must not exist).")
@click.option("--source-organization", default=DEFAULT_ORGANIZATION, show_default=True,
              help="Source-Organization written in bag-info.txt.")
@api_options
def transfer(api: Api, household: str | None, documents: tuple[str, ...],
             recipient: str | None, reason: str | None, transfer_id: str | None, out: Path,
             source_organization: str) -> None:
    """Transfer files out of the archive (archivist) as a BagIt bag in OUT."""
    if out.exists():
        raise click.UsageError(f"{out} already exists; choose another --out directory")
    if transfer_id is not None:
        recorded = api.run(api.registry.transfer(api.token, transfer_id))
    else:
        recorded = _record(api, household, documents, recipient, reason)
        click.echo(f"transfer {recorded.transfer_id} recorded: "
                   f"{counted(recorded.items, 'document')} to {recorded.recipient}")
    export(api, recorded, out, source_organization=source_organization)
    click.echo(f"bag written to {out} ({counted(len(recorded.documents), 'document')})")


def _record(api: Api, household: str | None, documents: tuple[str, ...],
            recipient: str | None, reason: str | None) -> Transfer:
    if household is None and not documents:
        raise click.UsageError("name a --household or one or more --document to transfer")
    if not recipient or not reason:
        raise click.UsageError("--to and --reason are required to record a transfer")
    request = TransferRequest(recipient=recipient, reason=reason, household=household,
                              documents=list(documents) or None)
    return api.run(api.registry.record_transfer(api.token, request))


def export(api: Api, recorded: Transfer, out: Path, *, source_organization: str) -> Path:
    """Write the bag of ``recorded`` at ``out``."""
    try:
        info = bag_info(recorded, datetime.now(UTC).date(),
                        source_organization=source_organization)
    except Forbidden as exc:
        raise click.ClickException(exc.detail) from exc
    with counting("writing the bag", "documents") as progress:
        task = progress.add_task("bag", total=len(recorded.documents))
        return write_bag(api, info, out, advance=lambda: progress.advance(task))
