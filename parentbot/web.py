"""The FastAPI app: health check, the demo web chat, and the configured channel webhooks."""

from __future__ import annotations

from fastapi import FastAPI, Response

from bot.engine import Engine
from bot.nlu import warm_up
from parentbot import setup
from parentbot.config import AppConfig
from parentbot.wiring import webhook_routers


def create_app(*, demo: bool | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app around an engine (made from the environment when not given)."""
    config = AppConfig.from_env()
    if engine is None:
        sessions = setup.open_database(config.database_url, migrate=False)
        engine = Engine(sessions, setup.find_setting_id(sessions, config.setting_slug))
    warm_up()  # load language resources now, not on the first parent's message
    engine.knowledge.warm(engine.sessions, engine.setting_id)
    app = FastAPI(title="parentbot", docs_url=None, redoc_url=None)

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def ready(response: Response) -> dict[str, str]:
        """503 until the policy index is built: before that, a first question waits for it."""
        if engine.knowledge.ready(engine.setting_id):
            return {"status": "ready"}
        response.status_code = 503
        return {"status": "warming up"}

    for router in webhook_routers(engine):
        app.include_router(router)
    if config.demo if demo is None else demo:
        from channels import webchat

        app.include_router(webchat.build_router(engine))
    return app
