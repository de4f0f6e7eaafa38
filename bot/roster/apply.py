"""Write a validated setting folder into the database: updates in place, never duplicates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import (
    Child,
    EmergencyContact,
    Guardian,
    GuardianChild,
    Room,
    Setting,
    Staff,
    utcnow,
)
from bot.i18n.names import parent_catalog
from bot.policies.store import import_policies
from bot.privacy.erase import REMOVED_FROM_ROSTER, pending_erasure, restore, revoke
from bot.privacy.options import privacy_options
from bot.roster import fields
from bot.roster.folder import (
    EmergencyContactRow,
    GuardianRow,
    Roster,
    SettingFolder,
    read_setting_folder,
)
from bot.roster.setting import SettingData

Person = TypeVar("Person", Guardian, Staff, Child)


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed."""

    setting_id: int
    rooms: int
    staff: int
    children: int
    guardians: int
    policies: int
    removed: int
    policy_problems: tuple[str, ...] = ()
    uncurated_languages: tuple[str, ...] = ()  # guardians' languages with no curated messages


def import_folder(session: Session, path: Path) -> ImportSummary:
    """Validate `path` fully (raising RosterInvalid before any change), then import it."""
    return import_setting(session, read_setting_folder(path))


def import_setting(session: Session, folder: SettingFolder) -> ImportSummary:
    """Upsert the setting, rooms, staff, children, guardians and links; import policies."""
    setting = _upsert_setting(session, folder.setting)
    rooms = _upsert_rooms(session, setting.id, folder.setting.rooms)
    people = _import_people(session, setting.id, folder.roster, rooms)
    report = import_policies(session, setting.id, folder.policies_dir)
    details = {"folder": str(folder.path), "removed": people.removed}
    audit(session, "import", "roster_imported", f"setting:{setting.id}", details)
    session.flush()
    return ImportSummary(
        setting_id=setting.id,
        rooms=len(rooms),
        staff=people.staff,
        children=people.children,
        guardians=people.guardians,
        policies=len(report.added) + len(report.updated) + len(report.unchanged),
        removed=people.removed,
        policy_problems=tuple(f"{failure.filename}: {failure.reason}" for failure in report.failed),
        uncurated_languages=people.uncurated_languages,
    )


@dataclass(frozen=True)
class PeopleImported:
    """What importing a roster's people changed."""

    staff: int
    children: int
    guardians: int
    removed: int
    uncurated_languages: tuple[str, ...]  # guardians' languages with no curated messages


def import_roster(session: Session, setting_id: int, roster: Roster, actor: str) -> PeopleImported:
    """Import a roster upload (`bot.roster.folder.read_roster`) into an existing setting: its
    people only, with the setting's rooms as they are; audited as done by `actor`."""
    rooms = {
        room.name: room
        for room in session.scalars(select(Room).where(Room.setting_id == setting_id))
    }
    people = _import_people(session, setting_id, roster, rooms)
    audit(session, actor, "roster_imported", f"setting:{setting_id}", {"removed": people.removed})
    return people


def _import_people(
    session: Session, setting_id: int, roster: Roster, rooms: dict[str, Room]
) -> PeopleImported:
    """Upsert staff, children, guardians and links; remove people no longer listed; replace
    emergency contacts (unless the roster has none to give)."""
    staff = _upsert_staff(session, setting_id, roster, rooms)
    children = _upsert_children(session, setting_id, roster, rooms, staff)
    guardians = _upsert_guardians(session, setting_id, roster, children)
    removed = _remove_missing(session, setting_id, staff, children, guardians)
    if roster.emergency_contacts is not None:
        _replace_emergency_contacts(session, roster.emergency_contacts, children)
    return PeopleImported(
        len(staff), len(children), len(guardians), removed, _uncurated_languages(roster.guardians)
    )


def _uncurated_languages(guardians: list[GuardianRow]) -> tuple[str, ...]:
    """Guardians' languages with no curated messages, as `French (fr)`, in roster order."""
    curated = set(parent_catalog().languages)
    codes = dict.fromkeys(row.language for row in guardians if row.language not in curated)
    return tuple(f"{fields.iso_639_1()[code]} ({code})" for code in codes)


def _upsert_setting(session: Session, data: SettingData) -> Setting:
    setting = session.scalar(select(Setting).where(Setting.slug == data.slug))
    if setting is None:
        setting = Setting(slug=data.slug)
        session.add(setting)
    setting.name = data.name
    setting.timezone = data.timezone
    setting.address = data.address
    setting.phone = data.phone
    setting.email = data.email
    setting.manager_name = data.manager
    setting.opening_hours = data.opening_hours
    setting.closed_dates = data.closed_dates
    setting.options = data.options
    session.flush()
    return setting


