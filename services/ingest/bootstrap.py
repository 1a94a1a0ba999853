"""Builds the ingest service from its context."""

from __future__ import annotations

from litestar.router import Router

from services.common.context import Context
from services.common.web import ServicePart


def build(ctx: Context) -> ServicePart:
    return ServicePart(name="ingest", router=Router(path="/ingest", route_handlers=[]))
