"""Who no configured channel can reach, so an import can warn before their notices wait forever.

Notices and broadcasts go to a person's last-used channel, else by SMS to their phone. SMS and
WhatsApp reach a mobile number; Telegram (and any other channel) reaches only a linked account.
The channels that are configured come in as plain names: the core never reads the environment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import ChannelIdentity, Guardian, Staff
from bot.outbound.optout import PHONE_ADDRESSED
from bot.roster.fields import is_mobile

CHANNEL_NAMES = {"sms": "SMS", "whatsapp": "WhatsApp", "telegram": "Telegram"}
UNREACHABLE_HINT = (
    "Notices and broadcasts to them are not delivered: add a mobile number to the roster"
)
TELEGRAM_HINT = " (with it they can also link Telegram: parentbot link-code --phone P)"


@dataclass(frozen=True)
class Unreachable:
    """A person none of the configured channels can reach, and why not on each."""

    name: str
    role: str  # the staff role, or "guardian"
    reasons: tuple[str, ...]  # e.g. "no phone number (SMS, WhatsApp)"

    def __str__(self) -> str:
        return f"{self.name} ({self.role}) cannot be reached: {'; '.join(self.reasons)}"


def channel_list(channels: Iterable[str]) -> str:
    """Channel names for people, in a fixed order: `SMS, WhatsApp, Telegram`."""
    return ", ".join(CHANNEL_NAMES.get(name, name) for name in _in_order(channels))


def _in_order(channels: Iterable[str]) -> list[str]:
    order = list(CHANNEL_NAMES)
    return sorted(channels, key=lambda name: (order.index(name) if name in order else 99, name))


def reach_warnings(session: Session, setting_id: int, channels: Collection[str]) -> list[str]:
    """One line per person none of `channels` reaches and a hint, else one line saying all are."""
    people = unreachable_people(session, setting_id, channels)
    if not people:
        return [f"Every member of staff and guardian can be reached by {channel_list(channels)}."]
    telegram = TELEGRAM_HINT if "telegram" in channels else ""
    return [*(f"warning: {person}" for person in people), f"{UNREACHABLE_HINT}{telegram}."]


def unreachable_people(
    session: Session, setting_id: int, channels: Collection[str]
) -> list[Unreachable]:
    """Every member of staff, then every guardian, that none of `channels` can reach."""
    usable = _usable_identities(session, setting_id)
    staff = session.scalars(select(Staff).where(Staff.setting_id == setting_id).order_by(Staff.id))
    guardians = session.scalars(
        select(Guardian).where(Guardian.setting_id == setting_id).order_by(Guardian.id)
    )
    people: list[tuple[Staff | Guardian, str, tuple[str, int]]] = [
        *((member, "; ".join(member.roles), ("staff", member.id)) for member in staff),
        *((guardian, "guardian", ("guardian", guardian.id)) for guardian in guardians),
    ]
    found: list[Unreachable] = []
    for person, role, key in people:
        reasons = _reasons(person.phone, usable.get(key, {}), channels)
        if reasons:
            found.append(Unreachable(person.name, role, reasons))
    return found


def _reasons(
    phone: str | None, usable: dict[str, bool], channels: Collection[str]
) -> tuple[str, ...]:
    """Why no channel reaches this person, grouped by problem; empty when one does."""
    if not channels:
        return ("no channel is configured",)
    problems: dict[str, list[str]] = {}
    for channel in _in_order(channels):
        problem = _problem(channel, phone, usable.get(channel))
        if problem is None:
            return ()
        problems.setdefault(problem, []).append(channel)
    return tuple(f"{problem} ({channel_list(names)})" for problem, names in problems.items())


def _problem(channel: str, phone: str | None, usable: bool | None) -> str | None:
    """Why `channel` cannot reach the person (None when it can); `usable` is whether they have
    an identity there that has not opted out (None: no identity at all)."""
    if usable is not None:
        return None if usable else "opted out"
    if channel not in PHONE_ADDRESSED:
        return "no linked account"
    if not phone:
        return "no phone number"
    return None if is_mobile(phone) else f"{phone} is not a mobile number"


def _usable_identities(session: Session, setting_id: int) -> dict[tuple[str, int], dict[str, bool]]:
    """For each person ("staff"/"guardian", id): channel -> any identity there not opted out."""
    identities = session.scalars(
        select(ChannelIdentity)
        .outerjoin(Staff, ChannelIdentity.staff_id == Staff.id)
        .outerjoin(Guardian, ChannelIdentity.guardian_id == Guardian.id)
        .where(or_(Staff.setting_id == setting_id, Guardian.setting_id == setting_id))
    )
    usable: dict[tuple[str, int], dict[str, bool]] = {}
    for identity in identities:
        if identity.staff_id is not None:
            key = ("staff", identity.staff_id)
        else:
            key = ("guardian", identity.guardian_id or 0)
        channels = usable.setdefault(key, {})
        channels[identity.channel] = channels.get(identity.channel, False) or not identity.opted_out
    return usable
