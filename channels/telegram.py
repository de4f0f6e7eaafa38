"""Telegram: a secret-checked webhook, inline keyboards, contact linking, the real PTB `Bot`.

Updates are parsed here (pure) and handed to the core once (the core dedupes on update_id);
replies leave through the outbox and `TelegramSender`, as the renderer shows them (buttons as an
inline keyboard). /start, a shared contact and /link CODE go to the core's linking
(`CoreService.answer_linking`: the inbound row, the link and the answer in one transaction, so a
replayed update does nothing twice).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import httpx
from fastapi import APIRouter, BackgroundTasks, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.outbound.channel import OPTED_OUT, POLL_KIND, RateLimit, SendResult, SendStatus
from bot.outbound.render import Rendered, render
from bot.outbound.sms_text import split_text
from bot.service import CONTACT_REQUEST, CoreService, LinkRequest
from bot.types import ChannelCapabilities, Choice, OutboundMessage, Reply
from channels.limits import TELEGRAM_BODY_LIMIT
from channels.telegram_update import CALLBACK_DATA_LIMIT, TelegramUpdate, parse_update

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query", "poll_answer")
POLL_OPTIONS, POLL_QUESTION = 10, 300  # sendPoll: at most 10 options, a 300-character question
CAPABILITIES = ChannelCapabilities(max_text_length=4096, max_buttons=10, max_button_label=64)


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    """Bot token, webhook secret and public URL; `api_base_url` points PTB at a fake in tests."""

    token: str
    webhook_secret: str
    public_base_url: str
    api_base_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TelegramConfig:
        """TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, PUBLIC_BASE_URL, TELEGRAM_API_BASE_URL."""
        env = os.environ if env is None else env
        return cls(
            token=env["TELEGRAM_BOT_TOKEN"],
            webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            public_base_url=env.get("PUBLIC_BASE_URL", "").rstrip("/"),
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
        )


def make_bot(config: TelegramConfig, pool_size: int = 32) -> Bot:
    """The real PTB Bot; a pool of connections so paced sends can overlap."""
    request = HTTPXRequest(connection_pool_size=pool_size)
    if config.api_base_url:
        return Bot(config.token, base_url=config.api_base_url, request=request)
    return Bot(config.token, request=request)


def secret_ok(given: str | None, expected: str) -> bool:
    """Constant-time check of the webhook secret header; no secret configured accepts nothing."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def link_request(update: TelegramUpdate) -> LinkRequest:
    """A linking command for the core, in the language the person's Telegram app uses: they are
    not on the roster yet, so that is the only hint."""
    language = update.inbound.raw.get("language_code")
    command = update.command or ""
    return LinkRequest(command, update.argument, language if isinstance(language, str) else "")


async def dispatch(core: CoreService, data: object) -> str | None:
    """Parse and handle one Update; the callback query id to answer, if one was handled."""
    update = parse_update(data)
    if update is None:
        return None
    if update.command is None:
        taken = await asyncio.wrap_future(core.submit(update.inbound))
    else:
        taken = await run_in_threadpool(core.answer_linking, update.inbound, link_request(update))
    return update.callback_query_id if taken else None


async def answer_callback(bot: Bot, callback_query_id: str) -> None:
    """Stop the client's spinner; a failure here only costs the spinner."""
    try:
        await bot.answer_callback_query(callback_query_id)
    except TelegramError as exc:
        log.warning("answerCallbackQuery failed: %s", exc)


def build_router(core: CoreService, config: TelegramConfig) -> APIRouter:
    """POST /telegram/webhook, checked against the secret header before anything is read."""
    router = APIRouter(max_body_size=TELEGRAM_BODY_LIMIT)
    bots: list[Bot] = []  # made on first use, inside the server's event loop

    @router.post(WEBHOOK_PATH)
    async def telegram_webhook(request: Request, background: BackgroundTasks) -> Response:
        if not secret_ok(request.headers.get(SECRET_HEADER), config.webhook_secret):
            raise HTTPException(status_code=403, detail="invalid secret")
        try:
            data = json.loads(await request.body())
        except (ValueError, RecursionError) as exc:  # too deeply nested: RecursionError
            raise HTTPException(status_code=400, detail="not JSON") from exc
        query_id = await dispatch(core, data)
        if query_id:
            bots[:] = bots or [make_bot(config, pool_size=4)]
            background.add_task(answer_callback, bots[0], query_id)
        return Response(status_code=200)

    return router


async def set_webhook(config: TelegramConfig, bot: Bot | None = None) -> bool:
    """Register PUBLIC_BASE_URL/telegram/webhook with its secret (CLI: telegram set-webhook)."""
    if not config.webhook_secret or not config.public_base_url:
        raise ValueError("set TELEGRAM_WEBHOOK_SECRET and PUBLIC_BASE_URL (https) first")
    bot = bot or make_bot(config, pool_size=1)
    async with bot:
        return await bot.set_webhook(
            url=config.public_base_url + WEBHOOK_PATH,
            secret_token=config.webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
        )


