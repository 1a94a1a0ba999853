"""Killed with SIGKILL in the middle of destroying 20 documents, the registry finishes the
register after a restart: all 20 destroyed, each once, the register complete.

The registry runs as a real process (``python -m services.cli serve --service registry``)
on its own data directory. Everything before execution is prepared on its database at a
past date, so the approved items are past ``destroy_after`` for the real clock. To kill
it half-way for certain, the test lets it run only in short windows (SIGCONT … SIGSTOP),
counts the destroyed items while it is stopped, and kills it (SIGKILL) once some items
are destroyed and others not; an item in flight then dies uncommitted.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal, TokenCodec
from services.common.clock import FixedClock
from services.common.config import Settings
from services.common.contracts.registry import NewDocument
from services.common.contracts.retention import SweepRequest
from services.common.db import create_engine, migrate
from services.registry.accounts.models import NewUser
from services.registry.bootstrap import RegistryServices
from services.registry.destruction.models import DestructionRequest, WitnessSignature
from services.registry.journal.rules import AuditKey
from services.registry.seal import WitnessSeal
from services.registry.sweeps.models import AppraisalRequest
from tests.fixtures.postgres import PostgresCluster, free_port
from tests.support import loopback
from tests.support.processes import ARCHIVE, clean_environment, wait_until_serving
from tests.support.registry import INGEST
from tests.support.waiting import eventually

ITEMS = 20
"""Enough that the kill finds some destroyed and most not (the test lets the registry run
a few milliseconds at a time, an item or so a window); more only take longer to prepare
and to finish."""
KILL_AFTER = 5
RUN_S = 0.003
PASSWORD = "correct horse battery"
SIGNING_KEY = "kill-test-secret-key-" + "x" * 32
AUDIT_KEY = "kill-test-audit-key-" + "y" * 32
ROOT = Path(__file__).resolve().parents[3]
PEOPLE = {"qian": ("compliance", "archive"), "zhou": ("manager", "customer_service"),
          "zhao": ("director", "management"), "wang": ("archivist", "archive"),
          "sun": ("archivist", "archive")}


def _person(username: str) -> Principal:
    role, department = PEOPLE[username]
    return Principal(username=username, roles=(role,), clearance="secret",
                     department=department)


async def _witnessed_register(url: str) -> str:
    """``ITEMS`` documents swept, appraised, approved and waited out, at a past date; their
    register drawn up and signed by two witnesses. Returns the register's id."""
    await migrate(url, "registry")
    clock = FixedClock(datetime.now(UTC) - timedelta(days=200))
    engine = create_engine(url)
    try:
        registry = RegistryServices(engine, clock, codec=TokenCodec(SIGNING_KEY, ttl_s=60),
                                    seal=WitnessSeal(SIGNING_KEY),
                                    audit_key=AuditKey(AUDIT_KEY.encode()),
                                    settings=Settings(login_attempts_per_minute=100))
        for username, (role, department) in PEOPLE.items():
            await registry.accounts.create_user(NewUser(
                username=username, roles=[role],  # type: ignore[list-item]
                clearance="secret", department=department, password=PASSWORD))
        for number in range(ITEMS):
            await registry.catalogue.register(INGEST, NewDocument(
                sha256=f"{number:064x}", household=f"A-{1201 + number}", category="repair",
                title="维修记录", filed_at=date(2000, 1, 1), media_type="application/pdf",
                size_bytes=10))
        sweep = await registry.sweeps.start(_person("qian"), SweepRequest())
        assert sweep.sweep_id is not None
        assert len(sweep.items) == ITEMS
        for item in sweep.items:
            for appraiser in ("zhou", "qian"):
                await registry.sweeps.appraise(_person(appraiser), sweep.sweep_id,
                                                AppraisalRequest(document_id=item.document_id,
                                                                 decision="destroy",
                                                                 opinion="同意销毁"))
        await registry.sweeps.approve(_person("zhao"), sweep.sweep_id, note=None)
        clock.advance(timedelta(days=184))
        register = await registry.destructions.create(
            _person("qian"), DestructionRequest(sweep_id=sweep.sweep_id))
        for witness in ("wang", "sun"):
            await registry.destructions.witness(_person(witness), register.destruction_id,
                                                 WitnessSignature(password=PASSWORD))
        return register.destruction_id
    finally:
        await engine.dispose()


