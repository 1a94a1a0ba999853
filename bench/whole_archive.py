"""A company's whole archive on the staff pages and the command line.

    .venv/bin/python bench/whole_archive.py generate /tmp/scale-corpus --docs 60000
    ARCHIVE_DATA_DIR=/tmp/scale-data archive user add …   # the accounts (see ``ACCOUNTS``)
    archive serve --port 8400 & archive ingest --manifest /tmp/scale-corpus/manifest.csv --wait
    (stop archive serve)
    .venv/bin/python bench/whole_archive.py populate /tmp/scale-data --loans 2000
    .venv/bin/python bench/whole_archive.py measure /tmp/scale-data

``generate`` writes 3 000 households' documents (6 buildings × 25 floors × 20 units; the
first 200 documents all in ``A-1201``) as digital PDFs (a real text layer, no OCR: 60
rendered letters, each copy made a different original by a comment after ``%%EOF``) and
the manifest ``archive ingest --manifest`` reads: the operator's bulk path.

``populate`` serves the data directory in this process on an operator clock
(``FixedClock``: the API lends and sweeps only "now"), starting where the directory's
clock file (``bench-clock.txt``) says or now, and moves it on day by day: ``--loans`` paper
loans by the staff accounts (requested, approved by the department head, the director for
a confidential document, the archive; issued, acknowledged and returned three days later;
the last days' left waiting, approved or out), then retention sweeps of the documents
due by the end of each of the clock's years, some appraised by two appraisers and the
first one approved. The clock it reached is written back to the clock file.

``measure`` serves it again on that clock and opens, as each role, every staff page and
the API lists behind the command-line lists, printing for each: wall time (median of
``--repeat``), SQL statements the request ran (an SQLAlchemy listener on the real
engines, so the count is per request, background work included), the HTML's size, and
the server's resident memory after it.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.common.clock import FixedClock
from tests.fixtures.app import PASSWORD, ArchiveServer, launch_archive_server
from tests.support.rendering import write_digital_pdf

BUILDINGS = "ABCDEF"
CATEGORIES = ("unit_info", "payment", "decoration", "move_in", "supplement", "contact",
              "emergency_contact", "correspondence", "violation_arrears", "repair",
              "complaint", "engineering", "contract", "application", "visit")
WORDS = ("维修", "漏水", "物业费", "装修", "申请", "投诉", "车位", "门锁", "合同", "押金",
         "回访", "电梯", "停水", "噪音", "绿化", "保洁", "消防", "通知", "欠费", "入伙")
BIG_HOUSEHOLD, BIG_FILE = "A-1201", 200
ACCOUNTS = (  # username, role, clearance, department
    ("arch", "archivist", "secret", "archive"),
    ("mgr", "manager", "confidential", "customer_service"),
    ("eng", "manager", "confidential", "engineering"),
    ("comp", "compliance", "secret", "archive"),
    ("dir", "director", "secret", "management"),
    ("head", "center_head", "confidential", "customer_service"),
    ("staff1", "staff", "ordinary", "customer_service"),
    ("admin", "admin", "ordinary", None),
)
BORROWERS = tuple(f"staff{number}" for number in range(1, 21))
CLEARED = frozenset(BORROWERS[10:])
"""The borrowers cleared for confidential documents (the others borrow ordinary ones)."""
CLOCK_FILE = "bench-clock.txt"


def households() -> list[str]:
    return [f"{building}-{floor}{unit:02d}" for building in BUILDINGS
            for floor in range(1, 26) for unit in range(1, 21)]


def generate(root: Path, docs: int, seed: int) -> None:
    rnd = random.Random(seed)
    (root / "_base").mkdir(parents=True, exist_ok=True)
    letters = []
    for number in range(60):
        lines = [f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}通知第{number}号，"
                 f"{rnd.choice(WORDS)}事宜请{rnd.choice(WORDS)}。",
                 f"业主{rnd.choice('张王李赵刘陈杨黄')}先生关于{rnd.choice(WORDS)}与"
                 f"{rnd.choice(WORDS)}的函件。",
                 f"物业服务中心{rnd.choice(WORDS)}部门于二〇二{number % 7}年办理。"]
        letters.append(write_digital_pdf(root / "_base" / f"b{number}.pdf", [lines]).read_bytes())
    units = households()
    with (root / "manifest.csv").open("w", newline="", encoding="utf-8") as manifest:
        rows = csv.writer(manifest)
        rows.writerow(["path", "household", "category", "title", "filed_at", "security"])
        for number in range(docs):
            household = BIG_HOUSEHOLD if number < BIG_FILE else units[number % len(units)]
            folder = root / "files" / f"{number // 1000:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"d{number:06d}.pdf"
            path.write_bytes(letters[number % len(letters)]
                             + f"\n%{number}-{rnd.random()}\n".encode())
            year = rnd.randint(2016, 2026)
            filed = date(year, rnd.randint(1, 11 if year == 2026 else 12), rnd.randint(1, 28))
            rows.writerow([path.relative_to(root).as_posix(), household, rnd.choice(CATEGORIES),
                           f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}函件{number}",
                           filed.isoformat(),
                           "confidential" if rnd.random() < 0.03 else "ordinary"])
    print(f"{docs} documents of {len(units)} households in {root}")


@contextmanager
def serving(data: Path) -> Iterator[tuple[ArchiveServer, FixedClock]]:
    clock_file = data / CLOCK_FILE
    start = (datetime.fromisoformat(clock_file.read_text().strip()) if clock_file.exists()
             else datetime.now(UTC))
    clock = FixedClock(start)
    archive = launch_archive_server(data, clock=clock)
    try:
        yield archive, clock
    finally:
        archive.server.stop()
        clock_file.write_text(clock.now().isoformat())


class People:
    """A signed-in API client per username, signed in again when the clock moves on."""

    def __init__(self, archive: ArchiveServer, password: str) -> None:
        self.archive = archive
        self.password = password
        self._clients: dict[str, httpx.Client] = {}

    def token(self, username: str) -> str:
        try:
            return self.archive.login(username, self.password)
        except (httpx.HTTPError, AssertionError, KeyError):
            return self.archive.login(username)  # an account this script added

    def __call__(self, username: str) -> httpx.Client:
        if username not in self._clients:
            self._clients[username] = self.archive.client(self.token(username))
        return self._clients[username]

    def forget(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    if response.status_code >= 400:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    answer: dict[str, Any] = response.json()
    return answer


def lendable(data: Path) -> list[tuple[str, str]]:
    """Document ids and security levels to lend, read from the registry's database (a
    read, to choose them; nothing is written there but through the API)."""
    with sqlite3.connect(f"file:{data / 'registry.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT document_id, security FROM documents WHERE status = 'active'"
            " AND category != 'policy' AND document_id NOT IN (SELECT document_id FROM"
            " loan_documents JOIN loans USING (loan_id) WHERE loans.status IN"
            " ('requested', 'approved', 'out')) ORDER BY archive_no").fetchall()
    return [(row[0], row[1]) for row in rows]


def add_accounts(archive: ArchiveServer) -> None:
    """The accounts of ``ACCOUNTS`` and the borrowers that the directory lacks (made
    with the test password)."""
    with sqlite3.connect(f"file:{archive.settings.data_dir / 'registry.db'}?mode=ro",
                         uri=True) as db:
        existing = {row[0] for row in db.execute("SELECT username FROM users")}
    wanted = [*ACCOUNTS, *((name, "staff", "confidential" if name in CLEARED else "ordinary",
                            "customer_service") for name in BORROWERS)]
    for username, role, clearance, department in wanted:
        if username not in existing:
            archive.add_user(username, role, clearance=clearance, department=department)
            existing.add(username)


def lend(archive: ArchiveServer, clock: FixedClock, data: Path, loans: int, seed: int,
         password: str) -> None:
    rnd = random.Random(seed)
    people = People(archive, password)
    documents = lendable(data)
    ordinary = [document for document in documents if document[1] == "ordinary"]
    with sqlite3.connect(f"file:{data / 'registry.db'}?mode=ro", uri=True) as db:
        cleared = {row[0] for row in db.execute(
            "SELECT username FROM users WHERE clearance != 'ordinary'")}
    per_day, out_days = 5, 3
    out: list[tuple[str, list[str], date]] = []  # loan id, its documents, day issued
    busy: set[str] = set()  # documents on a loan not returned: none can be asked for
    started = time.perf_counter()
    for number in range(loans):
        if number % per_day == 0:
            clock.advance(timedelta(days=1))
            if clock.now().weekday() == 0:
                people.forget()
            still_out = []
            for loan_id, lent, issued in out:
                if (clock.today() - issued).days >= out_days and loans - number > 40:
                    post(people("arch"), f"/registry/loans/{loan_id}/return", {"intact": True})
                    busy.difference_update(lent)
                else:
                    still_out.append((loan_id, lent, issued))
            out = still_out
        borrower = rnd.choice(BORROWERS)
        allowed = documents if borrower in cleared else ordinary
        chosen = [document for document in rnd.sample(allowed, 3)
                  if document[0] not in busy][:rnd.randint(1, 3)] or [
            next(document for document in allowed if document[0] not in busy)]
        busy.update(document_id for document_id, _ in chosen)
        loan = post(people(borrower), "/registry/loans", {
            "documents": [document_id for document_id, _ in chosen], "kind": "paper",
            "purpose": "核对资料", "reason": f"业主来访核对第{number}号"})
        if loans - number <= 10:
            continue  # the last ones wait for their department head
        confidential = any(security != "ordinary" for _, security in chosen)
        for approver in ("mgr", "dir", "arch") if confidential else ("mgr", "arch"):
            post(people(approver), f"/registry/loans/{loan['loan_id']}/approve", {})
        if loans - number <= 20:
            continue  # approved, not yet handed over
        post(people("arch"), f"/registry/loans/{loan['loan_id']}/issue", {})
        post(people(borrower), f"/registry/loans/{loan['loan_id']}/acknowledge", {})
        out.append((loan["loan_id"], [document_id for document_id, _ in chosen], clock.today()))
        if number % 200 == 199:
            print(f"{number + 1} loans, {clock.today()}, "
                  f"{(number + 1) / (time.perf_counter() - started):.1f}/s", file=sys.stderr)


def sweep(archive: ArchiveServer, clock: FixedClock, appraised: int, password: str) -> None:
    people = People(archive, password)
    first: dict[str, Any] | None = None
    for year in range(2026, clock.today().year):
        answer = post(people("comp"), "/registry/sweeps", {"as_of": f"{year}-12-31"})
        print(f"sweep as of {year}-12-31: {len(answer['items'])} items", file=sys.stderr)
        first = first or answer
    if first is None:
        return
    for item in first["items"][:appraised]:
        appraisers = ("eng", "comp") if item["category"] == "engineering" else ("mgr", "comp")
        for appraiser in appraisers:
            post(people(appraiser), f"/registry/sweeps/{first['sweep_id']}/appraisals",
                 {"document_id": item["document_id"], "decision": "destroy",
                  "opinion": "已过保管期限，无保存价值"})


def populate(data: Path, loans: int, appraised: int, seed: int, password: str) -> None:
    with serving(data) as (archive, clock):
        add_accounts(archive)
        lend(archive, clock, data, loans, seed, password)
        clock.advance(timedelta(days=1))
        sweep(archive, clock, appraised, password)
        print(f"clock at {clock.now().isoformat()}", file=sys.stderr)


class Statements:
    """SQL statements run on every engine of this process, counted."""

    def __init__(self) -> None:
        self.count = 0
        sa.event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


def resident_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak, MB."""
    status = Path("/proc/self/status").read_text()
    found = {key: int(re.search(rf"{key}:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
             for key in ("VmRSS", "VmHWM")}
    return found["VmRSS"] / 1024, found["VmHWM"] / 1024


def sign_in(url: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=600)
    login = client.get("/ui/login")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', login.text)
    assert csrf is not None
    for attempt in (password, PASSWORD):
        signed = client.post("/ui/login", data={"username": username, "password": attempt,
                                                "_csrf_token": csrf.group(1), "next": "/ui/search"})
        if signed.status_code == 303:
            return client
    raise RuntimeError(f"{username} cannot sign in: {signed.status_code}")


def pages_of(data: Path, year: int) -> list[tuple[str, str]]:
    """(role's username, path) for every page and list, with ids read from the registry."""
    with sqlite3.connect(f"file:{data / 'registry.db'}?mode=ro", uri=True) as db:
        sweep_id = db.execute("SELECT sweep_id FROM sweep_items GROUP BY sweep_id"
                              " ORDER BY count(*) DESC LIMIT 1").fetchone()
        loan_id = db.execute("SELECT loan_id FROM loans ORDER BY requested_at LIMIT 1").fetchone()
        document_id = db.execute("SELECT document_id FROM documents WHERE household = ?"
                                 " LIMIT 1", (BIG_HOUSEHOLD,)).fetchone()
    wanted = [
        ("staff1", "/ui/search?q=通知"), ("staff1", "/ui/search?q=维修&page=20"),
        ("staff1", "/ui/households"), ("staff1", "/ui/households?page=25"),
        ("staff1", "/ui/households?q=1201"),
        ("arch", f"/ui/households/{BIG_HOUSEHOLD}"),
        ("arch", f"/ui/households/{BIG_HOUSEHOLD}?page=2"),
        ("staff1", f"/ui/documents/{document_id[0]}"),
        ("staff1", "/ui/loans"), ("mgr", "/ui/loans"), ("arch", "/ui/loans"),
        ("arch", "/ui/loans?show=overdue"), ("arch", f"/ui/loans/{loan_id[0]}"),
        ("staff1", "/ui/loans/new?household=" + BIG_HOUSEHOLD),
        ("arch", "/ui/badges"), ("mgr", "/ui/badges"),
        ("arch", "/ui/review"), ("arch", "/ui/ingest"), ("arch", "/ui/corrections"),
        ("comp", "/ui/retention"), ("comp", "/ui/retention?preview=1"),
        ("comp", f"/ui/sweeps/{sweep_id[0]}"), ("mgr", f"/ui/sweeps/{sweep_id[0]}"),
        ("dir", f"/ui/sweeps/{sweep_id[0]}"), ("comp", "/ui/holds"),
        ("arch", f"/ui/statistics?year={year}"), ("dir", f"/ui/statistics?year={year}"),
        ("admin", "/ui/admin/users"), ("arch", "/ui/account"),
        ("arch", "/ui/handovers"), ("arch", "/ui/catalogues"), ("arch", "/ui/inventories"),
        ("arch", "/ui/catalogues/print/general.csv"),
        ("arch", "/ui/catalogues/print/floors/A/12/catalogue.pdf"),
        ("arch", "/ui/catalogues/print/labels.pdf?kind=folders&building=A"),
        ("arch", f"/ui/catalogues/print/households/{BIG_HOUSEHOLD}/items.pdf"),
        ("arch", "/ui/catalogues/print/general.pdf"),
    ]
    return wanted


def api_lists(year: int) -> list[tuple[str, str]]:
    """(username, path) of the API lists the command line reads."""
    return [
        ("arch", "/registry/households?limit=1000"),
        ("arch", "/registry/loans?limit=1000"),
        ("comp", "/registry/audit?limit=1000"),
        ("comp", "/registry/sweeps?limit=500"),
        ("arch", f"/registry/statistics?year={year}"),
        ("arch", "/registry/catalogues/general"),
        ("arch", "/registry/catalogues/general.csv"),
        ("arch", "/search/households/" + BIG_HOUSEHOLD + "/documents"),
    ]


def measure(data: Path, repeat: int, password: str) -> None:
    counter = Statements()
    with serving(data) as (archive, clock):
        year = clock.today().year - 1
        clients: dict[str, httpx.Client] = {}
        print("| as | request | median ms | max ms | statements | KB | RSS MB after | status |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        people = People(archive, password)
        for kind, wanted in (("page", pages_of(data, year)), ("api", api_lists(year))):
            for username, path in wanted:
                if kind == "page":
                    if username not in clients:
                        clients[username] = sign_in(archive.url, username, password)
                    client = clients[username]
                else:
                    client = people(username)
                times, counts = [], []
                for _ in range(repeat):
                    before = counter.count
                    began = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - began) * 1000)
                    counts.append(counter.count - before)
                print(f"| {username} | `{path}` | {statistics.median(times):.0f} | "
                      f"{max(times):.0f} | {min(counts)} | {len(response.content) / 1024:.0f} | "
                      f"{resident_mb()[0]:.0f} | {response.status_code} |", flush=True)
        print()
        commands(archive, people, year)
        print(f"peak RSS {resident_mb()[1]:.0f} MB")


def commands(archive: ArchiveServer, people: People, year: int) -> None:
    """The command line's lists and printouts against the server, each in its own
    process as users run them: wall time and the server's memory after."""
    out = Path(tempfile.mkdtemp(prefix="scale-cli-"))
    wanted = [
        ("arch", ["loans"]), ("arch", ["loans", "--overdue"]),
        ("comp", ["audit", "list", "--limit", "1000"]),
        ("arch", ["stats", "--year", str(year)]), ("staff1", ["search", "通知"]),
        ("comp", ["sweep", "--dry-run"]),
        ("arch", ["labels", "--out", str(out / "labels.pdf"), "--building", "A"]),
        ("arch", ["catalogue", "--out", str(out / "general")]),
    ]
    print("| as | command | seconds | exit | lines out | RSS MB after |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for username, arguments in wanted:
        environment = {**os.environ, "ARCHIVE_TOKEN": people.token(username),
                       "ARCHIVE_SERVER": archive.url, "XDG_CONFIG_HOME": str(out)}
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "services.cli", *arguments],
                              capture_output=True, text=True, env=environment, check=False)
        print(f"| {username} | `archive {' '.join(arguments)}` | "
              f"{time.perf_counter() - began:.1f} | {done.returncode} | "
              f"{len(done.stdout.splitlines())} | {resident_mb()[0]:.0f} |", flush=True)
    shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--password", default=PASSWORD,
                        help="the password of the accounts made with archive user add")
    commands = parser.add_subparsers(dest="command", required=True)
    making = commands.add_parser("generate")
    making.add_argument("root", type=Path)
    making.add_argument("--docs", type=int, default=60_000)
    filling = commands.add_parser("populate")
    filling.add_argument("data", type=Path)
    filling.add_argument("--loans", type=int, default=2000)
    filling.add_argument("--appraised", type=int, default=200)
    timing = commands.add_parser("measure")
    timing.add_argument("data", type=Path)
    timing.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.root, args.docs, args.seed)
    elif args.command == "populate":
        populate(args.data, args.loans, args.appraised, args.seed, args.password)
    else:
        measure(args.data, args.repeat, args.password)


if __name__ == "__main__":
    main()
