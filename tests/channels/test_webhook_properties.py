"""Generated webhooks, each with a valid secret or signature: never a 5xx, and every well-formed
message kept exactly once.

On SQLite only: what they prove is in the parsing, the same on both backends; what only
PostgreSQL refuses (a NUL, a value longer than its column) has targeted tests in
test_webhook_bad_input.py that run on both.

Hypothesis draws Telegram Updates and Twilio forms, well-formed and mutated (wrong types, missing
keys, deep nesting, huge numbers, odd unicode, raw bytes), 10,000 per webhook (Telegram, SMS,
WhatsApp; the two status routes share one handler and its 10,000), derandomized so every run
sends the same ones. Turns are queued (`PARENTBOT_TURNS=queued`), so each request costs
what the web process does in production: verify, parse, keep.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.db.models import InboundLog, Outbox
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from channels.limits import TELEGRAM_TEXT_LIMIT, TWILIO_TEXT_LIMIT
from channels.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramConfig
from channels.twilio_common import TwilioConfig
from tests.channels.support import PUBLIC, SARAH, sent_sms

pytestmark = [
    pytest.mark.properties,
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),  # see the docstring
]
EXAMPLES = 10_000
GENERATED = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same payloads on every run: CI stays stable
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
FRESH_IDS = itertools.count(10**12)  # well-formed messages get ids no mutated one can have

# JSON values of every kind, as a mutation puts them anywhere in an Update.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**18, max_value=10**300)
    | st.floats()
    | st.text()
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
ODD_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from("\x00\u200f\u202e\ufeff\U0001f600\u0301"),
    max_size=60,
)
TEXTS = ODD_TEXT | st.builds(
    lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(4_000, 5_000)
)


@pytest.fixture
def queued(engine: Engine) -> Engine:
    engine.queue_turns = True  # as the Procfile runs the web process
    return engine


@pytest.fixture
def lenient(app: FastAPI, queued: Engine) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def kept(sessions: sessionmaker[Session], channel: str, message_id: str) -> list[str]:
    with sessions() as session:
        rows = session.scalars(
            select(InboundLog.text).where(
                InboundLog.channel == channel, InboundLog.provider_message_id == message_id
            )
        )
        return list(rows)


# --- Telegram ------------------------------------------------------------------------------


def _user(user_id: int, first_name: str, language: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language}


USERS = st.builds(
    _user, st.integers(1, 2**52), ODD_TEXT, st.sampled_from(["en", "pl", "ur", "xx", ""])
)


@st.composite
def message_updates(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(USERS)
    message: dict[str, Any] = {
        "message_id": draw(st.integers(1, 2**31)),
        "date": draw(st.integers(0, 2**32)),
        "chat": {"id": user["id"], "type": "private"},
        "from": user,
    }
    kind = draw(st.sampled_from(["text", "caption", "command", "contact", "foreign contact"]))
    if kind in ("text", "caption"):
        message[kind] = draw(TEXTS)
    elif kind == "command":
        message["text"] = draw(st.sampled_from(["/start", "/link ", "/start@bot "])) + draw(
            ODD_TEXT
        )
    else:
        owner = user["id"] if kind == "contact" else draw(st.integers(1, 2**52))
        phone = draw(st.sampled_from([SARAH.lstrip("+"), SARAH, "+447700900999"]) | ODD_TEXT)
        message["contact"] = {"phone_number": phone, "first_name": "S", "user_id": owner}
    return {"update_id": draw(st.integers(0, 2**31)), "message": message}


@st.composite
def callback_updates(draw: st.DrawFn) -> dict[str, Any]:
    any_data = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=16)
    data = draw(st.sampled_from(["notice:change", "#2", "yes"]) | any_data)  # 64 bytes at most
    label = draw(ODD_TEXT)
    query = {
        "id": draw(st.text(st.characters(codec="ascii"), min_size=1, max_size=30)),
        "from": draw(USERS),
        "chat_instance": "1",
        "data": data,
        "message": {
            "reply_markup": {"inline_keyboard": [[{"text": label, "callback_data": data}]]}
        },
    }
    return {"update_id": draw(st.integers(0, 2**31)), "callback_query": query}


WELL_FORMED_UPDATES = message_updates() | callback_updates()


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    yield path
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, inner in items:
        yield from _places(inner, (*path, key))


@st.composite
def mutated_updates(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed Update with one to three values replaced by any JSON value, or removed."""
    update = copy.deepcopy(draw(WELL_FORMED_UPDATES))
    for _ in range(draw(st.integers(1, 3))):
        places = [path for path in _places(update) if path]
        if not places:
            break
        *parents, key = draw(st.sampled_from(places))
        parent = update
        for step in parents:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[key]
        else:
            parent[key] = draw(JSON_VALUES)
    return update


