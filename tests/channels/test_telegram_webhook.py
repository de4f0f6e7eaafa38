"""The Telegram webhook with real Update JSON and the secret header, through a real Engine."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import ChannelIdentity, InboundLog, Outbox
from bot.db.session import transaction
from bot.pipeline.linking import issue_link_code
from bot.service import CoreService
from channels.telegram import (
    CONTACT_REQUEST,
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramConfig,
    run_polling,
)
from tests.channels.support import SARAH
from tests.fakes.telegram_api import FakeBotApi

if TYPE_CHECKING:
    from bot.pipeline.engine import Engine

USER = {"id": 555, "is_bot": False, "first_name": "Sarah", "language_code": "en"}


def message_update(update_id: int, text: str = "", **extra: Any) -> dict[str, Any]:
    message = {
        "message_id": update_id,
        "date": 1_763_800_000,
        "chat": {"id": 555, "type": "private", "first_name": "Sarah"},
        "from": USER,
        **({"text": text} if text else {}),
        **extra,
    }
    return {"update_id": update_id, "message": message}


def contact_update(update_id: int, phone: str, user_id: int = 555) -> dict[str, Any]:
    contact = {"phone_number": phone, "first_name": "Sarah", "user_id": user_id}
    return message_update(update_id, contact=contact)


def send(client: TestClient, config: TelegramConfig, update: dict[str, Any]) -> int:
    headers = {SECRET_HEADER: config.webhook_secret}
    return client.post(WEBHOOK_PATH, json=update, headers=headers).status_code


def outbox(sessions: sessionmaker[Session]) -> list[Outbox]:
    with sessions() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def identity(sessions: sessionmaker[Session]) -> ChannelIdentity | None:
    with sessions() as session:
        return session.scalar(select(ChannelIdentity).where(ChannelIdentity.channel == "telegram"))


def test_missing_or_wrong_secret_is_refused_and_nothing_stored(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    update = message_update(1, "hello")
    assert client.post(WEBHOOK_PATH, json=update).status_code == 403
    wrong = {SECRET_HEADER: "not-the-secret"}
    assert client.post(WEBHOOK_PATH, json=update, headers=wrong).status_code == 403
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(InboundLog)) == 0
    assert outbox(sessions) == []


def test_start_asks_for_the_contact_once_even_if_replayed(
    client: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    assert send(client, telegram_config, message_update(2, "/start")) == 200
    assert send(client, telegram_config, message_update(2, "/start")) == 200
    [row] = outbox(sessions)
    assert (row.kind, row.recipient_id, row.channel) == (CONTACT_REQUEST, "555", "telegram")
    assert row.choices == [{"id": "share_contact", "label": "Share my phone number"}]


def test_start_speaks_the_language_of_the_persons_telegram_app(
    client: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    update = message_update(2, "/start")
    update["message"]["from"] = {**USER, "language_code": "pl"}
    assert send(client, telegram_config, update) == 200
    [row] = outbox(sessions)
    assert row.text.startswith("Dzień dobry!")
    assert row.choices == [{"id": "share_contact", "label": "Udostępnij mój numer"}]


def test_own_contact_links_the_guardian(
    client: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    send(client, telegram_config, contact_update(3, SARAH.lstrip("+")))
    linked = identity(sessions)
    assert linked is not None and linked.guardian_id is not None
    assert "connected" in outbox(sessions)[-1].text
    send(client, telegram_config, message_update(4, "Maya is off sick today"))
    replies = [row.text for row in outbox(sessions)[1:]]
    assert replies and not any("only help parents and carers registered" in t for t in replies)


def test_someone_elses_contact_links_nobody(
    client: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    send(client, telegram_config, contact_update(5, SARAH, user_id=777))
    current = identity(sessions)
    assert current is None or current.guardian_id is None
    assert outbox(sessions)[-1].kind == CONTACT_REQUEST


def test_unknown_phone_is_not_linked(
    client: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    send(client, telegram_config, contact_update(6, "+447700900999"))
    current = identity(sessions)
    assert current is None or current.guardian_id is None
    assert "not on our records" in outbox(sessions)[-1].text


def test_a_one_time_code_links_once(
    client: TestClient,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    demo_setting: int,
) -> None:
    with transaction(sessions) as session:
        code = issue_link_code(session, demo_setting, guardian_id=1)
    send(client, telegram_config, message_update(7, f"/link {code.lower()}"))
    linked = identity(sessions)
    assert linked is not None and linked.guardian_id == 1
    other = {**USER, "id": 556}
    reused = message_update(8, f"/link {code}", chat={"id": 556, "type": "private"})
    reused["message"]["from"] = other
    send(client, telegram_config, reused)
    assert "not valid" in outbox(sessions)[-1].text


def test_a_deep_link_start_code_links(
    client: TestClient,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    demo_setting: int,
) -> None:
    with transaction(sessions) as session:
        code = issue_link_code(session, demo_setting, guardian_id=2)
    send(client, telegram_config, message_update(13, f"/start {code}"))  # t.me/<bot>?start=CODE
    linked = identity(sessions)
    assert linked is not None and linked.guardian_id == 2


def test_text_from_an_unlinked_user_gets_the_generic_answer(
    client: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    send(client, telegram_config, message_update(9, "Is Maya in today?"))
    rows = outbox(sessions)
    assert len(rows) == 1 and "0113 496 0123" in rows[0].text  # the public contact, no records
    again = send(client, telegram_config, message_update(9, "Is Maya in today?"))
    assert again == 200 and len(outbox(sessions)) == len(rows)


def test_callback_query_is_a_choice_and_is_answered(
    client: TestClient,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    fake_bot_api: FakeBotApi,
) -> None:
    send(client, telegram_config, contact_update(10, SARAH))
    keyboard = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
    query = {
        "id": "cbq-1",
        "from": USER,
        "chat_instance": "1",
        "data": "yes",
        "message": {**message_update(11, "Is Maya off?")["message"], "reply_markup": keyboard},
    }
    assert send(client, telegram_config, {"update_id": 12, "callback_query": query}) == 200
    assert send(client, telegram_config, {"update_id": 12, "callback_query": query}) == 200
    answered = [call for call in fake_bot_api.calls if call.method == "answerCallbackQuery"]
    assert [call.params["callback_query_id"] for call in answered] == ["cbq-1"]
    with sessions() as session:
        logged = session.scalars(select(InboundLog).where(InboundLog.provider_message_id == "12"))
        assert logged.one().text == "Yes"


async def test_polling_mode_handles_updates_like_the_webhook(
    engine: Engine,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    fake_bot_api: FakeBotApi,
) -> None:
    fake_bot_api.updates = [message_update(20, "/start")]
    stop = asyncio.Event()
    polling = asyncio.create_task(run_polling(CoreService(engine), telegram_config, stop))
    for _ in range(100):
        if outbox(sessions):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(polling, timeout=5)
    assert [row.kind for row in outbox(sessions)] == [CONTACT_REQUEST]
    methods = [call.method for call in fake_bot_api.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"] and "getUpdates" in methods
