"""Keeping webhooks' messages many to a transaction: each is acknowledged once it is committed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import InboundLog
from bot.pipeline.keeper import InboundKeeper
from bot.types import InboundMessage
from tests.core.helpers import inbound


def _message(message_id: str) -> InboundMessage:
    return inbound("What time do you open on Friday?", message_id)


def _kept(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        query = select(InboundLog.provider_message_id).order_by(InboundLog.id)
        return list(session.scalars(query))


def test_a_burst_of_webhooks_is_kept_and_each_is_acknowledged(
    sessions: sessionmaker[Session],
) -> None:
    keeper = InboundKeeper(sessions)
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda n: keeper.keep(_message(f"SM{n}")).result(5), range(80)))
    assert answers == [True] * 80
    assert sorted(_kept(sessions)) == sorted(f"SM{n}" for n in range(80))


def test_a_replay_in_the_same_burst_is_kept_once(sessions: sessionmaker[Session]) -> None:
    keeper = InboundKeeper(sessions)
    futures = [keeper.keep(_message("SMtwice")) for _ in range(2)]
    assert sorted(future.result(5) for future in futures) == [False, True]
    assert _kept(sessions) == ["SMtwice"]


def test_a_message_that_cannot_be_kept_does_not_refuse_the_others(
    sessions: sessionmaker[Session],
) -> None:
    keeper = InboundKeeper(sessions)
    broken = _message("SMbroken")
    object.__setattr__(broken, "provider_message_id", None)  # no id: the database refuses it
    futures = [keeper.keep(_message("SMa")), keeper.keep(broken), keeper.keep(_message("SMb"))]
    assert futures[0].result(5) and futures[2].result(5)
    with pytest.raises(IntegrityError):
        futures[1].result(5)
    assert sorted(_kept(sessions)) == ["SMa", "SMb"]
    with sessions() as session:
        assert session.scalar(select(func.count(InboundLog.id))) == 2
