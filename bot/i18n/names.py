"""What `protect` must keep from the provider for one setting: people, rooms and its terms."""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import content_dir
from bot.db.models import Child, EmergencyContact, Guardian, Room, Setting, Staff
from bot.i18n.catalog import Catalog
from bot.i18n.protect import name_variants
from bot.nlu.children import name_table
from bot.nlu.lexicon import common_words
from bot.nlu.text import fold

# The setting's own words, restored as the curated term in the target language when one exists.
SETTING_TERMS = {"key person": "term.key_person"}
FORM_MIN_LENGTH = 4  # shorter names get no inflected forms: too many ordinary words match


def setting_names(session: Session, setting_id: int) -> set[str]:
    """Every child, guardian, emergency contact, authorised collector, member of staff and room
    name, and the setting's own name; each full name's separate words and the forms a name takes
    (nicknames, Polish and other endings, as the understanding step reads children's names);
    and children's birthdays written out ("14 March", "14 marca")."""
    setting = session.get_one(Setting, setting_id)
    children = session.execute(
        select(
            Child.first_name,
            Child.last_name,
            Child.known_as,
            Child.date_of_birth,
            Child.authorised_collectors,
        ).where(Child.setting_id == setting_id)
    ).all()
    people = [
        *session.scalars(select(Guardian.name).where(Guardian.setting_id == setting_id)),
        *session.scalars(select(Staff.name).where(Staff.setting_id == setting_id)),
        *session.scalars(
            select(EmergencyContact.name)
            .join(Child, EmergencyContact.child_id == Child.id)
            .where(Child.setting_id == setting_id)
        ),
        *(f"{child.first_name} {child.last_name}" for child in children),
        *(child.known_as for child in children),
        *(str(name) for child in children for name in child.authorised_collectors),
        setting.manager_name,
    ]
    rooms = session.scalars(select(Room.name).where(Room.setting_id == setting_id))
    words = name_variants(people)
    birthdays = {
        form
        for child in children
        if child.date_of_birth is not None
        for form in birthday_forms(child.date_of_birth)
    }
    return words | name_forms(frozenset(words)) | birthdays | {setting.name, *rooms} - {""}


@lru_cache(maxsize=16)
def name_forms(words: frozenset[str]) -> frozenset[str]:
    """Each name's nicknames and other spellings (content/nlu/names.toml) and the inflected forms
    its endings rules make ("Kuba" -> "Kubę", "Kuby"; "Zofia" -> "Zosia", "Zosi"), leaving out
    forms that are ordinary words in a lexicon."""
    table = name_table()
    names = {fold(word) for word in words if len(word) >= FORM_MIN_LENGTH}
    names |= {member for name in list(names) for member in table.groups.get(name, ())}
    forms = {
        name[: len(name) - len(replacement)] + ending
        for name in names
        for ending, replacement in table.suffixes
        if name.endswith(replacement) and len(name) > len(replacement)
    }
    return frozenset((names | forms) - common_words())


@lru_cache(maxsize=512)
def birthday_forms(day: date) -> frozenset[str]:
    """The day and month written out in every curated language ("14 March", "14 marca"), and in
    English month first and with ordinals ("March 14", "14th March", "March 14th")."""
    forms = {
        format_date(day, pattern, locale=language)
        for language in parent_catalog().languages
        for pattern in ("d MMMM", "d MMM")
    }
    nth = f"{day.day}{_ordinal(day.day)}"
    month = format_date(day, "MMMM", locale="en")
    return frozenset(
        forms | {f"{month} {day.day}", f"{nth} {month}", f"{month} {nth}", f"{nth} of {month}"}
    )


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


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
