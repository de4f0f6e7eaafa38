"""Keeping webhooks' messages in the inbound log, many to a transaction (group commit).

With turns queued, a webhook's only database work is keeping its message. One thread does that
for the whole process: it takes every message that arrived while the last transaction ran and
keeps them all in one transaction, so a burst costs one writer turn and one commit instead of one
per message, and no request waits for a thread of its own. A webhook is acknowledged only after
its message is committed, so nothing acknowledged is lost.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import transaction
from bot.pipeline.inbound import log_once
from bot.types import InboundMessage

log = logging.getLogger(__name__)
MOST_PER_TRANSACTION = 64

Waiting = tuple[InboundMessage, "Future[bool]"]


class InboundKeeper:
    """Keeps messages from one background thread, started on first use."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._waiting: queue.SimpleQueue[Waiting] = queue.SimpleQueue()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None

    def keep(self, inbound: InboundMessage) -> Future[bool]:
        """Keep the message; the future says True once it is committed, False for a replay."""
        future: Future[bool] = Future()
        self._waiting.put((inbound, future))
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="keeper", daemon=True)
                self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            batch = [self._waiting.get()]
            while len(batch) < MOST_PER_TRANSACTION:
                try:
                    batch.append(self._waiting.get_nowait())
                except queue.Empty:
                    break
            self._keep(batch)

    def _keep(self, batch: list[Waiting]) -> None:
        """One transaction for the batch; if it fails, each message alone, so one bad message
        cannot refuse the others (its own webhook gets an error and the provider retries)."""
        try:
            with transaction(self._sessions) as session:
                kept = [log_once(session, inbound) is not None for inbound, _ in batch]
        except Exception as error:
            if len(batch) > 1:
                for waiting in batch:
                    self._keep([waiting])
                return
            log.exception("could not keep inbound %s", batch[0][0].provider_message_id)
            _settle(batch[0][1], error=error)
            return
        for (_, future), new in zip(batch, kept, strict=True):
            _settle(future, new)


def _settle(future: Future[bool], result: bool = False, error: Exception | None = None) -> None:
    """Answer the waiting webhook, unless it gave up meanwhile (its provider will send again)."""
    if not future.set_running_or_notify_cancel():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
