"""A small fake Telegram Bot API server on 127.0.0.1, for the real python-telegram-bot `Bot`.

Answers getMe, sendMessage, sendPoll, answerCallbackQuery, setWebhook, deleteWebhook,
getWebhookInfo and getUpdates; records every call; enforces a sending cap (30/s overall, like
Telegram's broadcast limit) with 429 + parameters.retry_after, and can answer 429 to a given
fraction of sends, 403 for chats that blocked the bot, or answer sends late (all of them, or a
`timeout_fraction` of accepted ones, `timeout_seconds` late: past the client's read timeout).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

SEND_METHODS = frozenset({"sendMessage", "sendPoll"})


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


class FakeBotApi:
    """The fake server; use as a context manager. `base_url` goes to `Bot(base_url=...)`."""

    def __init__(
        self,
        *,
        cap_per_second: int | None = 30,
        fail_fraction: float = 0.0,
        retry_after: int = 1,
        seed: int = 7,
        timeout_fraction: float = 0.0,
        timeout_seconds: float = 6.0,
    ) -> None:
        self.blocked_chats: set[int] = set()  # sends to these answer 403, as for a blocked bot
        self.delay_seconds = 0.0  # answer sends this late (client read timeouts)
        self.arrived: list[int] = []  # chat ids of sends as they arrive, before any answer
        self.cap_per_second = cap_per_second
        self.fail_fraction = fail_fraction
        self.retry_after = retry_after
        self.timeout_fraction = timeout_fraction
        self.timeout_seconds = timeout_seconds  # PTB's read timeout is 5 s
        self.stalled = 0  # accepted sends answered too late for the client
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self._random = random.Random(seed)
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()
        self._message_ids = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The Bot API base URL, with PTB's `{token}` placeholder."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot{{token}}/"

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """Accepted calls of one method."""
        with self._lock:
            return [call for call in self.calls if call.method == method and call.status == 200]

    def received_send(self, params: dict[str, Any]) -> None:
        """Note a send's chat as it arrives, before it is answered."""
        with self._lock:
            self.arrived.append(int(params.get("chat_id", 0)))

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for one call (records it)."""
        now = time.monotonic()
        with self._lock:
            status, body = self._answer_locked(method, params, now)
            self.calls.append(Call(method, params, status, now))
            return status, body

    def stalls(self, method: str, status: int) -> bool:
        """Whether to answer this accepted send too late (drawn for `timeout_fraction`)."""
        if method not in SEND_METHODS or status != 200 or not self.timeout_fraction:
            return False
        with self._lock:
            stalled = self._random.random() < self.timeout_fraction
            self.stalled += stalled
            return stalled

    def _answer_locked(
        self, method: str, params: dict[str, Any], now: float
    ) -> tuple[int, dict[str, Any]]:
        if method in SEND_METHODS and int(params.get("chat_id", 0)) in self.blocked_chats:
            return 403, {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }
        if method in SEND_METHODS:
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            over_cap = self.cap_per_second is not None and len(self._recent) >= self.cap_per_second
            if over_cap or self._random.random() < self.fail_fraction:
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.retry_after}",
                    "parameters": {"retry_after": self.retry_after},
                }
            self._recent.append(now)
        result = self._result(method, params)
        if result is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return 200, {"ok": True, "result": result}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": 1000, "is_bot": True, "first_name": "Nursery", "username": "nursery_bot"}
        if method in SEND_METHODS:
            self._message_ids += 1
            chat_id = int(params["chat_id"])
            message = {
                "message_id": self._message_ids,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
            }
            if method == "sendPoll":
                message["poll"] = _poll(params)
            else:
                message["text"] = params.get("text", "")
            return message
        if method == "getUpdates":
            updates, self.updates = self.updates, []
            return updates
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method in {"answerCallbackQuery", "setWebhook", "deleteWebhook", "setMyCommands"}:
            return True
        return None


def _poll(params: dict[str, Any]) -> dict[str, Any]:
    options = params.get("options", [])
    return {
        "id": "poll-1",
        "question": params.get("question", ""),
        "options": [
            {"text": _option_text(o), "voter_count": 0, "persistent_id": str(n)}
            for n, o in enumerate(options)
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": params.get("is_anonymous", True),
        "type": "regular",
        "allows_multiple_answers": params.get("allows_multiple_answers", False),
        "allows_revoting": False,  # required since Bot API 9.6
        "members_only": False,  # required since Bot API 10.0
    }


def _option_text(option: Any) -> str:
    return str(option["text"] if isinstance(option, dict) else option)


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """PTB posts form fields whose complex values are JSON; accept JSON bodies too."""
    if content_type.startswith("application/json"):
        return dict(json.loads(raw or b"{}"))
    params: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True):
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            params = _parse_body(self.headers.get("Content-Type", ""), self.rfile.read(length))
            method = self.path.rstrip("/").rsplit("/", 1)[-1]
            if method == "getUpdates" and not api.updates:
                time.sleep(0.05)  # a short long-poll, so polling clients do not spin
            if method in SEND_METHODS:
                api.received_send(params)
                time.sleep(api.delay_seconds)
            status, body = api.answer(method, params)
            if api.stalls(method, status):
                time.sleep(api.timeout_seconds)  # accepted and recorded; the answer comes too late
            data = json.dumps(body).encode()
            with suppress(OSError):  # the client may be gone (a killed worker): still counted
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler
