"""A parents' evening poll on Telegram: sent as a native non-anonymous multi-answer poll, its
votes (`poll_answer` updates) answered through the same exactly-once inbound path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.db.models import InboundLog, Outbox, PollAnswer
from bot.outbound.channel import POLL_KIND, SendStatus
from bot.types import Choice, OutboundMessage, Reply
from channels.telegram import TelegramConfig, TelegramSender, make_bot
from channels.telegram_update import parse_update
from tests.channels.support import SARAH
from tests.channels.test_telegram_webhook import USER, contact_update, send
from tests.core.helpers import say
from tests.fakes.telegram_api import FakeBotApi

if TYPE_CHECKING:
    from bot.pipeline.engine import Engine

PRIYA = "+447700900001"
COMMAND = "parents evening Tue 8 Dec, Wed 9 Dec 15:30-19:00 10 min by Fri 4 Dec"


def vote(update_id: int, options: list[int]) -> dict[str, Any]:
    answer = {"poll_id": "poll-1", "user": USER, "option_ids": options}
    return {"update_id": update_id, "poll_answer": answer}


def test_a_poll_answer_is_the_numbered_answer_and_a_retracted_vote_is_ignored() -> None:
    update = parse_update(vote(7, [2, 0]))
    assert update is not None and update.inbound.text == "1 3"
    assert update.inbound.provider_message_id == "7" and update.inbound.sender_id == "555"
    assert parse_update(vote(8, [])) is None
    assert parse_update(vote(9, [True])) is None  # type: ignore[list-item]


async def test_the_poll_goes_as_a_native_multi_answer_poll(
    telegram_config: TelegramConfig, fake_bot_api: FakeBotApi
) -> None:
    choices = tuple(Choice(f"evening:pref:1:{n}", f"Tue 8 Dec slot {n}") for n in range(1, 11))
    message = OutboundMessage(
        1, "telegram", "555", Reply("Which times suit you?", choices), POLL_KIND
    )
    bot: Bot
    async with make_bot(telegram_config) as bot:
        result = await TelegramSender(bot).send(message)
    assert result.status is SendStatus.SENT
    [call] = fake_bot_api.sent("sendPoll")
    assert call.params["question"] == "Which times suit you?"
    assert call.params["is_anonymous"] is False
    assert call.params["allows_multiple_answers"] is True
    assert len(call.params["options"]) == 10


def test_a_poll_answer_delivered_twice_counts_once(
    client: TestClient,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    engine: Engine,
) -> None:
    send(client, telegram_config, contact_update(10, SARAH))  # Sarah on Telegram
    say(engine, PRIYA, COMMAND)
    say(engine, PRIYA, "", choice_id="evening:send:1")
    with sessions() as session:
        row = session.scalars(
            select(Outbox).where(Outbox.channel == "telegram", Outbox.kind == POLL_KIND)
        ).one()
        assert len(row.choices) == 10
    assert send(client, telegram_config, vote(20, [0, 2])) == 200
    assert send(client, telegram_config, vote(20, [0, 2])) == 200
    with sessions() as session:
        logged = session.scalars(select(InboundLog).where(InboundLog.provider_message_id == "20"))
        assert logged.one().text == "1 3"
        assert session.scalar(select(func.count()).select_from(PollAnswer)) == 2
    send(client, telegram_config, vote(21, [1]))  # a new vote replaces the answer
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PollAnswer)) == 1
