"""A per-client request limit: a token bucket for each client address, held in this process."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from fastapi import HTTPException, Request

MOST_CLIENTS = 10_000  # past this, clients whose buckets are full again are forgotten


class ClientRateLimit:
    """`burst` requests at once from one client address, then `per_second`; more get 429 with
    Retry-After. A FastAPI dependency: `APIRouter(dependencies=[Depends(limit)])`."""

    def __init__(
        self, burst: int, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client: (tokens, as of)
        self._lock = threading.Lock()

    def wait_for(self, client: str) -> float:
        """Take a token for one request: 0.0 when allowed, else the seconds until one is free."""
        now = self._clock()
        with self._lock:
            tokens = self._tokens(client, now)
            if tokens < 1:
                return (1 - tokens) / self.per_second
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > MOST_CLIENTS:
                self._forget_full(now)
            return 0.0

    def _tokens(self, client: str, now: float) -> float:
        tokens, since = self._buckets.get(client, (self.burst, now))
        return min(self.burst, tokens + (now - since) * self.per_second)

    def _forget_full(self, now: float) -> None:
        full = [client for client in self._buckets if self._tokens(client, now) >= self.burst]
        for client in full:
            del self._buckets[client]

    def __call__(self, request: Request) -> None:
        """Refuse the request with 429 when its client has used up its bucket."""
        client = request.client.host if request.client else ""
        wait = self.wait_for(client)
        if wait:
            retry_after = str(max(1, math.ceil(wait)))
            raise HTTPException(429, "too many requests", headers={"Retry-After": retry_after})
