"""Operations: what `/healthz` answers and what `/metrics` counts, for every platform's process, in one place.

Counting happens at the edges, never inside use cases: the core tells its `Observer` (this `Ops`) each event
it handled and how each claimed row's post went; an adapter reports how long each ack took (`observe_ack`);
what is still owed is read from the database when scraped (`store.health`), so it is true across restarts
and instances. Nothing here knows Slack or DingTalk: an adapter passes its platform's name and a
`connected()` probe. The web servers that answer the two paths are in `adapters/ops_http.py`.

Metrics (Prometheus text format, `prometheus-client`), each labelled with the process's `platform`:
- `quorum_events_handled_total{platform, kind}`: events the core handled (command, message, reaction, button…);
- `quorum_ack_seconds{platform}`: a histogram of the time from an event's arrival to its ack;
- `quorum_sends_total{platform, result}`: posts of outbox rows and scheduled messages, `sent`, `retry`
  (refused for now: backoff) or `failed` (can never arrive; the host is told);
- `quorum_escalations_sent_total{platform}`: overdue items escalated to their host and chairs;
- `quorum_notifications_pending{platform}`, `quorum_notification_oldest_pending_seconds{platform}`: messages
  whose time has come and that are not sent yet, and how late the oldest is;
- `quorum_outbox_oldest_pending_seconds{platform}`: age of the oldest reply not yet posted (also retrying ones);
- `quorum_database_up{platform}`: 1 when the last scrape could read the database.

`/healthz` is 200 with `{"status": "ok", …}` when the database answers within `DB_TIMEOUT_SECONDS`, the
platform connection is up and no reply has waited longer than `QUORUM_OUTBOX_STALE_SECONDS`; else 503 with
`"problems"` saying which, in words. A draining process (SIGTERM) says so with 503, so a load balancer stops
sending it work.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from adapters.clock import Clock
from bot.core import Core, SendResult
from bot.events import Inbound
from store import health
from store.database import session_scope
from store.models import NotificationKind

log = logging.getLogger(__name__)

DB_TIMEOUT_SECONDS = 3.0
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)  # Slack's ack limit is 3 s
HEALTH_PATH, METRICS_PATH = "/healthz", "/metrics"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer, for whichever server serves it."""

    status: int
    content_type: str
    body: bytes


