"""Builds the registry service from its context: the one place it picks implementations."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar.di import Provide
from litestar.router import Router
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.clients.ingest import IngestClient
from services.common.clock import Clock
from services.common.context import Context
from services.common.db import create_engine, ping
from services.common.migrations import prepare_database
from services.common.objectstore import ObjectStore, open_object_store
from services.common.web import ServicePart
from services.registry.access import GrantSource
from services.registry.accounts.api import AuthController, UsersController
from services.registry.accounts.repository import AccountsRepository
from services.registry.accounts.service import AccountsService
from services.registry.catalogue.api import (
    AccessController,
    CorrectionsController,
    DocumentsController,
    FixityController,
)
from services.registry.catalogue.corrections import CorrectionsService
from services.registry.catalogue.fixity import FixityService
from services.registry.catalogue.service import CatalogueService, NoUploads, Uploads
from services.registry.guards import JOURNAL_OPT, RefusalRecorder
from services.registry.households.api import HouseholdsController
from services.registry.households.service import HouseholdsService
from services.registry.journal.anchors import AuditAnchors
from services.registry.journal.api import (
    AuditController,
    ChangesController,
    DocumentTrailController,
)
from services.registry.journal.audit import AuditKey, append_only_state
from services.registry.journal.service import JournalService, JournalUpkeep
from services.registry.lending.api import (
    IncidentsController,
    LoansController,
    NotificationsController,
)
from services.registry.lending.escalation import Escalations, EscalationTask
from services.registry.lending.grants import LoanGrants
from services.registry.lending.handover import HandoverService
from services.registry.lending.rules import LoanPeriods
from services.registry.lending.service import LendingService
from services.registry.metrics import RegistrySampler
from services.registry.retention.signatures import WitnessSeal
from services.registry.retention.wiring import RetentionServices
from services.registry.schedule.api import ScheduleController
from services.registry.schedule.service import ScheduleService
from services.registry.statistics.api import StatisticsController
from services.registry.statistics.service import StatisticsService
from services.registry.store import RegistryStore


class RegistryServices:
    """The registry's domain services over one engine (the API, the CLI and the
    benchmark build them the same way)."""

    def __init__(self, engine: AsyncEngine, clock: Clock, *,
                 grants: GrantSource | None = None, periods: LoanPeriods | None = None,
                 uploads: Uploads | None = None, audit_key: AuditKey | None = None,
                 objects: ObjectStore | None = None) -> None:
        """``audit_key`` chains the audit log (``None``: ``AuditKey.well_known()``);
        ``objects`` is where the chain's head is anchored (``None``: nowhere)."""
        self.store = RegistryStore(engine, audit_key=audit_key)
        source = grants or LoanGrants(self.store, clock)
        anchors = AuditAnchors(objects, self.store.audit_key) if objects is not None else None
        self.journal = JournalService(self.store, clock, anchors=anchors)
        self.catalogue = CatalogueService(self.store, clock, grants=source,
                                          journal=self.journal, uploads=uploads or NoUploads())
        self.corrections = CorrectionsService(self.store, clock, grants=source,
                                              journal=self.journal)
        self.households = HouseholdsService(self.store, clock)
        self.schedule = ScheduleService(self.store, clock)
        self.lending = LendingService(self.store, clock, journal=self.journal)
        self.handover = HandoverService(self.store, clock, journal=self.journal,
                                        periods=periods or LoanPeriods())
        self.escalations = Escalations(self.store, periods or LoanPeriods())
        self.fixity = FixityService(self.store, clock)
        self.statistics = StatisticsService(self.store, clock)

    def dependencies(self) -> dict[str, Provide]:
        provided: dict[str, Any] = {
            "catalogue": self.catalogue, "corrections": self.corrections,
            "households": self.households, "schedule": self.schedule,
            "journal": self.journal, "lending": self.lending, "handover": self.handover,
            "fixity": self.fixity, "statistics": self.statistics,
        }
        return {name: _provide(value) for name, value in provided.items()}


def _provide(value: Any) -> Provide:
    return Provide(lambda: value, sync_to_thread=False)


def build(ctx: Context) -> ServicePart:
    url = ctx.settings.database_url_for("registry")
    engine = create_engine(url)
    ingest = IngestClient(ctx.peer_url("ingest"), name="ingest",
                          service_token=partial(ctx.codec.service_token, "registry"))
    objects = open_object_store(ctx.settings, clock=ctx.clock)
    registry = RegistryServices(engine, ctx.clock,
                                periods=LoanPeriods.from_settings(ctx.settings),
                                uploads=ingest,
                                audit_key=AuditKey(ctx.settings.audit_key_bytes()),
                                objects=objects)
    upkeep = JournalUpkeep(registry.journal,
                           interval_s=ctx.settings.audit_anchor_interval_s)
    accounts = AccountsService(
        AccountsRepository(engine, audit_key=registry.store.audit_key), ctx.codec, ctx.clock,
        attempts_per_minute=ctx.settings.login_attempts_per_minute,
        attempts_per_address_per_minute=ctx.settings.login_attempts_per_address_per_minute,
        open_loans=registry.lending.open_loans, journal=registry.journal,
    )
    escalation = EscalationTask(registry.escalations, ctx.clock)
    retention = RetentionServices(registry.store, registry.journal, ctx.clock,
                                  passwords=accounts,
                                  wait_days=ctx.settings.destruction_wait_days,
                                  seal=WitnessSeal(ctx.settings.signing_key()))

    async def start() -> None:
        await prepare_database(engine, url, "registry", embedded=ctx.embedded)

    async def database() -> str:
        await ping(engine)
        return "ok"

    async def audit_protection() -> str:
        return await append_only_state(engine)

    router = Router(
        path="/registry",
        route_handlers=[
            AuthController, UsersController, HouseholdsController, DocumentsController,
            CorrectionsController, AccessController, FixityController, ScheduleController,
            ChangesController, AuditController, DocumentTrailController, LoansController,
            NotificationsController, IncidentsController, StatisticsController,
            *retention.controllers,
        ],
        dependencies={"accounts": _provide(accounts), **registry.dependencies(),
                      **retention.dependencies()},
        opt={JOURNAL_OPT: RefusalRecorder(registry.journal)},
    )
    return ServicePart(
        name="registry", router=router,
        on_startup=[start, upkeep.start, escalation.start, retention.start],
        on_shutdown=[retention.stop, escalation.stop, upkeep.stop, ingest.close,
                     engine.dispose],
        readiness={"registry.database": database, "registry.audit": audit_protection},
        verifier=accounts, samplers={"registry": RegistrySampler(engine, ctx.clock)},
    )
