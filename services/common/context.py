"""What a service needs from the process that hosts it, built once by ``services.app``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from services.common.auth import TokenCodec
from services.common.clock import Clock
from services.common.config import Settings
from services.common.metrics import Metrics

ServiceName = Literal["registry", "ingest", "search"]
SERVICE_NAMES: tuple[ServiceName, ...] = ("registry", "ingest", "search")
"""The services that own data (each its own tables and migrations)."""
PartName = Literal["registry", "ingest", "search", "web"]
PART_NAMES: tuple[PartName, ...] = (*SERVICE_NAMES, "web")
"""What a process can host: the services, and the staff pages that sit on them."""


@dataclass(frozen=True)
class Context:
    settings: Settings
    codec: TokenCodec
    clock: Clock
    self_url: str
    """Where this process answers; peers default to it when they run in the same process."""
    hosted: tuple[PartName, ...]
    metrics: Metrics = field(default_factory=Metrics)
    """This process's metrics, which the hosted services add their series to."""

    def peer_url(self, service: ServiceName) -> str:
        configured = {
            "registry": self.settings.registry_url,
            "ingest": self.settings.ingest_url,
            "search": self.settings.search_url,
        }[service]
        return (configured or self.self_url).rstrip("/")
