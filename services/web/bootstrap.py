"""Builds the staff pages from their context: the clients of the three services (with no
token of their own: every call carries the signed-in person's), the renderer, CSRF."""

from __future__ import annotations

import hashlib
import hmac
from functools import partial

from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.static_files import create_static_files_router

from services.common.clients.ingest import IngestClient
from services.common.clients.reader import RegistryReader
from services.common.clients.search import SearchClient
from services.common.context import Context
from services.common.errors import Unauthorized
from services.common.web import PAGES_PREFIX, PartRouter, ServicePart, provided
from services.common.words import DictionaryAtStart
from services.web.accounts_api import UserAdminPages
from services.web.api import ReadingPages, SignInPages, home
from services.web.assets import KEPT, STATIC
from services.web.audit_api import AuditPages
from services.web.badges_api import BadgePages
from services.web.cookies import PageCookies
from services.web.corrections_api import CorrectionPages
from services.web.failures import failure_handlers
from services.web.handover_api import CataloguePages, HandoverPages
from services.web.household_api import HouseholdPages
from services.web.ingest_api import IngestPages
from services.web.inventory_api import InventoryPages
from services.web.loans_api import LoanPages, StatisticsPages
from services.web.occupancy_correction_api import OccupancyCorrectionPages
from services.web.own_account_api import OwnAccountPages
from services.web.page import provide_page, provide_reader
from services.web.people import PeopleNames
from services.web.render import Pages
from services.web.retention_api import DestructionPages, HoldPages, RetentionPages, SweepPages
from services.web.review_api import ReviewPages
from services.web.session import reader_at_failure


def _no_service_token() -> str:
    raise Unauthorized("the staff pages call the services only with a person's token",
                       code="missing_token")


def build(ctx: Context) -> ServicePart:
    registry = RegistryReader(ctx.peer_url("registry"), name="registry",
                              service_token=_no_service_token)
    clients = {
        "registry": registry,
        "ingest": IngestClient(ctx.peer_url("ingest"), name="ingest",
                               service_token=_no_service_token),
        "search": SearchClient(ctx.peer_url("search"), name="search",
                               service_token=_no_service_token),
    }
    pages = Pages(ctx.clock.zone)
    people_names = PeopleNames(registry)
    failures = failure_handlers(pages, people=people_names)
    # The CSRF tokens are signed with a key of their own, made from the token signing key.
    csrf_secret = hmac.new(ctx.settings.signing_key().encode(), b"archive staff pages csrf",
                           hashlib.sha256).hexdigest()
    pages_router = PartRouter(
        path=PAGES_PREFIX,
        route_handlers=[
            SignInPages, ReadingPages, HouseholdPages, OccupancyCorrectionPages, LoanPages,
            StatisticsPages, RetentionPages, SweepPages, DestructionPages, HoldPages,
            ReviewPages, IngestPages, UserAdminPages, OwnAccountPages, HandoverPages,
            CataloguePages, InventoryPages, CorrectionPages, BadgePages, AuditPages,
            create_static_files_router(path="/static", directories=[STATIC], name="static",
                                       cache_control=KEPT),
        ],
        middleware=[DefineMiddleware(PageCookies, csrf_secret=csrf_secret, codec=ctx.codec)],
        exception_handlers=failures,
        dependencies={
            **provided(pages=pages, codec=ctx.codec, people_names=people_names, **clients),
            "this_year": Provide(lambda: ctx.clock.today().year, sync_to_thread=False),
            "today": Provide(ctx.clock.today, sync_to_thread=False),
            "now": Provide(ctx.clock.now, sync_to_thread=False),
            "settings": Provide(lambda: ctx.settings, sync_to_thread=False),
            "reader": Provide(provide_reader), "page": Provide(provide_page),
        },
    )

    dictionary = DictionaryAtStart()

    async def close() -> None:
        await dictionary.stop()
        for client in clients.values():
            await client.close()

    return ServicePart(
        # The pages are for people: none of their routes is in the API's schema.
        name="web", router=PartRouter(path="/", route_handlers=[home, pages_router],
                                  include_in_schema=False),
        on_startup=[dictionary.start], on_shutdown=[close],
        own_auth=[f"^{PAGES_PREFIX}(/|$)", "^/$"],
        # The pages hold nothing: they are ready when the services they call are. A
        # service of the same process has its own checks in the same /ready already.
        readiness={f"web.{name}": client.ready for name, client in clients.items()
                   if name not in ctx.hosted},
        unrouted={PAGES_PREFIX: failures[HTTPException]},
        on_failure=[partial(reader_at_failure, codec=ctx.codec)])
