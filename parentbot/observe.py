"""What a deployment sees of the processes: structured logs, Prometheus metrics, readiness.

Logs: structlog renders every line, the standard library's too (the core logs through
`logging`), as JSON in production and as readable coloured lines in development
(PARENTBOT_LOG_FORMAT=json|console; by default console when stderr is a terminal or in demo
mode, else JSON), with the request id (web) and the turn's inbound id bound while they run.
Metrics: bot/metrics.py; the web app serves /metrics, other processes on PARENTBOT_METRICS_PORT.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from datetime import timedelta
from typing import Any

import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    start_http_server,
)
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.db.models import utcnow
from bot.metrics import QueueCollector, oldest_waiting
from parentbot.config import ConfigError

REQUEST_ID = "X-Request-ID"
DEFAULT_QUEUE_AGE = timedelta(minutes=5)


def log_format(env: dict[str, str] | None = None) -> str:
    """`json` or `console`: PARENTBOT_LOG_FORMAT, else console on a terminal or in demo mode."""
    env = dict(os.environ) if env is None else env
    chosen = env.get("PARENTBOT_LOG_FORMAT", "").strip().lower()
    if chosen in ("json", "console"):
        return chosen
    if chosen:
        raise ConfigError(f"PARENTBOT_LOG_FORMAT must be json or console, not {chosen!r}")
    demo = env.get("PARENTBOT_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}
    return "console" if demo or sys.stderr.isatty() else "json"


def configure_logging(level: int = logging.INFO, chosen: str | None = None) -> None:
    """Every log line, structlog's and the standard library's, through one renderer on stderr."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if (chosen or log_format()) == "json"
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class RequestIds:
    """ASGI middleware: each HTTP request's id (the caller's X-Request-ID, else a new one) bound
    to every log line written while it is served, and returned in the answer's header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID.lower().encode(), b"").decode("latin-1")
        request_id = given[:64] or uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            await self.app(scope, receive, send_with_id)


def metrics_text(sessions: sessionmaker[Session]) -> tuple[bytes, str]:
    """The Prometheus exposition: this process's metrics (or, with PROMETHEUS_MULTIPROC_DIR,
    every process's on this host) and the queues read from the database."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    queues = CollectorRegistry()
    queues.register(QueueCollector(sessions))
    return body + generate_latest(queues), CONTENT_TYPE_LATEST


def serve_metrics(env: dict[str, str] | None = None) -> int | None:
    """A worker process's metrics on PARENTBOT_METRICS_PORT (a thread), when set; the port."""
    env = dict(os.environ) if env is None else env
    port = env.get("PARENTBOT_METRICS_PORT", "").strip()
    if not port:
        return None
    if not port.isdigit():
        raise ConfigError(f"PARENTBOT_METRICS_PORT must be a port number, not {port!r}")
    start_http_server(int(port), addr=env.get("PARENTBOT_METRICS_HOST", "127.0.0.1"))
    return int(port)


def queue_age_limit(env: dict[str, str] | None = None) -> timedelta:
    """PARENTBOT_READY_MAX_QUEUE_AGE_SECONDS (default 300): /readyz fails past it."""
    env = dict(os.environ) if env is None else env
    given = env.get("PARENTBOT_READY_MAX_QUEUE_AGE_SECONDS", "").strip()
    if not given:
        return DEFAULT_QUEUE_AGE
    try:
        seconds = float(given)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise ConfigError(
            f"PARENTBOT_READY_MAX_QUEUE_AGE_SECONDS must be a positive number, not {given!r}"
        )
    return timedelta(seconds=seconds)


def unready_because(sessions: sessionmaker[Session], limit: timedelta) -> str | None:
    """Why this deployment cannot answer parents now: the database is unreachable, or the oldest
    kept message has waited past `limit` for its turn (the turns processes are down or
    behind); None when neither."""
    try:
        with sessions() as session:
            _count, oldest = oldest_waiting(session)
    except Exception as error:
        return f"database unreachable: {type(error).__name__}"
    if oldest is None:
        return None
    now = utcnow() if oldest.tzinfo else utcnow().replace(tzinfo=None)
    waited = now - oldest
    if waited > limit:
        return f"queue stalled: the oldest message has waited {int(waited.total_seconds())} s"
    return None
