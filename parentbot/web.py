"""The FastAPI app: health and readiness checks, metrics, the demo web chat, and the configured
channel webhooks (parentbot/wiring.py)."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError

from bot.db.session import transaction
from bot.meetings.ics import invitation
from bot.pipeline.engine import Engine
from bot.service import CoreService
from parentbot import dashboard, observe, setup
from parentbot.config import AppConfig, refuse_unsafe_demo
from parentbot.wiring import reach, webhook_routers


def create_app(*, demo: bool | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app around an engine (made from the environment when not given).

    Demo mode (the web chat, its API schema and docs) refuses to start unless it is safe here:
    ConfigError (see `refuse_unsafe_demo`)."""
    config = AppConfig.from_env()
    demo_chat = config.demo if demo is None else demo
    if demo_chat:
        refuse_unsafe_demo(config.host)
    if engine is None:
        sessions = setup.open_database(config.database_url, migrate=False)
        setting_id = setup.find_setting_id(sessions, config.setting_slug)
        engine = Engine(
            sessions, setting_id, queue_turns=config.queue_turns, reach=reach(demo_chat)
        )
    answers_here = demo_chat or not engine.queue_turns  # the web chat's turns run here too
    if answers_here:
        engine.warm()
    app = FastAPI(
        title="parentbot",
        openapi_url="/openapi.json" if demo_chat else None,
        docs_url="/docs" if demo_chat else None,
        redoc_url=None,
    )

    _operations_routes(app, engine, answers_here)
    _meeting_routes(app, engine)
    app.add_middleware(observe.RequestIds)
    app.add_exception_handler(RequestValidationError, invalid_request)
    for router in webhook_routers(CoreService(engine), demo_chat):
        app.include_router(router)
    app.mount(dashboard.PREFIX, dashboard.build_app(engine, demo=demo_chat))
    return app


def _operations_routes(app: FastAPI, engine: Engine, answers_here: bool) -> None:
    """Liveness, readiness and Prometheus metrics, for the platform that runs the app."""
    queue_age_limit = observe.queue_age_limit()

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def ready(response: Response) -> dict[str, str]:
        """503 while the database is unreachable, while the oldest kept message has waited for
        its turn past PARENTBOT_READY_MAX_QUEUE_AGE_SECONDS, and until the policy index is
        built when turns run here (before that, a first question waits for it)."""
        problem = observe.unready_because(engine.sessions, queue_age_limit)
        if problem is None and answers_here and not engine.knowledge.ready(engine.setting_id):
            problem = "warming up"
        if problem is None:
            return {"status": "ready"}
        response.status_code = 503
        return {"status": problem}

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        """Prometheus metrics (bot/metrics.py): turns, deliveries, job runs, the queues."""
        body, content_type = observe.metrics_text(engine.sessions)
        return Response(body, media_type=content_type)


def _meeting_routes(app: FastAPI, engine: Engine) -> None:
    """What parents open from a message: a booked meeting's calendar invitation."""

    @app.get("/meetings/{token}.ics")
    def meeting_invitation(token: str) -> Response:
        """A booked meeting's calendar invitation, at its unguessable link (else 404)."""
        with transaction(engine.sessions) as session:
            body = invitation(session, engine.setting_id, token)
        if body is None:
            return Response(status_code=404)
        return Response(body, media_type="text/calendar; charset=utf-8")


async def invalid_request(request: Request, error: Exception) -> Response:
    """422 as FastAPI answers it, but written in ASCII: the input it quotes may hold a lone
    surrogate (JSON's "\\ud800"), which no UTF-8 answer can carry (that was a 500)."""
    assert isinstance(error, RequestValidationError)
    detail = json.dumps(jsonable_encoder({"detail": error.errors()}), ensure_ascii=True)
    return Response(detail, status_code=422, media_type="application/json")
