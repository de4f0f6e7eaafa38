"""Telegram rendering and sending with the real PTB Bot against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.outbound.channel import SendStatus
from bot.outbound.sms_text import split_text
from bot.types import Choice, OutboundMessage, Reply
from channels.telegram import (
    CONTACT_REQUEST,
    TelegramConfig,
    TelegramSender,
    make_bot,
    set_webhook,
)
from channels.telegram_update import normalise_phone, parse_update
from tests.fakes.telegram_api import FakeBotApi


@pytest.fixture
async def bot(telegram_config: TelegramConfig) -> AsyncIterator[Bot]:
    async with make_bot(telegram_config) as ptb_bot:
        yield ptb_bot


def outbound(text: str, choices: tuple[Choice, ...] = (), kind: str = "reply") -> OutboundMessage:
    return OutboundMessage(7, "telegram", "555", Reply(text, choices), kind=kind)


async def test_choices_become_an_inline_keyboard(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    long_id = "meeting:" + "x" * 80  # beyond 64 bytes: sent as its number instead
    choices = (Choice("absence:yes", "Yes, all day"), Choice(long_id, "Another time"))
    result = await TelegramSender(bot).send(outbound("Is Maya off today?", choices))
    assert result.status is SendStatus.SENT and result.provider_message_id == "555:1"
    [call] = fake_bot_api.sent()
    assert call.params["chat_id"] == 555 and call.params["text"] == "Is Maya off today?"
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [[button["callback_data"] for button in row] for row in keyboard] == [
        ["absence:yes"],
        ["#2"],
    ]


async def test_more_choices_than_a_keyboard_holds_go_as_a_numbered_list(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    days = tuple(Choice(f"date:2026-11-{day}", f"Day {day}") for day in range(10, 21))  # 11
    await TelegramSender(bot).send(outbound("Which day?", days))
    [call] = fake_bot_api.sent()
    assert call.params["text"].startswith("Which day?\n1. Day 10\n2. Day 11\n")
    assert call.params["text"].endswith("\n11. Day 20")
    assert "reply_markup" not in call.params


async def test_contact_request_uses_a_request_contact_key(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    choice = (Choice("share_contact", "Share my phone number"),)
    await TelegramSender(bot).send(outbound("Please share", choice, kind=CONTACT_REQUEST))
    markup = fake_bot_api.sent()[0].params["reply_markup"]
    assert markup["keyboard"][0][0] == {"text": "Share my phone number", "request_contact": True}
    assert markup["one_time_keyboard"] is True


async def test_long_text_is_split_with_the_keyboard_on_the_last_part(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    text = "This sentence is about the nursery's sickness policy. " * 150  # ~8,000 chars
    await TelegramSender(bot).send(outbound(text, (Choice("ok", "OK"),)))
    parts = fake_bot_api.sent()
    assert len(parts) == 2
    assert all(len(call.params["text"]) <= 4096 for call in parts)
    assert parts[0].params["text"].endswith("policy.")
    assert "reply_markup" not in parts[0].params and "reply_markup" in parts[1].params


async def test_429_returns_retry_with_retry_after(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.fail_fraction, fake_bot_api.retry_after = 1.0, 3
    result = await TelegramSender(bot).send(outbound("Hello"))
    assert (result.status, result.retry_after) == (SendStatus.RETRY, 3.0)


async def test_a_blocked_bot_counts_as_opted_out(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.blocked_chats.add(555)
    result = await TelegramSender(bot).send(outbound("Hello"))
    assert (result.status, result.error) == (SendStatus.FAILED, "opted_out")


async def test_a_read_timeout_is_ambiguous_not_retried(
    telegram_config: TelegramConfig, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.delay_seconds = 1.0
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(telegram_config.token, base_url=fake_bot_api.base_url, request=request) as slow:
        result = await TelegramSender(slow).send(outbound("Hello"))
    assert result.status is SendStatus.UNKNOWN  # it may have been delivered: never resend


async def test_unreachable_api_is_a_retry(telegram_config: TelegramConfig) -> None:
    config = TelegramConfig("1:X", "s", "https://x", api_base_url="http://127.0.0.1:9/bot{token}/")
    result = await TelegramSender(make_bot(config)).send(outbound("Hello"))
    assert result.status is SendStatus.RETRY


async def test_fake_caps_sends_at_30_per_second() -> None:
    with FakeBotApi(cap_per_second=30) as api:
        config = TelegramConfig("1:X", "s", "https://x", api_base_url=api.base_url)
        async with make_bot(config) as ptb_bot:
            sender = TelegramSender(ptb_bot)
            results = [await sender.send(outbound(f"m{n}")) for n in range(35)]
    assert sum(result.status is SendStatus.RETRY for result in results) == 5


async def test_set_webhook_registers_url_and_secret(
    telegram_config: TelegramConfig, fake_bot_api: FakeBotApi
) -> None:
    assert await set_webhook(telegram_config)
    [call] = [call for call in fake_bot_api.calls if call.method == "setWebhook"]
    assert call.params["url"] == "https://nursery.example.org/telegram/webhook"
    assert call.params["secret_token"] == telegram_config.webhook_secret
    assert call.params["allowed_updates"] == ["message", "callback_query", "poll_answer"]


def test_split_prefers_sentence_ends() -> None:
    text = "First sentence here. " * 10
    parts = split_text(text, limit=50)
    assert all(len(part) <= 50 for part in parts)
    assert all(part.endswith("here.") for part in parts)
    assert " ".join(parts) == text.strip()


@given(st.text(min_size=1, max_size=3000))
def test_split_keeps_every_character_within_the_limit(text: str) -> None:
    parts = split_text(text, limit=200)
    assert all(len(part.encode("utf-16-le")) // 2 <= 200 for part in parts)
    squeeze = "".join(text.split())
    assert "".join("".join(parts).split()) == squeeze


def test_shared_contact_counts_only_when_it_is_the_senders_own() -> None:
    def contact_update(contact_user: int) -> dict[str, object]:
        return {
            "update_id": 9,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 555, "type": "private"},
                "from": {"id": 555, "is_bot": False, "first_name": "Sarah"},
                "contact": {
                    "phone_number": "447700900101",
                    "first_name": "Sarah",
                    "user_id": contact_user,
                },
            },
        }

    own = parse_update(contact_update(555))
    forwarded = parse_update(contact_update(777))
    assert own and own.command == "contact" and own.inbound.contact_phone == "+447700900101"
    assert forwarded and forwarded.command == "foreign_contact"
    assert forwarded.inbound.contact_phone is None


def test_phone_numbers_normalise_to_e164() -> None:
    assert normalise_phone("447700900101") == "+447700900101"
    assert normalise_phone("+44 7700 900101") == "+447700900101"
    assert normalise_phone("07700 900101") == "+447700900101"
    assert normalise_phone("not a phone") is None


def test_group_chats_and_bots_are_ignored() -> None:
    base = {"message_id": 1, "date": 0, "text": "hi"}
    group = {**base, "chat": {"id": -5, "type": "group"}, "from": {"id": 1, "is_bot": False}}
    bot_sender = {**base, "chat": {"id": 2, "type": "private"}, "from": {"id": 2, "is_bot": True}}
    assert parse_update({"update_id": 1, "message": group}) is None
    assert parse_update({"update_id": 2, "message": bot_sender}) is None
    assert parse_update({"update_id": 3, "edited_message": base}) is None


async def test_the_fake_answers_polls(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    sent = await bot.send_poll(555, "Which evening suits you?", ["Tuesday", "Wednesday"])
    assert sent.poll is not None and [o.text for o in sent.poll.options] == ["Tuesday", "Wednesday"]
    assert fake_bot_api.sent("sendPoll")[0].params["question"] == "Which evening suits you?"