def _upsert_rooms(session: Session, setting_id: int, names: list[str]) -> dict[str, Room]:
    existing = {
        room.name: room
        for room in session.scalars(select(Room).where(Room.setting_id == setting_id))
    }
    for name in names:
        if name not in existing:
            existing[name] = Room(setting_id=setting_id, name=name)
            session.add(existing[name])
    for name, room in list(existing.items()):
        if name not in names:
            session.delete(room)
            del existing[name]
    session.flush()
    return existing


def _upsert_staff(
    session: Session, setting_id: int, roster: Roster, rooms: dict[str, Room]
) -> dict[str, Staff]:
    existing = {
        s.name: s for s in session.scalars(select(Staff).where(Staff.setting_id == setting_id))
    }
    result: dict[str, Staff] = {}
    for row in roster.staff:
        member = existing.get(row.name) or Staff(setting_id=setting_id, name=row.name)
        member.phone, member.email, member.roles = row.phone, row.email, row.roles
        member.meeting_hours = row.meeting_hours  # replaces any chat `free`/`busy` change
        member.room_id = rooms[row.room].id if row.room else None
        session.add(member)
        result[row.name] = member
    session.flush()
    return result


def _upsert_children(
    session: Session,
    setting_id: int,
    roster: Roster,
    rooms: dict[str, Room],
    staff: dict[str, Staff],
) -> dict[str, Child]:
    existing = {
        f"{c.first_name} {c.last_name}": c
        for c in session.scalars(select(Child).where(Child.setting_id == setting_id))
    }
    result: dict[str, Child] = {}
    for row in roster.children:
        child = existing.get(row.full_name) or Child(
            setting_id=setting_id, first_name=row.first_name, last_name=row.last_name
        )
        child.known_as = row.known_as
        child.date_of_birth = row.date_of_birth
        child.room_id = rooms[row.room].id if row.room else None
        child.key_person_id = staff[row.key_person].id if row.key_person else None
        child.attendance_days = row.days
        child.authorised_collectors = row.authorised_collectors
        session.add(child)
        result[row.full_name] = child
    session.flush()
    return result


def _upsert_guardians(
    session: Session, setting_id: int, roster: Roster, children: dict[str, Child]
) -> dict[str, Guardian]:
    existing = {
        g.phone: g
        for g in session.scalars(select(Guardian).where(Guardian.setting_id == setting_id))
    }
    result: dict[str, Guardian] = {}
    for row in roster.guardians:
        guardian = existing.get(row.phone) or Guardian(setting_id=setting_id, phone=row.phone)
        guardian.name, guardian.email = row.name, row.email
        guardian.relationship_to_child = row.relationship
        guardian.language, guardian.can_collect = row.language, row.can_collect
        session.add(guardian)
        session.flush()
        if row.phone not in existing and (
            erasure := pending_erasure(session, setting_id, row.phone)
        ):
            restore(session, erasure, guardian, "import")  # back before they were erased
        session.execute(delete(GuardianChild).where(GuardianChild.guardian_id == guardian.id))
        session.add_all(
            GuardianChild(guardian_id=guardian.id, child_id=children[name].id)
            for name in row.children
        )
        result[row.phone] = guardian
    session.flush()
    return result


def _remove_missing(
    session: Session,
    setting_id: int,
    staff: dict[str, Staff],
    children: dict[str, Child],
    guardians: dict[str, Guardian],
) -> int:
    """People no longer on the roster lose access at once (identities go by ON DELETE CASCADE);
    a guardian's erasure is scheduled `erase_after_days` later (bot.privacy.erase)."""
    options = privacy_options(session.get_one(Setting, setting_id).options)
    erase_at = utcnow() + timedelta(days=options.erase_after_days)

    def revoke_later(guardian: Guardian) -> None:
        revoke(session, guardian, reason=REMOVED_FROM_ROSTER, actor="import", due_at=erase_at)

    removed = (
        _remove_unlisted(session, setting_id, Guardian, guardians, revoke_later)
        + _remove_unlisted(session, setting_id, Staff, staff, session.delete)
        + _remove_unlisted(session, setting_id, Child, children, session.delete)
    )
    session.flush()
    return removed


def _remove_unlisted(
    session: Session,
    setting_id: int,
    model: type[Person],
    kept: dict[str, Person],
    remove: Callable[[Person], None],
) -> int:
    """`remove` the setting's rows of this kind that are not kept; how many went."""
    keep_ids = {row.id for row in kept.values()}
    gone = [row for row in session.scalars(select(model).where(model.setting_id == setting_id))]
    for row in gone:
        if row.id not in keep_ids:
            remove(row)
    return sum(row.id not in keep_ids for row in gone)


def _replace_emergency_contacts(
    session: Session, contacts: list[EmergencyContactRow], children: dict[str, Child]
) -> None:
    child_ids = [child.id for child in children.values()]
    session.execute(delete(EmergencyContact).where(EmergencyContact.child_id.in_(child_ids)))
    session.add_all(
        EmergencyContact(
            child_id=children[row.child].id,
            name=row.name,
            phone=row.phone,
            relationship_to_child=row.relationship,
        )
        for row in contacts
    )
    session.flush()
