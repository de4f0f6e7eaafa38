"""A recording Twilio HTTP layer for the real `twilio.rest.Client` (the Holodeck pattern).

Each request is recorded; answers come from a script of outcomes: "201", "429", "500",
"timeout" (read timeout after sending), "refused" (connection refused before sending), or an
error code such as "21610" (answered 400 with that code). When the script runs out, "201".
"""

from __future__ import annotations

import itertools
import json
import threading
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
            self.calls.append(TwilioCall(method, url, dict(data or {}), outcome))
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

    @property
    def sent(self) -> list[TwilioCall]:
        """Requests that were answered 201."""
        return [call for call in self.calls if call.outcome == "201"]
