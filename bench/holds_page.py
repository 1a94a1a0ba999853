"""Benchmark the legal holds page (``/ui/holds``, R7) with many holds.

    .venv/bin/python bench/holds_page.py --holds 5000
    .venv/bin/python bench/holds_page.py --holds 5000 --released 5000 --views 5

Serves the whole archive in one process (``archive serve``: every service and the pages,
SQLite) on loopback ``--port``, stores ``--holds`` active holds and ``--released``
released ones on households of their own in one transaction through the registry's
repository (placing 5 000 over HTTP would take minutes), signs a compliance officer in
through the sign-in form and times, after a warm-up view: the first page, the page
holding the oldest active hold (``?hold=``, as the household and document pages link
it) and the last page of the released holds. Wall-clock percentiles depend on what else
the machine runs; the CPU time per request (this one process holds the server and the
client) does much less. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.staff_pages import sign_in, timed
from services.common.paging import LIST_PAGE
from tests.fixtures.app import launch_archive_server
from tests.support.registry import household_holds, insert_holds

PLACED_FROM = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--holds", type=int, default=5000, help="active holds")
    parser.add_argument("--released", type=int, default=500, help="released holds")
    parser.add_argument("--views", type=int, default=5, help="timed requests of each page")
    parser.add_argument("--port", type=int, default=18650, help="the server's loopback port")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-holds-page-") as root:
        archive = launch_archive_server(Path(root) / "data", listen_port=args.port)
        try:
            archive.add_user("bench", "compliance", clearance="secret", department="archive")
            active = household_holds(args.holds, placed_at=PLACED_FROM)
            released = household_holds(args.released, placed_at=PLACED_FROM,
                                       status="released")
            asyncio.run(insert_holds(archive.settings.database_url_for("registry"),
                                     active + released))
            pages = sign_in(archive.url)
            last_released = max(1, -(-args.released // LIST_PAGE))
            rows = {f"GET /ui/holds ({args.holds} active, {args.released} released)": "/ui/holds",
                    "GET /ui/holds?hold= (the oldest active)":
                        f"/ui/holds?hold={active[0].hold_id}",
                    "GET /ui/holds?released_page= (the last)":
                        f"/ui/holds?released_page={last_released}"}
            print("| request | p50 ms | p95 ms | CPU ms per request |")
            print("| --- | ---: | ---: | ---: |")
            for name, path in rows.items():
                print(_row(name, pages, path, args.views), flush=True)
            pages.close()
        finally:
            archive.server.stop()


def _row(name: str, pages: httpx.Client, path: str, views: int) -> str:
    pages.get(path).raise_for_status()
    row = timed(lambda: pages.get(path), views)
    return f"| {name} | {row['p50']:.1f} | {row['p95']:.1f} | {row['cpu']:.1f} |"


if __name__ == "__main__":
    main()
