"""Pacing for the delivery worker: per-channel and per-recipient rates, and the flood guard."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque

FLOOD_MIN = 3  # refusals within one second, at least, for a channel-wide pause ...
FLOOD_SHARE = 0.5  # ... that are also at least this share of that second's answers


class Pacer:
    """Releases callers one at a time, at most `rate` per second; `pause` holds them all back.

    Callers are released in arrival order, urgent ones (retries already due) first. Slots follow
    a fixed schedule (no drift from sleeping late), and the last releases are remembered so that
    catching up after a stall (a busy event loop) never bunches them: any `ceil(rate) + 1`
    consecutive releases span at least `ceil(rate) / rate` seconds, so no one-second window ever
    holds more than `ceil(rate)` of them. A release that carried nothing (the provider refused
    the message) can be given back with `refund`: the limit counts messages, not attempts.
    """

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._interval = 1.0 / rate
        self._burst = math.ceil(rate)
        self._window = self._burst / rate
        self._released: deque[float] = deque()  # releases within the last window, oldest first
        self._next = 0.0
        self._paused_until = 0.0
        self._waiting: tuple[deque[asyncio.Future[float]], ...] = (deque(), deque())
        self._releaser: asyncio.Task[None] | None = None

    async def wait(self, urgent: bool = False) -> float:
        """Wait for the next free slot (a pause that begins meanwhile is honoured); its time."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[0 if urgent else 1].append(future)
        if self._releaser is None or self._releaser.done():
            self._releaser = asyncio.create_task(self._release())
        return await future

    def refund(self, released_at: float) -> None:
        """Give back the slot of the release at `released_at`: it sent nothing."""
        if released_at in self._released:
            self._released.remove(released_at)
            self._next -= self._interval  # the next release takes the refused one's place

    async def _release(self) -> None:
        """Hand out slots while anyone waits."""
        while any(self._waiting):
            now = time.monotonic()
            while self._released and self._released[0] <= now - self._window:
                self._released.popleft()
            slot = max(now, self._next, self._paused_until)
            if len(self._released) >= self._burst:
                slot = max(slot, self._released[-self._burst] + self._window)
            if slot > now:
                await asyncio.sleep(slot - now)
                continue
            queue = next(queue for queue in self._waiting if queue)
            future = queue.popleft()
            if future.done():  # its caller was cancelled
                continue
            future.set_result(now)
            base = max(self._next, self._paused_until)  # this release's scheduled slot
            late = now - base < self._window  # behind schedule: catch up, the window permitting
            self._next = (base if late else now) + self._interval
            self._released.append(now)

    def pause(self, seconds: float) -> None:
        """Let nothing through for `seconds`."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    @property
    def idle(self) -> bool:
        """Whether the pacer holds no reservation (safe to forget)."""
        return time.monotonic() > max(self._next, self._paused_until)


class FloodGuard:
    """Tells a provider-wide flood from scattered per-chat refusals, over the last second.

    A flood means (nearly) every answer is a 429; a few 429s among many accepted sends are
    per-chat limits, which only their own chats wait out.
    """

    def __init__(self) -> None:
        self._answers: deque[tuple[float, bool]] = deque()

    def flooded(self, refused: bool) -> bool:
        """Note one answer; True when refusals make up a flood (the window then restarts)."""
        now = time.monotonic()
        self._answers.append((now, refused))
        while now - self._answers[0][0] > 1.0:
            self._answers.popleft()
        refusals = sum(1 for _, was_refused in self._answers if was_refused)
        if refusals >= FLOOD_MIN and refusals >= FLOOD_SHARE * len(self._answers):
            self._answers.clear()
            return True
        return False
