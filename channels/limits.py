"""Size limits on what arrives over HTTP: a request's body, and the text of one message.

No real provider sends more than these. A body over its route's limit is refused with 413 before
it is read whole (FastAPI's `max_body_size`: checked against Content-Length, and again while the
body streams in), so nothing of it is stored. A message whose text is over its provider's own limit
is kept, cut to that limit, and a warning is logged: what a person sent is never dropped silently.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

KIB = 1024
# Text: the providers' own limits, in characters (Python code points).
TELEGRAM_TEXT_LIMIT = 4096
TWILIO_TEXT_LIMIT = 1600
WEBCHAT_TEXT_LIMIT = 4096
# Bodies: a Telegram update with a full text, its entities and a quoted reply stays well under
# 256 KiB; a Twilio form with a 1,600-character body and ten media URLs under 32 KiB.
TELEGRAM_BODY_LIMIT = 1024 * KIB
TWILIO_BODY_LIMIT = 64 * KIB
WEBCHAT_BODY_LIMIT = 64 * KIB
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON's "\\ud800": no UTF-8 can hold it


def clean_text(text: str, limit: int, what: str) -> str:
    """A message's text as it can be kept: without NULs (PostgreSQL text cannot hold them) or
    lone surrogates (UTF-8 cannot, and JSON can carry them: "\\ud800"), which become U+FFFD, and
    cut to `limit` characters with a warning naming `what` when it is longer."""
    text = LONE_SURROGATE.sub("\ufffd", text.replace("\x00", ""))
    if len(text) <= limit:
        return text
    log.warning("%s: text of %d characters kept cut to its first %d", what, len(text), limit)
    return text[:limit]
