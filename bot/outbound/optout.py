"""Opt-out keywords (STOP / START / HELP) and recording them on the channel identity.

Carriers and Twilio block a number after a single-word STOP; parentbot records the same so it
never sends to that identity again and the guardian's other channels are used instead.
"""

from __future__ import annotations

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import ChannelIdentity, Guardian

# Twilio's Advanced Opt-Out defaults for SMS.
SMS_STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
START_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# On WhatsApp no provider blocks these; only the unambiguous words count, so a parent's
# "cancel" can still answer a question.
WHATSAPP_STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT"})
# Channels that can reach a guardian at their roster phone without any earlier message.
PHONE_ADDRESSED = frozenset({"sms", "whatsapp"})
DEFAULT_CHANNEL_ORDER = ("telegram", "whatsapp", "sms")  # when the roster names none


class Keyword(enum.StrEnum):
    """What a single-word control message asks for."""

    STOP = "stop"
    START = "start"
    HELP = "help"


def classify(text: str, channel: str) -> Keyword | None:
    """The control keyword a message is, if it is exactly one (case and punctuation ignored)."""
    word = text.strip().strip(".!").upper()
    stop_words = SMS_STOP_WORDS if channel == "sms" else WHATSAPP_STOP_WORDS
    if word in stop_words:
        return Keyword.STOP
    if word in START_WORDS:
        return Keyword.START
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


def set_opt_out(session: Session, identity: ChannelIdentity, opted_out: bool) -> bool:
    """Record an opt-out (or opt-in) on the identity, audited; True if it changed."""
    if identity.opted_out == opted_out:
        return False
    identity.opted_out = opted_out
    audit(
        session,
        f"guardian:{identity.guardian_id}" if identity.guardian_id else "system",
        "channel_opt_out" if opted_out else "channel_opt_in",
        f"{identity.channel}:{identity.external_id}",
    )
    return True


def next_channel(session: Session, guardian_id: int, failed_channel: str) -> tuple[str, str] | None:
    """The guardian's next usable channel after `failed_channel`, as (channel, recipient id).

    Follows Guardian.channel_order (preferred first) from just after the failed channel, so
    repeated fallbacks move forward and never loop. Opted-out identities are skipped; a phone
    channel with no identity yet is addressed at the guardian's roster phone.
    """
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        return None
    order = [str(channel) for channel in guardian.channel_order or DEFAULT_CHANNEL_ORDER]
    later = order[order.index(failed_channel) + 1 :] if failed_channel in order else order
    identities = {
        identity.channel: identity
        for identity in session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.guardian_id == guardian_id)
        )
    }
    for channel in later:
        identity = identities.get(channel)
        if identity is not None and not identity.opted_out and channel != failed_channel:
            return channel, identity.external_id
        if identity is None and channel in PHONE_ADDRESSED and guardian.phone:
            return channel, guardian.phone
    return None
