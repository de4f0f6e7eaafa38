"""Write a validated setting folder into the database: updates in place, never duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

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
from bot.roster.folder import GuardianRow, SettingFolder, read_setting_folder
from bot.roster.setting import SettingData


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
    staff = _upsert_staff(session, setting.id, folder, rooms)
    children = _upsert_children(session, setting.id, folder, rooms, staff)
    guardians = _upsert_guardians(session, setting.id, folder, children)
    removed = _remove_missing(session, setting.id, staff, children, guardians)
    _replace_emergency_contacts(session, folder, children)
    report = import_policies(session, setting.id, folder.policies_dir)
    details = {"folder": str(folder.path), "removed": removed}
    audit(session, "import", "roster_imported", f"setting:{setting.id}", details)
    session.flush()
    return ImportSummary(
        setting_id=setting.id,
        rooms=len(rooms),
        staff=len(staff),
        children=len(children),
        guardians=len(guardians),
        policies=len(report.added) + len(report.updated) + len(report.unchanged),
        removed=removed,
        policy_problems=tuple(f"{failure.filename}: {failure.reason}" for failure in report.failed),
        uncurated_languages=_uncurated_languages(folder.guardians),
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
    session: Session, setting_id: int, folder: SettingFolder, rooms: dict[str, Room]
) -> dict[str, Staff]:
    existing = {
        s.name: s for s in session.scalars(select(Staff).where(Staff.setting_id == setting_id))
    }
    result: dict[str, Staff] = {}
    for row in folder.staff:
        member = existing.get(row.name) or Staff(setting_id=setting_id, name=row.name)
        member.phone, member.email, member.roles = row.phone, row.email, row.roles
        member.room_id = rooms[row.room].id if row.room else None
        session.add(member)
        result[row.name] = member
    session.flush()
    return result


def _upsert_children(
    session: Session,
    setting_id: int,
    folder: SettingFolder,
    rooms: dict[str, Room],
    staff: dict[str, Staff],
) -> dict[str, Child]:
    existing = {
        f"{c.first_name} {c.last_name}": c
        for c in session.scalars(select(Child).where(Child.setting_id == setting_id))
    }
    result: dict[str, Child] = {}
    for row in folder.children:
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
    session: Session, setting_id: int, folder: SettingFolder, children: dict[str, Child]
) -> dict[str, Guardian]:
    existing = {
        g.phone: g
        for g in session.scalars(select(Guardian).where(Guardian.setting_id == setting_id))
    }
    result: dict[str, Guardian] = {}
    for row in folder.guardians:
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
    removed = 0
    kept_by_model: tuple[tuple[type[Guardian | Staff | Child], dict], ...] = (
        (Guardian, guardians),
        (Staff, staff),
        (Child, children),
    )
    for model, kept in kept_by_model:
        keep_ids = {row.id for row in kept.values()}
        for row in session.scalars(select(model).where(model.setting_id == setting_id)):
            if row.id not in keep_ids:
                if isinstance(row, Guardian):
                    revoke(
                        session, row, reason=REMOVED_FROM_ROSTER, actor="import", due_at=erase_at
                    )
                else:
                    session.delete(row)
                removed += 1
    session.flush()
    return removed


def _replace_emergency_contacts(
    session: Session, folder: SettingFolder, children: dict[str, Child]
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
        for row in folder.emergency_contacts
    )
    session.flush()
