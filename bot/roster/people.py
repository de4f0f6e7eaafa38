"""Everyone the demo web chat can speak as, labelled so you can tell who is who."""

from __future__ import annotations

import math

from babel.lists import format_list
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Guardian, Staff
from bot.i18n.names import parent_catalog
from bot.i18n.staff_view import language_name

STRANGER = "+447700900999"  # a drama-range number on no roster: the unknown-sender demo


def demo_people(session: Session, setting_id: int) -> list[dict[str, str]]:
    """Guardians family by family in roster order (relationship, children, language), staff with
    a phone (role, room), and a stranger. `group` is the heading the page lists them under."""
    guardians = session.scalars(
        select(Guardian)
        .where(Guardian.setting_id == setting_id)
        .options(selectinload(Guardian.children))
    ).all()
    staff = session.scalars(
        select(Staff)
        .where(Staff.setting_id == setting_id, Staff.phone.is_not(None))
        .options(selectinload(Staff.room))
        .order_by(Staff.name)
    )
    return [
        *(
            {"phone": g.phone, "label": _guardian_label(g), "group": "Parents"}
            for g in sorted(guardians, key=_family_order)
        ),
        *({"phone": s.phone or "", "label": _staff_label(s), "group": "Staff"} for s in staff),
        {"phone": STRANGER, "label": "Someone not on the roster", "group": "Not on the roster"},
    ]


def _family_order(guardian: Guardian) -> tuple[float, int]:
    """A family's guardians together, families in roster order (children are ordered by id)."""
    return (guardian.children[0].id if guardian.children else math.inf, guardian.id)


def _guardian_label(guardian: Guardian) -> str:
    """'Sarah Thompson — mother of Maya and Leo (English)'."""
    relationship = guardian.relationship_to_child or "guardian"
    names = [child.known_as or child.first_name for child in guardian.children]
    whose = f" of {format_list(names, locale='en')}" if names else ""
    language = language_name(guardian.language, parent_catalog())
    return f"{guardian.name} — {relationship}{whose} ({language})"


def _staff_label(member: Staff) -> str:
    """'Jess Hughes — key person, Saplings room'; 'Priya Shah — manager, safeguarding lead'."""
    room = f", {member.room.name} room" if member.room else ""
    roles = ", ".join(role.replace("_", " ") for role in member.roles)
    return f"{member.name} — {roles}{room}"
