"""A recording Twilio HTTP layer for the real `twilio.rest.Client` (the Holodeck pattern).

Each request is recorded; answers come from a script of outcomes: "201", "429", "500",
"timeout" (read timeout after sending), "refused" (connection refused before sending), or an
error code such as "21610" (answered 400 with that code). When the script runs out, "201".
`CappedTwilioHttpClient` draws outcomes instead: a per-second cap on accepted messages (429
beyond it, as Twilio's queue or concurrency limit would), and random 429s and timeouts.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ReadTimeout
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from urllib3.exceptions import MaxRetryError, NewConnectionError


@dataclass(frozen=True)
class TwilioCall:
    """One request the client made."""

    method: str
    url: str
    data: dict[str, Any]
    outcome: str
    at: float = 0.0  # time.monotonic() when the request arrived


class RecordingTwilioHttpClient(TwilioHttpClient):
    """Records requests and answers them from a script of outcomes."""

    def __init__(self, outcomes: list[str] | None = None) -> None:
        super().__init__()
        self.outcomes = list(outcomes or [])
        self.calls: list[TwilioCall] = []
        self._sids = itertools.count(1)
        self._lock = threading.Lock()

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        with self._lock:
            outcome = self.outcomes.pop(0) if self.outcomes else "201"
            outcome = self._outcome(outcome)
            self.calls.append(TwilioCall(method, url, dict(data or {}), outcome, time.monotonic()))
            sid = f"SM{next(self._sids):032d}"
        if outcome == "timeout":
            raise ReadTimeout("read timed out")
        if outcome == "refused":
            refused = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
            raise RequestsConnectionError(MaxRetryError(None, url, refused))  # type: ignore[arg-type]
        if outcome == "201":
            fields = {key.lower(): value for key, value in (data or {}).items()}
            body = {"sid": sid, "status": "queued", **fields}
            return Response(201, json.dumps(body))
        status, code = {"429": (429, 20429), "500": (500, 20500)}.get(outcome, (400, int(outcome)))
        return Response(status, json.dumps({"code": code, "message": outcome, "status": status}))

    def _outcome(self, scripted: str) -> str:
        """The answer to give (called under the lock); the script's, here."""
        return scripted

    @property
    def sent(self) -> list[TwilioCall]:
        """Requests that were answered 201."""
        return [call for call in self.calls if call.outcome == "201"]


class CappedTwilioHttpClient(RecordingTwilioHttpClient):
    """Accepts at most `cap_per_second` messages in any second (429 beyond), and answers 429 to
    `fail_fraction` and times out on `timeout_fraction` of the rest (the message went out: a
    read timeout after Twilio took it). Seeded, so runs repeat."""

    def __init__(
        self,
        cap_per_second: float,
        *,
        fail_fraction: float = 0.0,
        timeout_fraction: float = 0.0,
        seed: int = 7,
    ) -> None:
        super().__init__()
        self.cap_per_second = cap_per_second
        self.fail_fraction = fail_fraction
        self.timeout_fraction = timeout_fraction
        self._random = random.Random(seed)
        self._recent: deque[float] = deque()  # accepted messages within the last second

    def _outcome(self, scripted: str) -> str:
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.cap_per_second or self._random.random() < self.fail_fraction:
            return "429"
        self._recent.append(now)
        return "timeout" if self._random.random() < self.timeout_fraction else "201"

    @property
    def received(self) -> list[TwilioCall]:
        """Requests Twilio took (answered 201, or timed out after it took them)."""
        return [call for call in self.calls if call.outcome in {"201", "timeout"}]
