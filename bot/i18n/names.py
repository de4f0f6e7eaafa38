"""What `protect` must keep from the provider for one setting: people, rooms and its terms."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import content_dir
from bot.db.models import Child, EmergencyContact, Guardian, Room, Setting, Staff
from bot.i18n.catalog import Catalog
from bot.i18n.protect import name_variants

# The setting's own words, restored as the curated term in the target language when one exists.
SETTING_TERMS = {"key person": "term.key_person"}


def setting_names(session: Session, setting_id: int) -> set[str]:
    """Every child, guardian, emergency contact, member of staff and room name, and the
    setting's own name, with each full name's separate words."""
    setting = session.get_one(Setting, setting_id)
    children = session.execute(
        select(Child.first_name, Child.last_name, Child.known_as).where(
            Child.setting_id == setting_id
        )
    ).all()
    people = [
        *session.scalars(select(Guardian.name).where(Guardian.setting_id == setting_id)),
        *session.scalars(select(Staff.name).where(Staff.setting_id == setting_id)),
        *session.scalars(
            select(EmergencyContact.name)
            .join(Child, EmergencyContact.child_id == Child.id)
            .where(Child.setting_id == setting_id)
        ),
        *(f"{first} {last}" for first, last, _ in children),
        *(known for _, _, known in children),
        setting.manager_name,
    ]
    rooms = session.scalars(select(Room.name).where(Room.setting_id == setting_id))
    return name_variants(people) | {setting.name, *rooms} - {""}


def setting_terms(catalog: Catalog, language: str) -> dict[str, str]:
    """Each setting term mapped to its curated translation (the English term when none)."""
    return {
        term: catalog.text(key, language) if catalog.has(key, language) else term
        for term, key in SETTING_TERMS.items()
    }


@cache
def parent_catalog() -> Catalog:
    """The curated parent-facing messages (content/messages), loaded once."""
    return Catalog.load()


@cache
def staff_catalog() -> Catalog:
    """The staff-facing messages (content/staff, English only), loaded once."""
    return Catalog.load(content_dir() / "staff")
