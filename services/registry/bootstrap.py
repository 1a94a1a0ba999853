"""Builds the registry service from its context: the one place it picks implementations.

``RegistryServices`` is every domain service over one engine; the API (``build``), the
command line (``add_user``, ``verify_audit``), the tests and the benchmark build them the
same way.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import TokenCodec
from services.common.clients.ingest import IngestClient
from services.common.clock import Clock, SystemClock
from services.common.config import Settings
from services.common.context import Context
from services.common.contracts.accounts import User
from services.common.contracts.registry import ChainReport
from services.common.db import create_engine, database_check, is_sqlite
from services.common.errors import DependencyUnavailable
from services.common.migrations import prepare_database
from services.common.objectstore import ObjectStore, open_object_store
from services.common.tasks import PeriodicTask
from services.common.web import PartRouter, ServicePart, provided
from services.registry.access import GrantSource
from services.registry.accounts.api import AuthController, PeopleController, UsersController
from services.registry.accounts.models import NewUser
from services.registry.accounts.service import AccountsService
from services.registry.catalogue.api import AccessController, DocumentsController
from services.registry.catalogue.service import CatalogueService, NoUploads, Uploads
from services.registry.catalogues.api import CataloguesController
from services.registry.catalogues.service import CataloguesService
from services.registry.circulation.api import CirculationController
from services.registry.circulation.service import ESCALATION_INTERVAL_S, CirculationService
from services.registry.corrections.api import CorrectionsController
from services.registry.corrections.service import CorrectionsService
from services.registry.departures.api import DeparturesController
from services.registry.departures.service import DeparturesService
from services.registry.destruction.api import (
    DestructionsController,
    DocumentDisposalController,
    TombstonesController,
)
from services.registry.destruction.service import DestructionService
from services.registry.fixity.api import FixityController
from services.registry.fixity.service import FixityService
from services.registry.guards import JOURNAL_OPT, RefusalRecorder
from services.registry.handovers.api import HandoversController
from services.registry.handovers.service import HandoverService
from services.registry.handovers.service import waiting_on as handovers_waiting_on
from services.registry.holds.api import HoldsController
from services.registry.holds.service import HoldsService
from services.registry.households.api import HouseholdsController
from services.registry.households.service import HouseholdsService
from services.registry.inventory.api import (
    ConditionChecksController,
    DiscrepanciesController,
    InventoriesController,
)
from services.registry.inventory.service import InventoryService
from services.registry.journal.anchors import AuditAnchors
from services.registry.journal.api import (
    AuditController,
    ChangesController,
    DocumentTrailController,
)
from services.registry.journal.rules import AuditKey
from services.registry.journal.service import JournalService, Progress
from services.registry.lending.api import (
    IncidentsController,
    LoansController,
    NotificationsController,
)
from services.registry.lending.rules import LoanPeriods
from services.registry.lending.service import LendingService
from services.registry.metrics import RegistrySampler
from services.registry.schedule.api import ScheduleController
from services.registry.schedule.service import ScheduleService
from services.registry.seal import WitnessSeal
from services.registry.statistics.api import StatisticsController
from services.registry.statistics.service import StatisticsService
from services.registry.store import RegistryStore
from services.registry.sweeps.api import SweepsController
from services.registry.sweeps.service import SweepsService
from services.registry.transfers.api import TransfersController
from services.registry.transfers.service import TransferService

T = TypeVar("T")

log = logging.getLogger("archive.registry")

CONTROLLERS = (
    AuthController, PeopleController, UsersController, HouseholdsController, ScheduleController,
    DocumentsController, AccessController, CorrectionsController, FixityController,
    ChangesController, AuditController, DocumentTrailController, LoansController,
    CirculationController, NotificationsController, IncidentsController, SweepsController,
    DocumentDisposalController,
    HoldsController, DestructionsController, TombstonesController, StatisticsController,
    HandoversController, TransfersController, DeparturesController,
    CataloguesController, InventoriesController, DiscrepanciesController,
    ConditionChecksController,
)
DEFAULTS = Settings()


class RegistryServices:
    """The registry's domain services over one engine, built in their dependency order.

    ``codec`` issues tokens and ``seal`` signs witnesses (both from the secret key);
    ``audit_key`` chains the audit log (``None``: ``AuditKey.well_known()``); ``objects``
    is where the chain's head is anchored (``None``: nowhere); ``grants`` who may view
    what through a loan (``None``: the lending feature's digital loans); ``uploads`` asks
    ingest what was uploaded (``None``: nothing). ``settings`` gives the rules' periods
    and limits."""

    def __init__(self, engine: AsyncEngine, clock: Clock, *, codec: TokenCodec,
                 seal: WitnessSeal, settings: Settings = DEFAULTS,
                 audit_key: AuditKey | None = None, objects: ObjectStore | None = None,
                 grants: GrantSource | None = None, uploads: Uploads | None = None) -> None:
        self.store = RegistryStore(engine, audit_key=audit_key)
        anchors = AuditAnchors(objects, self.store.audit_key) if objects is not None else None
        self.journal = JournalService(self.store, clock, anchors=anchors)
        periods = LoanPeriods.from_settings(settings)
        self.lending = LendingService(self.store, clock, journal=self.journal)
        self.circulation = CirculationService(self.store, clock, journal=self.journal,
                                              periods=periods)
        self.accounts = AccountsService(
            self.store, codec, clock, attempts_per_minute=settings.login_attempts_per_minute,
            attempts_per_address_per_minute=settings.login_attempts_per_address_per_minute,
            departure=self.lending.depart, journal=self.journal,
            handovers_waiting=handovers_waiting_on, requests_waiting=self.lending.stranded,
            password_hash_memory_kib=settings.password_hash_memory_kib)
        source = grants or self.lending
        self.households = HouseholdsService(self.store, clock)
        self.schedule = ScheduleService(self.store, clock)
        self.catalogue = CatalogueService(self.store, clock, grants=source,
                                          journal=self.journal, uploads=uploads or NoUploads())
        self.corrections = CorrectionsService(self.store, clock, grants=source,
                                              journal=self.journal)
        self.fixity = FixityService(self.store, clock)
        self.holds = HoldsService(self.store, clock, self.journal)
        self.sweeps = SweepsService(self.store, clock, self.journal,
                                    wait_days=settings.destruction_wait_days)
        self.destructions = DestructionService(self.store, clock, self.journal,
                                               passwords=self.accounts, seal=seal)
        self.statistics = StatisticsService(self.store, clock)
        self.handovers = HandoverService(self.store, clock, self.journal,
                                         passwords=self.accounts, seal=seal)
        self.transfers = TransferService(self.store, clock, self.journal)
        self.departures = DeparturesService(self.store)
        self.catalogues = CataloguesService(self.store, clock)
        self.inventory = InventoryService(self.store, clock)
        self.escalation = PeriodicTask("loan-escalation", ESCALATION_INTERVAL_S,
                                       self.circulation.check_due)
        self.upkeep = PeriodicTask("audit-upkeep", settings.audit_anchor_interval_s,
                                   self.journal.upkeep)

    @classmethod
    def from_settings(cls, settings: Settings, engine: AsyncEngine, clock: Clock, *,
                      objects: ObjectStore | None = None, uploads: Uploads | None = None
                      ) -> RegistryServices:
        return cls(engine, clock, settings=settings,
                   codec=TokenCodec(settings.signing_key(), ttl_s=settings.token_ttl_s),
                   seal=WitnessSeal(settings.signing_key()),
                   audit_key=AuditKey(settings.audit_key_bytes()), objects=objects,
                   uploads=uploads)

    async def start(self) -> None:
        """After the database is migrated: the documents an earlier release left are
        placed by filing date (once, after an upgrade), before the registry answers; the
        audit upkeep and the escalation check run once now (what fell due while the
        registry was down is escalated before it answers), then periodically; executions
        a crash interrupted resume."""
        placed = await self.households.place_after_upgrade()
        if placed.households:
            log.info("placed the documents of %d households by filing date after the "
                     "upgrade: %d documents moved part or retention clock, each a new "
                     "version", placed.households, placed.documents)
        for task in (self.upkeep, self.escalation):
            await task.step_now()
            task.start()
        await self.destructions.executor.resume()

    async def stop(self) -> None:
        """Stop the tasks; the audit head is anchored once more, unless the start did not
        get as far as the upkeep (its database not migrated: that failure is said alone)."""
        upkept = self.upkeep.running
        await self.destructions.executor.stop()
        await self.escalation.stop()
        await self.upkeep.stop()
        if upkept:
            await self.upkeep.step_now()

    def dependencies(self) -> dict[str, Provide]:
        return provided(
            accounts=self.accounts, catalogue=self.catalogue, corrections=self.corrections,
            households=self.households, schedule=self.schedule, journal=self.journal,
            lending=self.lending, circulation=self.circulation, fixity=self.fixity,
            holds=self.holds, sweeps=self.sweeps, destructions=self.destructions,
            statistics=self.statistics, handovers=self.handovers, transfers=self.transfers,
            departures=self.departures, catalogues=self.catalogues, inventory=self.inventory)


def build(ctx: Context) -> ServicePart:
    url = ctx.settings.database_url_for("registry")
    engine = create_engine(url)
    ingest = IngestClient(ctx.peer_url("ingest"), name="ingest",
                          service_token=partial(ctx.codec.service_token, "registry"))
    registry = RegistryServices.from_settings(
        ctx.settings, engine, ctx.clock, uploads=ingest,
        objects=open_object_store(ctx.settings, clock=ctx.clock))

    async def start() -> None:
        await prepare_database(engine, url, "registry", embedded=ctx.settings.embedded,
                               wait=True, zone=ctx.settings.time_zone)
        await registry.start()

    router = PartRouter(
        path="/registry", route_handlers=list(CONTROLLERS),
        dependencies=registry.dependencies(),
        opt={JOURNAL_OPT: RefusalRecorder(registry.journal)},
    )
    return ServicePart(
        name="registry", router=router, on_startup=[start],
        on_shutdown=[registry.stop, ingest.close, engine.dispose],
        readiness={"registry.database": database_check(engine),
                   "registry.audit": registry.journal.append_only_state},
        verifier=registry.accounts,
        samplers={"registry": RegistrySampler(registry.store, ctx.clock)},
    )


async def on_local_accounts(settings: Settings,
                            act: Callable[[AccountsService], Awaitable[T]]) -> T:
    """``archive user …``: ``act`` on the accounts of the local database as the operator
    at its console (``CONSOLE``: audited so, not limited by an admin's clearance), no
    server needed."""
    url = settings.database_url_for("registry")
    engine = create_engine(url, pool_size=1)
    try:
        await prepare_database(engine, url, "registry", embedded=settings.embedded,
                               zone=settings.time_zone)
        registry = RegistryServices.from_settings(settings, engine, SystemClock(settings.time_zone))
        return await act(registry.accounts)
    finally:
        await engine.dispose()


async def add_user(settings: Settings, new: NewUser) -> User:
    """``archive user add``: create a user on the local database, no server needed."""
    return await on_local_accounts(settings, lambda accounts: accounts.create_user(new))


async def verify_audit(settings: Settings, *, progress: Progress | None = None
                       ) -> ChainReport:
    """``archive audit verify``: the audit chain on the registry's database, against its
    newest anchor in the object store; needs the audit key, no server."""
    url = settings.database_url_for("registry")
    if is_sqlite(url) and not (settings.data_dir / "registry.db").exists() \
            and settings.embedded:
        raise DependencyUnavailable(
            f"no registry database in {settings.data_dir}; set ARCHIVE_DATA_DIR or "
            "ARCHIVE_DATABASE_URL to the archive's", code="no_database")
    engine = create_engine(url, pool_size=1)
    try:
        store = RegistryStore(engine, audit_key=AuditKey(settings.audit_key_bytes()))
        anchors = AuditAnchors(open_object_store(settings), store.audit_key)
        journal = JournalService(store, SystemClock(settings.time_zone), anchors=anchors)
        return await journal.verify(progress=progress)
    finally:
        await engine.dispose()
