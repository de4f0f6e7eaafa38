"""The turns process's loop: answer the messages the web process kept (`PARENTBOT_TURNS=queued`).

The web process only verifies, dedupes and stores each webhook, so it acknowledges in a
millisecond or two; this process runs the turns, on its own core and its own interpreter lock.
It also answers any message whose turn never ran (a crash between keeping and answering).

On PostgreSQL any number of turns processes may run (the Procfile's `turns` scaled): each
conversation is held by one turn at a time and answered in order (bot/pipeline/inbound.py).
On SQLite exactly one runs (`parentbot turns` refuses a second).
"""

from __future__ import annotations

import logging
import threading

from bot.pipeline.engine import Engine

log = logging.getLogger(__name__)
FASTEST_POLL = 0.002  # seconds between looks while messages are arriving
SLOWEST_POLL = 0.05  # ... backing off to this when the queue stays empty
ERROR_PAUSE = 5.0  # after the database failed us, before trying again


def run_turns(engine: Engine, stop: threading.Event) -> None:
    """Handle kept messages, oldest first, until `stop` is set."""
    wait = FASTEST_POLL
    while not stop.is_set():
        try:
            taken = engine.handle_received(spread=True)
        except Exception:  # the database is away: the messages stay kept for the next look
            log.exception("could not take kept messages; trying again in %s s", ERROR_PAUSE)
            stop.wait(ERROR_PAUSE)
            continue
        if taken:
            wait = FASTEST_POLL
            continue
        stop.wait(wait)
        wait = min(wait * 2, SLOWEST_POLL)
