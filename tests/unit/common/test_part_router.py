"""A part's router is registered as it was built, not as Litestar's deep copy of it: its
dependencies hand the app the very objects the part was given (``PartRouter``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ImproperlyConfiguredException

from services.common.clock import FixedClock
from services.common.web import PartRouter


@get("/now", sync_to_thread=False)
def now_handler(now: NamedDependency[datetime]) -> str:
    return now.isoformat()


def clocked_router(clock: FixedClock) -> PartRouter:
    # The bound method: a copied router would hold a copy of the clock.
    return PartRouter("/part", route_handlers=[now_handler],
                      dependencies={"now": Provide(clock.now, sync_to_thread=False)})


async def test_a_parts_dependency_is_the_object_it_was_given_not_a_copy() -> None:
    clock = FixedClock(datetime(2024, 6, 1, 9, tzinfo=UTC))
    app = Litestar(route_handlers=[clocked_router(clock)])
    clock.advance(timedelta(days=3))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://archive") as client:
        answer = await client.get("/part/now")
    assert answer.text == "2024-06-04T09:00:00+00:00"


def test_a_parts_router_serves_one_app() -> None:
    router = clocked_router(FixedClock(datetime(2024, 6, 1, 9, tzinfo=UTC)))
    Litestar(route_handlers=[router])
    with pytest.raises(ImproperlyConfiguredException, match="registered already"):
        Litestar(route_handlers=[router])
