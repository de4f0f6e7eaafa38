"""Many web workers, one parent: dedupe and the per-conversation lock hold under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, InboundLog, Outbox
from bot.pipeline.engine import Engine
from tests.core.helpers import inbound


def test_the_same_webhook_delivered_to_eight_workers_at_once_is_handled_once(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    message = inbound("Maya's off today, temperature", "SMrace")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: engine.receive(message), range(8)))
    assert sum(result is not None for result in results) == 1
    with sessions() as session:
        assert session.scalar(select(func.count(InboundLog.id))) == 1
        assert session.scalar(select(func.count(Absence.id))) == 1
        assert session.scalar(select(func.count(Outbox.id)).where(Outbox.kind == "reply")) == 1


def test_concurrent_messages_from_one_parent_are_all_handled_in_turn(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    texts = [f"Maya's off on {day}" for day in ("Tuesday", "Wednesday", "Thursday", "Friday")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda pair: engine.receive(inbound(*pair)),
                [(text, f"SM{n}") for n, text in enumerate(texts)],
            )
        )
    assert all(result is not None and result.records for result in results)
    with sessions() as session:
        starts = sorted(a.start.isoformat() for a in session.scalars(select(Absence)))
        failed = session.scalar(
            select(func.count(InboundLog.id)).where(InboundLog.status == "failed")
        )
    assert starts == ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
    assert failed == 0
