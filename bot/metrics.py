"""Prometheus metrics: what each process counts, and the queues as the database holds them.

Counted in the process that does the work: turn latency (a web process answering inline, or a
turns process), delivery outcomes per channel (a delivery worker), scheduled job runs (the
scheduler). The web process serves them at /metrics with the queues' depth and age, read from
the database at each scrape, so they are right whichever process fills or drains the queues.
Other processes serve theirs on PARENTBOT_METRICS_PORT (parentbot/observe.py), or all of one
host's are gathered when PROMETHEUS_MULTIPROC_DIR is set (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

import structlog
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import InboundLog, Outbox, utcnow

TURN_SECONDS = Histogram(
    "parentbot_turn_seconds",
    "Seconds a message's turn took (understand, decide, store, queue the replies).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DELIVERIES = Counter(
    "parentbot_deliveries",
    "Provider answers to outbox sends, by channel and outcome (sent, retry, failed, unknown).",
    ["channel", "outcome"],
)
JOB_RUNS = Counter("parentbot_job_runs", "Scheduled job runs that did their work, by job.", ["job"])
WAITING_OUTBOX = ("pending", "claimed")


@contextmanager
def turn_observed(inbound_id: int) -> Iterator[None]:
    """Time a turn, with its inbound id bound to every log line written meanwhile."""
    with structlog.contextvars.bound_contextvars(turn=inbound_id), TURN_SECONDS.time():
        yield


def oldest_waiting(session: Session) -> tuple[int, datetime | None]:
    """Kept messages whose turn has not run: how many, and when the oldest arrived."""
    count, oldest = session.execute(
        select(func.count(InboundLog.id), func.min(InboundLog.received_at)).where(
            InboundLog.status == "received"
        )
    ).one()
    return int(count), oldest


class QueueCollector(Collector):
    """The inbound queue (messages waiting for their turn) and the outbox (rows waiting to be
    sent): depth and the age of the oldest, read at each scrape."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def collect(self) -> Iterable[GaugeMetricFamily]:
        """Four gauges; none when the database cannot be read (the scrape still answers)."""
        try:
            with self._sessions() as session:
                inbound, inbound_oldest = oldest_waiting(session)
                outbox, outbox_oldest = session.execute(
                    select(func.count(Outbox.id), func.min(Outbox.created_at)).where(
                        Outbox.status.in_(WAITING_OUTBOX)
                    )
                ).one()
        except Exception:  # the database is away: /readyz says so; metrics stay scrapeable
            return []
        now = self._clock()
        return [
            _gauge("parentbot_inbound_queue_depth", "Kept messages waiting for a turn.", inbound),
            _gauge(
                "parentbot_inbound_queue_oldest_seconds",
                "Age of the oldest kept message waiting for a turn (0 when none).",
                _age(now, inbound_oldest),
            ),
            _gauge("parentbot_outbox_queue_depth", "Outbox rows waiting to be sent.", outbox),
            _gauge(
                "parentbot_outbox_queue_oldest_seconds",
                "Age of the oldest outbox row waiting to be sent (0 when none).",
                _age(now, outbox_oldest),
            ),
        ]


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _age(now: datetime, then: datetime | None) -> float:
    """Seconds since `then` (naive values are UTC, as SQLite returns them); 0 for None."""
    if then is None:
        return 0.0
    if then.tzinfo is None:
        now = now.replace(tzinfo=None)
    return max(0.0, (now - then).total_seconds())
