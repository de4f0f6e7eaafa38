"""Telegram Update JSON as the core's InboundMessage, every shape checked before it is relied on.

An Update parentbot does not understand (another kind of update, a group chat, a bot) or one no
Telegram server sends (a wrong type, a missing key, an id too long for any account) parses to None:
the webhook answers 200 and logs why, so Telegram does not retry it. A text longer than Telegram's
4,096 characters is kept cut to that length (see `channels.limits.clean_text`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.service import phone_e164
from bot.types import InboundMessage
from channels.limits import TELEGRAM_TEXT_LIMIT, clean_text

log = logging.getLogger(__name__)


CALLBACK_DATA_LIMIT = 64  # bytes
ID_LIMIT = 2**63  # Telegram's ids are 64-bit integers (user ids use 52 bits)
NUMBERED_CHOICE = re.compile(r"#([0-9]{1,3})")  # callback_data for a choice id over 64 bytes
COMMAND = re.compile(r"/(start|link)(?:@\w+)?(?:\s+(.*))?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TelegramUpdate:
    """One parsed Update: the message for the core, and what the adapter must do itself."""

    inbound: InboundMessage
    command: str | None = None  # "start", "link", "contact", "foreign_contact"
    argument: str = ""
    callback_query_id: str | None = None


class Ignored(ValueError):
    """An Update parentbot does not act on; the message says why (for the log)."""


def parse_update(data: object) -> TelegramUpdate | None:
    """An Update as the core's InboundMessage, or None (logged) for updates parentbot ignores."""
    try:
        return _parse(data)
    except Ignored as reason:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        log.info("telegram update %.40r ignored: %s", update_id, reason)
        return None


def _parse(data: object) -> TelegramUpdate:
    update = _object(data, "the update")
    update_id = str(_identifier(update.get("update_id"), "update_id"))
    if "callback_query" in update:
        return _parse_callback(update_id, _object(update["callback_query"], "callback_query"))
    if "poll_answer" in update:
        return _parse_poll_answer(update_id, _object(update["poll_answer"], "poll_answer"))
    message = _object(update.get("message"), "message")
    sender = _sender(message.get("from"))
    chat = _object(message.get("chat", {}), "chat")
    if chat.get("type", "private") != "private":
        raise Ignored("not a private chat")
    text = _text(message, update_id)
    contact = message.get("contact")
    command, argument, contact_phone = _command(text, sender, contact)
    inbound = _inbound(update_id, sender, text, update, contact_phone=contact_phone)
    return TelegramUpdate(inbound, command, argument)


def _parse_callback(update_id: str, query: dict[str, Any]) -> TelegramUpdate:
    """A tapped inline button: its callback_data is the choice id ("#N" means answer N)."""
    query_id = query.get("id")
    if not isinstance(query_id, str) or not query_id or len(query_id) > 256:
        raise Ignored("callback_query without an id")
    sender = _sender(query.get("from"))
    payload = query.get("data", "")
    if not isinstance(payload, str) or not _ours(payload):
        raise Ignored("callback_data that no button of ours carries")
    numbered = NUMBERED_CHOICE.fullmatch(payload)
    number = numbered.group(1) if numbered else None
    label = button_label(query.get("message"), payload)
    text = clean_text(number or label, TELEGRAM_TEXT_LIMIT, f"telegram update {update_id}")
    inbound = _inbound(
        update_id,
        sender,
        text,
        {"callback_query": query},
        choice_id=None if number else payload,
    )
    return TelegramUpdate(inbound, callback_query_id=query_id)


def _parse_poll_answer(update_id: str, answer: dict[str, Any]) -> TelegramUpdate:
    """A vote in a native poll the bot sent (a parents' evening's): the options chosen as the
    numbered answer "1 3" (option ids count from 0, our numbers from 1), which the pending poll
    reads like an SMS answer. A retracted vote (no options) is ignored."""
    sender = _sender(answer.get("user"))
    options = answer.get("option_ids")
    if not isinstance(options, list) or not options:
        raise Ignored("poll_answer without options (a vote retracted)")
    if not all(isinstance(o, int) and not isinstance(o, bool) and 0 <= o < 12 for o in options):
        raise Ignored("poll_answer option_ids are not poll options")
    text = " ".join(str(option + 1) for option in sorted(set(options)))
    return TelegramUpdate(_inbound(update_id, sender, text, {"poll_answer": answer}))


def _ours(payload: str) -> bool:
    """Whether callback_data could be one of ours: at most 64 bytes of UTF-8, no NUL."""
    try:
        return len(payload.encode()) <= CALLBACK_DATA_LIMIT and "\x00" not in payload
    except UnicodeEncodeError:  # a lone surrogate
        return False


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Ignored(f"{what} is not an object")
    return value


def _identifier(value: object, what: str) -> int:
    """A Telegram id: an integer (never a bool) that fits 64 bits."""
    if isinstance(value, bool) or not isinstance(value, int) or not -ID_LIMIT < value < ID_LIMIT:
        raise Ignored(f"{what} is not a Telegram id")
    return value


def _sender(value: object) -> dict[str, Any]:
    """The `from` object: a user with an id, and not a bot."""
    sender = _object(value, "from")
    _identifier(sender.get("id"), "from.id")
    if sender.get("is_bot") is True:
        raise Ignored("sent by a bot")
    return sender


def _optional_text(container: Mapping[str, Any], key: str) -> str:
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Ignored(f"{key} is not text")
    return value


def _text(message: Mapping[str, Any], update_id: str) -> str:
    """The message's text, else its caption, without NULs and cut to Telegram's limit."""
    text = _optional_text(message, "text") or _optional_text(message, "caption")
    return clean_text(text, TELEGRAM_TEXT_LIMIT, f"telegram update {update_id}")


def _command(
    text: str, sender: Mapping[str, Any], contact: object
) -> tuple[str | None, str, str | None]:
    """(command, argument, verified contact phone) for /start, /link CODE and shared contacts."""
    if contact is not None:
        card = _object(contact, "contact")
        if card.get("user_id") != sender["id"]:
            return "foreign_contact", "", None  # a forwarded card proves nothing
        return "contact", "", normalise_phone(_optional_text(card, "phone_number"))
    match = COMMAND.fullmatch(text.strip())
    if match is None:
        return None, "", None
    return match.group(1), (match.group(2) or "").strip(), None


def _inbound(
    update_id: str, sender: Mapping[str, Any], text: str, raw: Mapping[str, Any], **extra: Any
) -> InboundMessage:
    names = (sender.get("first_name"), sender.get("last_name"))
    name = " ".join(part for part in names if isinstance(part, str) and part)
    language = sender.get("language_code")
    return InboundMessage(
        channel="telegram",
        sender_id=str(sender["id"]),
        text=text,
        provider_message_id=update_id,
        received_at=datetime.now(UTC),
        display_name=name or None,
        raw={**raw, "language_code": language if isinstance(language, str) else None},
        **extra,
    )


def button_label(message: object, payload: str) -> str:
    """The label of the tapped button, from the message's own keyboard; else the payload."""
    markup = message.get("reply_markup") if isinstance(message, dict) else None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else ():
        for button in row if isinstance(row, list) else ():
            if not isinstance(button, dict) or button.get("callback_data") != payload:
                continue
            label = button.get("text")
            return label if isinstance(label, str) and label else payload
    return payload


def normalise_phone(value: str) -> str | None:
    """A shared contact's number as E.164 (Telegram often omits the "+"); None if unparseable."""
    digits = value.strip()
    try:
        return phone_e164(digits if digits.startswith(("+", "0")) else "+" + digits)
    except ValueError:
        return None
