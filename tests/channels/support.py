"""Constants and helpers shared by the adapter tests."""

from __future__ import annotations

from bot.db.models import Outbox

PUBLIC = "https://nursery.example.org"
SARAH = "+447700900101"  # demo guardian: Maya and Leo Thompson's mother
STRANGER = "+447700900999"  # on no roster


def sent_sms(sid: str) -> Outbox:
    """An outbox row Twilio has taken (status "sent"), for status callbacks to name."""
    return Outbox(
        channel="sms", recipient_id=SARAH, text="Hi", status="sent", provider_message_id=sid
    )
