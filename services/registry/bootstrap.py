"""Builds the registry service from its context: the one place it picks implementations."""

from __future__ import annotations

from litestar.di import Provide
from litestar.router import Router

from services.common.context import Context
from services.common.db import create_engine, ping
from services.common.migrations import prepare_database
from services.common.web import ServicePart
from services.registry.accounts.api import AuthController, UsersController
from services.registry.accounts.repository import AccountsRepository
from services.registry.accounts.service import AccountsService


def build(ctx: Context) -> ServicePart:
    url = ctx.settings.database_url_for("registry")
    engine = create_engine(url)
    accounts = AccountsService(
        AccountsRepository(engine), ctx.codec, ctx.clock,
        attempts_per_minute=ctx.settings.login_attempts_per_minute,
    )

    async def start() -> None:
        await prepare_database(engine, url, "registry", embedded=ctx.embedded)

    async def database() -> str:
        await ping(engine)
        return "ok"

    router = Router(
        path="/registry",
        route_handlers=[AuthController, UsersController],
        dependencies={"accounts": Provide(lambda: accounts, sync_to_thread=False)},
    )
    return ServicePart(
        name="registry", router=router, on_startup=[start], on_shutdown=[engine.dispose],
        readiness={"registry.database": database}, verifier=accounts,
    )