async def run_polling(core: CoreService, config: TelegramConfig, stop: asyncio.Event) -> None:
    """Development mode without a public URL: long-poll getUpdates until `stop` is set.

    Replies still leave through the outbox, so run the delivery worker alongside.
    """
    async with make_bot(config, pool_size=2) as bot:
        await bot.delete_webhook()
        offset = 0
        while not stop.is_set():
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=10, allowed_updates=list(ALLOWED_UPDATES)
                )
            except TelegramError as exc:
                log.warning("getUpdates failed: %s", exc)
                await asyncio.sleep(2)
                continue
            for raw in updates:
                offset = max(offset, raw.update_id + 1)
                query_id = await dispatch(core, raw.to_dict())
                if query_id:
                    await answer_callback(bot, query_id)


def callback_data(choice: Choice, number: int) -> str:
    """The choice id as callback_data; "#N" when the id exceeds Telegram's 64 bytes."""
    return choice.id if len(choice.id.encode()) <= CALLBACK_DATA_LIMIT else f"#{number}"


def reply_markup(shown: Rendered, kind: str) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    """Buttons as an inline keyboard, one per row; a contact request's as a request_contact key."""
    buttons = shown.buttons
    if not buttons:
        return None
    if kind == CONTACT_REQUEST:
        button = KeyboardButton(buttons[0].label, request_contact=True)
        return ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(c.label, callback_data=callback_data(c, n))]
            for n, c in enumerate(buttons, 1)
        ]
    )


def send_outcome(exc: TelegramError) -> SendResult:
    """A Bot API error as a SendResult: 429 and refused connections retry; ambiguity is UNKNOWN."""
    if isinstance(exc, RetryAfter):
        return SendResult(SendStatus.RETRY, retry_after=_seconds(exc), error="telegram 429")
    if isinstance(exc, Forbidden):  # the user blocked the bot
        return SendResult(SendStatus.FAILED, error=OPTED_OUT)
    if isinstance(exc, BadRequest):
        return SendResult(SendStatus.FAILED, error=f"telegram: {exc.message}")
    if isinstance(exc, NetworkError):
        not_sent = isinstance(
            exc.__cause__, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
        )
        status = SendStatus.RETRY if not_sent else SendStatus.UNKNOWN
        return SendResult(status, error=f"telegram network: {exc.message}")
    return SendResult(SendStatus.FAILED, error=f"telegram: {exc.message}")


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns about int retry_after; both forms handled
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends outbox rows with the real PTB Bot: split at 4,096, keyboard on the last part."""

    capabilities = CAPABILITIES
    # Telegram allows about 30/s overall and 1/s per chat; pacing at exactly 30/s lets network
    # jitter push a 31st message into some one-second window, so keep a small margin.
    rate_limit = RateLimit(per_second=29.5, per_recipient_per_second=1)

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send every part once; a failure after a part went out is UNKNOWN (no resend)."""
        if message.kind == POLL_KIND and _fits_poll(message.reply):
            return await self._send_poll(message)
        shown = render(message.reply, self.capabilities)
        parts = split_text(shown.body, self.capabilities.max_text_length)
        markup = reply_markup(shown, message.kind)
        sent: list[str] = []
        for number, part in enumerate(parts, 1):
            try:
                result = await self._bot.send_message(
                    chat_id=int(message.recipient_id),
                    text=part,
                    reply_markup=markup if number == len(parts) else None,
                )
            except TelegramError as exc:
                outcome = send_outcome(exc)
                if not sent:
                    return outcome
                return SendResult(
                    SendStatus.UNKNOWN, error=f"{len(sent)}/{len(parts)} sent: {outcome.error}"
                )
            sent.append(str(result.message_id))
        return SendResult(SendStatus.SENT, provider_message_id=f"{message.recipient_id}:{sent[-1]}")

    async def _send_poll(self, message: OutboundMessage) -> SendResult:
        """A native non-anonymous poll allowing several answers; its votes come back as
        `poll_answer` updates (channels/telegram_update.py)."""
        text = message.reply.text
        try:
            result = await self._bot.send_poll(
                chat_id=int(message.recipient_id),
                question=text if len(text) <= POLL_QUESTION else text[: POLL_QUESTION - 3] + "...",
                options=[choice.label for choice in message.reply.choices],
                is_anonymous=False,
                allows_multiple_answers=True,
            )
        except TelegramError as exc:
            return send_outcome(exc)
        return SendResult(
            SendStatus.SENT, provider_message_id=f"{message.recipient_id}:{result.message_id}"
        )


def _fits_poll(reply: Reply) -> bool:
    """Whether Telegram takes the reply's choices as a poll's options (2-10, 100 characters)."""
    labels = [choice.label for choice in reply.choices]
    return 2 <= len(labels) <= POLL_OPTIONS and all(0 < len(label) <= 100 for label in labels)