@dataclass
class Registry:
    """``archive serve --service registry`` in its own process."""

    directory: Path
    database_url: str | None
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = clean_environment()
        env.update(ARCHIVE_DATA_DIR=str(self.directory), ARCHIVE_SECRET_KEY=SIGNING_KEY,
                   ARCHIVE_AUDIT_KEY=AUDIT_KEY, PYTHONPATH=str(ROOT))
        if self.database_url:
            env["ARCHIVE_DATABASE_URL"] = self.database_url
        log = (self.directory / "server.log").open("ab")
        self.process = subprocess.Popen(
            [*ARCHIVE, "serve", "--service", "registry",
             "--port", str(self.port)], cwd=self.directory, env=env, stdout=log,
            stderr=subprocess.STDOUT)
        wait_until_serving(self.url, self.process, log=self.log)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no shut-down hook runs
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return (self.directory / "server.log").read_text(errors="replace")[-3000:]

    def client(self, username: str) -> httpx.Client:
        token = loopback.post(f"{self.url}/registry/auth/token",
                           json={"username": username, "password": PASSWORD}, timeout=60).json()
        return loopback.client(self.url, timeout=30, headers={
            "Authorization": f"Bearer {token['access_token']}"})


async def _kill_half_way(registry: Registry, url: str, cycling: threading.Event) -> int:
    """Kill the registry while some items are destroyed and others not; how many were.

    The registry runs only in short windows (SIGCONT … SIGSTOP); while it is stopped the
    test counts the destroyed items, so it sees the count climb a few at a time.
    """
    assert registry.process is not None
    pid = registry.process.pid
    engine = create_engine(url, pool_size=1)
    try:
        while True:
            os.kill(pid, signal.SIGSTOP)
            if registry.process.poll() is not None:
                raise AssertionError(f"the registry exited: {registry.log()}")
            done = await _destroyed(engine, url)
            cycling.set()
            assert done < ITEMS, "the execution finished before it could be killed"
            if done >= KILL_AFTER:
                registry.kill()  # a stopped process dies of SIGKILL at once
                return done
            os.kill(pid, signal.SIGCONT)
            await asyncio.sleep(RUN_S)
    except BaseException:
        if registry.process.poll() is None:
            os.kill(pid, signal.SIGCONT)
        raise
    finally:
        await engine.dispose()


async def _destroyed(engine: AsyncEngine, url: str) -> int:
    """Items destroyed so far, read without waiting for a lock the stopped process holds."""
    query = "SELECT count(*) FROM destruction_items WHERE state = 'destroyed'"
    if engine.dialect.name == "sqlite":
        # A plain read: the engine's transactions would ask for SQLite's write lock.
        with closing(sqlite3.connect(url.split("///", 1)[1], isolation_level=None)) as db:
            return int(db.execute(query).fetchone()[0])
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text(query))).scalar_one())


async def _counts(url: str) -> dict[str, list[int]]:
    """Per document: destroyed events in the feed, destroyed entries in the audit log."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            events = (await conn.execute(sa.text(
                "SELECT count(*) FROM change_feed WHERE kind = 'document_destroyed' "
                "GROUP BY document_id"))).scalars().all()
            audited = (await conn.execute(sa.text(
                "SELECT count(*) FROM audit_log WHERE action = 'destroyed' "
                "GROUP BY document_id"))).scalars().all()
        return {"events": [int(n) for n in events], "audited": [int(n) for n in audited]}
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    url = None
    if request.param == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        url = cluster.url(cluster.create_database())
    started = Registry(directory=tmp_path, database_url=url, port=free_port())
    yield started
    started.stop()


def _database_url(registry: Registry) -> str:
    return registry.database_url or f"sqlite+aiosqlite:///{registry.directory / 'registry.db'}"


def test_a_destruction_killed_half_way_finishes_after_restart_each_item_once(
        registry: Registry) -> None:
    url = _database_url(registry)
    destruction_id = asyncio.run(_witnessed_register(url))
    registry.start()
    cycling = threading.Event()
    with registry.client("qian") as client, ThreadPoolExecutor(1) as background:
        killed = background.submit(asyncio.run, _kill_half_way(registry, url, cycling))
        assert cycling.wait(timeout=30)
        accepted = client.post(f"/registry/destructions/{destruction_id}/execute")
        done_before_kill = killed.result(timeout=120)
    assert accepted.status_code == 202, accepted.text

    registry.start()
    with registry.client("qian") as client:
        def executed() -> dict[str, Any] | None:
            register: dict[str, Any] = client.get(
                f"/registry/destructions/{destruction_id}").json()
            return register if register["status"] == "executed" else None

        register = eventually(executed, timeout_s=60, interval_s=0.2,
                              what=f"the destruction was not executed ({registry.log()})")
        printed = client.get(f"/registry/destructions/{destruction_id}/register.csv")
        chain = client.get("/registry/audit/verify").json()
    rows = list(csv.DictReader(io.StringIO(printed.content.decode("utf-8-sig"))))
    assert 0 < done_before_kill < ITEMS
    assert [item["label"] for item in register["items"]] == ["已销毁"] * ITEMS
    assert asyncio.run(_counts(url)) == {"events": [1] * ITEMS, "audited": [1] * ITEMS}
    assert [row["状态"] for row in rows] == ["已销毁"] * ITEMS
    assert chain["intact"] is True
