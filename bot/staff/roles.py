"""Staff roles, as staff.csv lists them (several per person: a designated safeguarding lead is
often also the manager or a key person), and who holds one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Staff

KEY_PERSON = "key_person"
PRACTITIONER = "practitioner"
MANAGER = "manager"
ADMIN = "admin"
SAFEGUARDING_LEAD = "safeguarding_lead"  # the EYFS designated safeguarding lead, or a deputy
ROLES = (KEY_PERSON, PRACTITIONER, MANAGER, ADMIN, SAFEGUARDING_LEAD)


def members_with(session: Session, setting_id: int, role: str) -> list[Staff]:
    """The setting's staff who hold `role`, oldest first (a setting has tens of staff: the roles
    list is read in Python, the same on SQLite and PostgreSQL)."""
    staff = session.scalars(select(Staff).where(Staff.setting_id == setting_id).order_by(Staff.id))
    return [member for member in staff if member.has_role(role)]


def sees_safeguarding(member: Staff) -> bool:
    """Safeguarding items are for the designated safeguarding lead(s) and the managers only."""
    return member.has_role(SAFEGUARDING_LEAD) or member.has_role(MANAGER)
