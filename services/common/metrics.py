"""Metrics for an operator: ``GET /metrics`` in Prometheus's text format.

One ``Metrics`` per process (on the ``Context``), whatever services it hosts; in
scale-out each service's process answers ``/metrics`` with its own. Two kinds of series:

- moved by events in this process: request latency by route (``RequestTimer``) and
  extraction failures by reason (the workers); counters start at zero when the process
  does, as Prometheus expects;
- read at each scrape from a service's own state (``Sampler``): jobs by state and their
  age, pages read by OCR (counted in ingest's database by every process that reads
  them, ``services.ingest.ocr_tally``), the change feed's lag per consumer, the index's
  size, loans overdue and escalated, the last fixity run, the last backup. A sampler
  that fails or is slow leaves its series out and ``archive_metrics_source_up{source}``
  at 0 (the scrape still answers).

Who may read it: an ``admin``'s token, or ``ARCHIVE_METRICS_TOKEN`` (a fixed bearer
token for the Prometheus server, which cannot log in).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError

from services.common.auth import PrincipalVerifier, TokenCodec, authenticated, bearer_token
from services.common.errors import ArchiveError, Forbidden

log = logging.getLogger("archive.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4"
"""Prometheus's text format (the server adds ``charset=utf-8``)."""
SAMPLE_TIMEOUT_S = 5.0
LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

Sampler = Callable[[], Awaitable[Iterable[Metric]]]
"""Reads a service's state when scraped; raises ``ArchiveError`` if it cannot."""


def gauge(name: str, documentation: str, value: float | None = None, *,
          labels: Iterable[str] = (), values: Iterable[tuple[Iterable[str], float]] = ()
          ) -> GaugeMetricFamily:
    """A gauge family: one ``value``, or one per label set in ``values``."""
    family = GaugeMetricFamily(name, documentation, value=value,
                               labels=None if value is not None else list(labels))
    for label_values, sample in values:
        family.add_metric(list(label_values), sample)
    return family


@dataclass
class Metrics:
    """This process's metrics; see the module docstring."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    samplers: dict[str, Sampler] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.request_seconds = Histogram(
            "archive_http_request_duration_seconds",
            "Time to answer a request, by route (the path template) and method.",
            ["route", "method"], buckets=LATENCY_BUCKETS_S, registry=self.registry)
        self.extraction_failures = Counter(
            "archive_extraction_failures",
            "Extraction attempts that failed in this process, by reason (the job's error "
            "code): retried, or the job failed.", ["reason"], registry=self.registry)

    def add_sampler(self, source: str, sampler: Sampler) -> None:
        self.samplers[source] = sampler

    async def render(self) -> bytes:
        """Every series in the text format, samplers read at once."""
        sources = list(self.samplers)
        results = await asyncio.gather(*(self._sample(source) for source in sources))
        up = gauge("archive_metrics_source_up",
                   "1 if the source's series could be read for this scrape.",
                   labels=["source"],
                   values=[([source], 0.0 if families is None else 1.0)
                           for source, families in zip(sources, results, strict=True)])
        sampled: dict[str, Metric] = {}
        for family in (family for families in results if families for family in families):
            if family.name in sampled:  # a series two hosted services each add to
                sampled[family.name].samples.extend(family.samples)
            else:
                sampled[family.name] = family
        return generate_latest(_Scrape(self.registry, [*sampled.values(), up]))

    async def _sample(self, source: str) -> list[Metric] | None:
        try:
            return list(await asyncio.wait_for(self.samplers[source](), SAMPLE_TIMEOUT_S))
        except TimeoutError:
            why = f"no answer within {SAMPLE_TIMEOUT_S:g} s"
        except ArchiveError as exc:
            why = exc.detail
        except SQLAlchemyError as exc:
            why = str(exc).splitlines()[0]
        log.warning("the metrics of %s are left out of this scrape: %s", source, why)
        return None


class _Scrape:
    """What ``generate_latest`` reads: the registry's series and the sampled ones."""

    def __init__(self, registry: CollectorRegistry, sampled: list[Metric]) -> None:
        self.registry = registry
        self.sampled = sampled

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
        yield from self.sampled


class RequestTimer(ASGIMiddleware):
    """Observes each request's time under its route's path template (so ``{id}`` paths
    are one series, not one per id)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        started = time.perf_counter()
        try:
            await next_app(scope, receive, send)
        finally:
            route = str(scope.get("path_template") or "unmatched")
            self.metrics.request_seconds.labels(route=route, method=scope.get("method", "")
                                                ).observe(time.perf_counter() - started)


async def authorise_scrape(authorization: str | None, *, codec: TokenCodec,
                           verifier: PrincipalVerifier, metrics_token: str | None) -> None:
    """``ARCHIVE_METRICS_TOKEN``, or a valid token with the ``admin`` role; else
    ``Unauthorized`` or ``Forbidden``."""
    token = bearer_token(authorization)
    if metrics_token is not None and hmac.compare_digest(token.encode(), metrics_token.encode()):
        return
    principal = await authenticated(token, codec, verifier)
    if not principal.has_role("admin"):
        raise Forbidden("the metrics need the admin role or ARCHIVE_METRICS_TOKEN",
                        code="role_required")


def epoch_seconds(moment: datetime) -> float:
    """A datetime as the Unix time Prometheus compares with ``time()``."""
    return float(moment.timestamp())