class Ops:
    """One per process: its registry, its counters, its health. Set as the core's observer on creation."""

    def __init__(self, core: Core, platform: str, clock: Clock, connected: Callable[[], bool],
                 stale_after: timedelta) -> None:
        self.core = core
        self.platform = platform
        self.clock = clock
        self.connected = connected
        self.stale_after = stale_after
        self.draining = False
        self.registry = CollectorRegistry(auto_describe=True)
        self.events = Counter("quorum_events_handled", "Events the core handled", ["platform", "kind"],
                              registry=self.registry)
        self.acks = Histogram("quorum_ack_seconds", "From an event's arrival to its ack", ["platform"],
                              buckets=ACK_BUCKETS, registry=self.registry)
        self.sends = Counter("quorum_sends", "Posts of outbox rows and scheduled messages, by result",
                             ["platform", "result"], registry=self.registry)
        self.escalations = Counter("quorum_escalations_sent", "Overdue action items escalated to their host",
                                   ["platform"], registry=self.registry)
        for result in ("sent", "retry", "failed"):  # present (at 0) before the first post, so rates work
            self.sends.labels(platform, result)
        self.escalations.labels(platform)
        self.acks.labels(platform)
        self.registry.register(_Backlog(self))
        core.observer = self

    # ---- the core's Observer ----------------------------------------------------------------------------
    def handled(self, inbound: Inbound) -> None:
        self.events.labels(inbound.platform, inbound.kind).inc()

    def delivered(self, kind: str, result: SendResult) -> None:
        self.sends.labels(self.platform, result).inc()
        if kind == NotificationKind.ITEM_ESCALATION and result == "sent":
            self.escalations.labels(self.platform).inc()

    # ---- from the adapters ------------------------------------------------------------------------------
    def observe_ack(self, seconds: float) -> None:
        self.acks.labels(self.platform).observe(seconds)

    # ---- what the endpoints answer ----------------------------------------------------------------------
    def backlog(self) -> health.Backlog:
        with session_scope(self.core.engine) as session:
            return health.backlog(session, self.platform, self.clock())

    def check(self) -> tuple[list[str], dict[str, Any]]:
        """(problems in words, details): blocking, for a worker thread."""
        problems: list[str] = []
        details: dict[str, Any] = {"platform": self.platform}
        if self.draining:
            problems.append("draining: shutting down, taking no new events")
        details["platform_connected"] = connected = self.connected()
        if not connected:
            problems.append(f"platform: not connected to {self.platform}")
        try:
            with session_scope(self.core.engine) as session:
                health.ping(session)
                backlog = health.backlog(session, self.platform, self.clock())
        except Exception as error:
            details["database"] = "unreachable"
            first_line = (str(error).splitlines() or [""])[0]
            problems.append(f"database: {type(error).__name__}: {first_line[:200]}")
            return problems, details
        details["database"] = "ok"
        details["notifications_pending"] = backlog.owed
        age = self.age(backlog.oldest_outbox)
        details["outbox_oldest_pending_seconds"] = round(age, 1) if age is not None else None
        if age is not None and age > self.stale_after.total_seconds():
            problems.append(f"outbox: a reply has waited {age:.0f} s to be posted "
                            f"(more than {self.stale_after.total_seconds():.0f} s)")
        return problems, details

    async def health(self) -> Reply:
        try:
            problems, details = await asyncio.wait_for(asyncio.to_thread(self.check), DB_TIMEOUT_SECONDS)
        except TimeoutError:
            problems = [f"database: no answer within {DB_TIMEOUT_SECONDS:.0f} s"]
            details = {"platform": self.platform, "database": "no answer",
                       "platform_connected": self.connected()}
        body = {"status": "unhealthy" if problems else "ok", **details, "problems": problems}
        return Reply(503 if problems else 200, "application/json", json.dumps(body).encode())

    async def metrics(self) -> Reply:
        body = await asyncio.to_thread(generate_latest, self.registry)
        return Reply(200, CONTENT_TYPE_LATEST, body)

    async def answer(self, path: str) -> Reply | None:
        """The reply for GET `path`, or None when it is not one of ours."""
        if path == HEALTH_PATH:
            return await self.health()
        if path == METRICS_PATH:
            return await self.metrics()
        return None

    def age(self, since: datetime | None) -> float | None:
        return None if since is None else max(0.0, (self.clock() - since).total_seconds())


class _Backlog(Collector):
    """The gauges read from the database at each scrape (a scrape that cannot read it says database_up 0)."""

    def __init__(self, ops: Ops) -> None:
        self.ops = ops

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(self._families())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        families = self._families()
        up, pending, oldest, outbox = families
        label = [self.ops.platform]
        try:
            backlog = self.ops.backlog()
        except Exception:
            log.warning("metrics: the database did not answer", exc_info=True)
            up.add_metric(label, 0)
            yield up
            return
        up.add_metric(label, 1)
        pending.add_metric(label, backlog.owed)
        oldest.add_metric(label, self.ops.age(backlog.oldest_due) or 0.0)
        outbox.add_metric(label, self.ops.age(backlog.oldest_outbox) or 0.0)
        yield from families

    @staticmethod
    def _families() -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily("quorum_database_up", "1 when the database answered this scrape", labels=["platform"]),
            GaugeMetricFamily("quorum_notifications_pending", "Messages due and not sent yet", labels=["platform"]),
            GaugeMetricFamily("quorum_notification_oldest_pending_seconds", "How late the oldest due message is",
                              labels=["platform"]),
            GaugeMetricFamily("quorum_outbox_oldest_pending_seconds", "Age of the oldest reply not posted yet",
                              labels=["platform"]),
        ]