RAW_BODIES = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda n: b'{"update_id": 1, "message": ' + b"[" * n + b"]" * n + b"}",
        st.integers(1, 200_000),
    ),
    st.builds(lambda n: b'{"update_id": ' + b"7" * n + b"}", st.integers(1, 6_000)),
    st.builds(
        lambda n: b'{"update_id": 5, "message": {"from": {"id": ' + b"9" * n + b"}}}",
        st.integers(1, 6_000),
    ),
    st.just(
        b'{"update_id": 6, "message": {"chat": {}, "from": {"id": 1}, "text": "\\ud800 \\udfff"}}'
    ),
    st.just(b"[]"),
    st.just(b"null"),
)


@GENERATED
@given(
    st.one_of(
        WELL_FORMED_UPDATES.map(lambda update: ("well-formed", update)),
        mutated_updates().map(lambda update: ("mutated", update)),
        JSON_VALUES.map(lambda value: ("any JSON", value)),
        RAW_BODIES.map(lambda body: ("raw bytes", body)),
    )
)
def test_generated_telegram_updates_never_get_a_server_error(
    lenient: TestClient,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    example: tuple[str, Any],
) -> None:
    kind, payload = example
    if kind == "well-formed":
        payload["update_id"] = next(FRESH_IDS)
    body = payload if kind == "raw bytes" else json.dumps(payload).encode()
    headers = {SECRET_HEADER: telegram_config.webhook_secret, "Content-Type": "application/json"}
    status = lenient.post(WEBHOOK_PATH, content=body, headers=headers).status_code
    assert status < 500
    if kind == "well-formed":
        assert status == 200
        [text] = kept(sessions, "telegram", str(payload["update_id"]))
        message = payload.get("message", {})
        if "text" in message and not message["text"].startswith("/"):
            assert text == message["text"].replace("\x00", "")[:TELEGRAM_TEXT_LIMIT]


# --- Twilio --------------------------------------------------------------------------------

HEX = "0123456789abcdef"
SIDS = st.builds(lambda tail: "SM" + tail, st.text(HEX, min_size=32, max_size=32))
PHONES = st.sampled_from([SARAH, "+447700900999"]) | st.builds(
    lambda digits: "+44" + digits, st.text("0123456789", min_size=10, max_size=10)
)
FORM_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # what a form can carry
BODIES = (
    FORM_TEXT
    | st.sampled_from(["STOP", "start", "HELP", "1", "²", "7" * 5_000])
    | st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(1_500, 2_000))
)


@st.composite
def twilio_messages(draw: st.DrawFn, whatsapp: bool) -> dict[str, str]:
    prefix = "whatsapp:" if whatsapp else ""
    params = {
        "MessageSid": draw(SIDS),
        "AccountSid": "AC" + "0" * 32,
        "From": prefix + draw(PHONES),
        "To": prefix + "+447700900500",
        "Body": draw(BODIES),
        "NumMedia": draw(st.sampled_from(["0", "1", "²", ""])),
    }
    if whatsapp:
        params |= {"ProfileName": draw(FORM_TEXT), "WaId": params["From"][10:]}
    return params


