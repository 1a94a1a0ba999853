"""``archive catalogue`` and ``archive labels``: print catalogues (档案目录) and labels
from a running server, as PDF (or CSV) files.

``archive catalogue --closed --year Y --out DIR`` is D3's yearly run: one PDF per floor
with parts closed (moved out) in the year, named ``closed-Y-<building>-<floor>.pdf``.
"""

from __future__ import annotations

from pathlib import Path

import click

from services.cli.client import Api, api_options
from services.cli.named import BUILDING, HOUSEHOLD
from services.cli.terminal import counted
from services.common.clients import segment
from services.common.models import EARLIEST_YEAR, LATEST_YEAR
from services.common.names import floor_named

OUT = click.Path(file_okay=False, path_type=Path)


@click.command()
@click.option("--closed", is_flag=True,
              help="D3's yearly catalogue of closed parts, one PDF per floor (needs --year).")
@click.option("--year", type=click.IntRange(EARLIEST_YEAR, LATEST_YEAR), default=None)
@click.option("--floor", "floor_code", default=None, metavar="BUILDING/FLOOR",
              help="A floor's file catalogue (案卷目录), e.g. A/12, A栋12层 or 5栋8层.")
@click.option("--household", type=HOUSEHOLD, default=None,
              help="A file's item list (卷内目录), e.g. A-1201.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of PDF.")
@click.option("--out", type=OUT, required=True, help="Directory the files are written to.")
@api_options
def catalogue(api: Api, closed: bool, year: int | None, floor_code: str | None,
              household: str | None, as_csv: bool, out: Path) -> None:
    """Print catalogues: the general catalogue (总目录) by default (archivist,
    compliance, admin)."""
    out.mkdir(parents=True, exist_ok=True)
    suffix = "csv" if as_csv else "pdf"
    if closed:
        if year is None:
            raise click.UsageError("--closed needs --year")
        floors = api.run(api.registry.closed_floors(api.token, year))
        for floor in floors:
            _save(api, f"floors/{segment(floor.building)}/{floor.floor}/closed.pdf",
                  out / f"closed-{year}-{floor.building}-{floor.floor}.pdf",
                  params={"year": str(year)})
        click.echo(f"{counted(len(floors), 'floor')} with parts closed in {year} → {out}")
    elif floor_code is not None:
        try:
            building, floor_number = floor_named(floor_code)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--floor") from exc
        _save(api, f"floors/{segment(building)}/{floor_number}/catalogue.{suffix}",
              out / f"catalogue-{building}-{floor_number}.{suffix}")
    elif household is not None:
        _save(api, f"households/{segment(household)}/items.{suffix}",
              out / f"items-{household}.{suffix}")
    else:
        _save(api, f"general.{suffix}", out / f"catalogue-general.{suffix}")


@click.command()
@click.option("--kind", type=click.Choice(["folders", "boxes"]), default="folders",
              show_default=True)
@click.option("--building", type=BUILDING, default=None,
              help="Only this building (A, B1; A栋 too).")
@click.option("--floor", type=click.IntRange(0, 999), default=None)
@click.option("--household", type=HOUSEHOLD, default=None,
              help="Only this household's folder (or its boxes): a new file's label.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The PDF written (A4 sheets of 2 × 5 labels).")
@api_options
def labels(api: Api, kind: str, building: str | None, floor: int | None,
           household: str | None, out: Path) -> None:
    """Print labels for folders (户号 and the current occupant, D2) or boxes."""
    params = {"kind": kind}
    if building is not None:
        params["building"] = building
    if floor is not None:
        params["floor"] = str(floor)
    if household is not None:
        params["household"] = household
    _save(api, "labels.pdf", out, params=params)


def _save(api: Api, path: str, target: Path, *, params: dict[str, str] | None = None
          ) -> None:
    """The printable file at ``path`` under ``/registry/catalogues/`` into ``target``."""
    content, _ = api.run(api.registry.catalogue_file(api.token, path, params or {}))
    target.write_bytes(content)
    click.echo(f"{target} ({len(content)} bytes)")
