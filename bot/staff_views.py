"""Read-only views staff use from the CLI (and later the dashboard)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Guardian, HandoffItem


def unanswered_questions(sessions: sessionmaker[Session], limit: int = 200) -> list[str]:
    """Policy questions nothing in the policies covered: `date  status  guardian: question`."""
    with sessions() as session:
        rows = session.execute(
            select(HandoffItem, Guardian.name)
            .outerjoin(Guardian, Guardian.id == HandoffItem.guardian_id)
            .where(HandoffItem.kind == "policy_unanswered")
            .order_by(HandoffItem.created_at.desc(), HandoffItem.id.desc())
            .limit(limit)
        ).all()
    return [
        f"{item.created_at:%Y-%m-%d %H:%M}  {item.status:<6}  {name or 'unknown'}: {item.text}"
        for item, name in rows
    ]