@st.composite
def mutated_forms(draw: st.DrawFn, base: st.SearchStrategy[dict[str, str]]) -> dict[str, str]:
    """A form with keys removed, values replaced (long, odd, empty) and keys added."""
    params = dict(draw(base))
    for key in draw(st.lists(st.sampled_from(sorted(params)), max_size=3)):
        params.pop(key, None)
    odd_values = FORM_TEXT | st.text(st.characters(codec="utf-8"), min_size=60, max_size=3_000)
    replaced = st.dictionaries(st.sampled_from(["MessageSid", "From", "Body", "To"]), odd_values)
    added = st.dictionaries(FORM_TEXT, FORM_TEXT, max_size=4)
    return params | draw(replaced) | draw(added)


def signed_post(client: TestClient, config: TwilioConfig, path: str, params: dict[str, str]) -> int:
    signature = RequestValidator(config.auth_token).compute_signature(PUBLIC + path, params)
    headers = {"X-Twilio-Signature": signature}
    return client.post(path, data=params, headers=headers).status_code


def _inbound_forms(whatsapp: bool) -> st.SearchStrategy[tuple[str, dict[str, str]]]:
    return st.one_of(
        twilio_messages(whatsapp).map(lambda params: ("well-formed", params)),
        mutated_forms(twilio_messages(whatsapp)).map(lambda params: ("mutated", params)),
        st.dictionaries(FORM_TEXT, FORM_TEXT, max_size=6).map(lambda params: ("any form", params)),
    )


@GENERATED
@given(data=st.data())
@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_generated_twilio_messages_never_get_a_server_error(
    lenient: TestClient,
    twilio_config: TwilioConfig,
    sessions: sessionmaker[Session],
    channel: str,
    data: st.DataObject,
) -> None:
    kind, params = data.draw(_inbound_forms(whatsapp=channel == "whatsapp"))
    if kind == "well-formed":
        params["MessageSid"] = f"SM{next(FRESH_IDS):032x}"
    status = signed_post(lenient, twilio_config, f"/twilio/{channel}", params)
    assert status < 500
    if kind == "well-formed":
        assert status == 200
        [text] = kept(sessions, channel, params["MessageSid"])
        assert text == params["Body"].replace("\x00", "")[:TWILIO_TEXT_LIMIT]


SENT = [f"SM{number:032x}" for number in range(1, 6)]  # outbox rows the callbacks may name
STATUSES = st.sampled_from(
    ["queued", "sending", "sent", "delivered", "read", "undelivered", "failed", "canceled"]
)
ERROR_CODES = st.sampled_from(["", "30003", "21610", "63016", "²", "9" * 5_000, "-1"]) | FORM_TEXT


@st.composite
def status_callbacks(draw: st.DrawFn) -> dict[str, str]:
    params = {
        "MessageSid": draw(st.sampled_from(SENT) | SIDS),
        "MessageStatus": draw(STATUSES | FORM_TEXT),
        "ErrorCode": draw(ERROR_CODES),
        "AccountSid": "AC" + "0" * 32,
    }
    return draw(mutated_forms(st.just(params))) if draw(st.booleans()) else params


@pytest.fixture
def sent_messages(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        session.add_all(sent_sms(sid) for sid in SENT)


@GENERATED
@given(status_callbacks(), st.sampled_from(["sms", "whatsapp"]))
def test_generated_status_callbacks_never_get_a_server_error(
    lenient: TestClient,
    twilio_config: TwilioConfig,
    sessions: sessionmaker[Session],
    sent_messages: None,
    params: dict[str, str],
    channel: str,
) -> None:
    assert signed_post(lenient, twilio_config, f"/twilio/{channel}/status", params) < 500
    with sessions() as session:  # callbacks never make or remove rows of their own accord
        assert session.scalar(select(func.count()).select_from(Outbox)) >= len(SENT)
