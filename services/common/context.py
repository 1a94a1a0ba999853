"""What a service needs from the process that hosts it, built once by ``services.app``."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.common.auth import TokenCodec
from services.common.clock import Clock
from services.common.config import Settings
from services.common.metrics import Metrics
from services.common.parts import PartName, ServiceName


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
