"""conversation states named "<flow>:<step>", each flow's data under its own key

Data only, no schema change. States: "notice.child" becomes "notice:child" (likewise date,
collector, done) and "chase" becomes "chase:asked". Context: the notice draft and its "asked
again" flag go under "notice", the languages declined and the one offered under "language"; the
chase's data keeps its key and shape; "offered" stays. A question pending at the deploy is
answered after it. Downgrading writes the old shapes back.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:00:00.000000
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONVERSATIONS = sa.table(
    "conversations",
    sa.column("id", sa.Integer()),
    sa.column("state", sa.String(length=64)),
    sa.column("context", sa.JSON()),
)
_STATES = {
    "notice.child": "notice:child",
    "notice.date": "notice:date",
    "notice.collector": "notice:collector",
    "notice.done": "notice:done",
    "chase": "chase:asked",
}


def _new_context(old: dict[str, Any]) -> dict[str, Any]:
    new: dict[str, Any] = {"offered": old.get("offered", [])}
    if old.get("draft"):
        new["notice"] = {"draft": old["draft"], "again": bool(old.get("again"))}
    if old.get("chase"):
        new["chase"] = {"again": False} | old["chase"]
    if old.get("declined_languages") or old.get("offered_language"):
        declined, offered = old.get("declined_languages", []), old.get("offered_language")
        new["language"] = {"declined": declined, "offered": offered}
    return new


def _old_context(new: dict[str, Any]) -> dict[str, Any]:
    old: dict[str, Any] = {"offered": new.get("offered", [])}
    notice, language = new.get("notice") or {}, new.get("language") or {}
    if notice:
        old |= {"draft": notice["draft"]} | ({"again": True} if notice.get("again") else {})
    if new.get("chase"):
        old["chase"] = new["chase"]
    if language.get("declined"):
        old["declined_languages"] = language["declined"]
    if language.get("offered"):
        old["offered_language"] = language["offered"]
    return old


def _rewrite(states: dict[str, str], context: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    connection = op.get_bind()
    table = _CONVERSATIONS
    rows = connection.execute(sa.select(table.c.id, table.c.state, table.c.context)).all()
    for conversation_id, state, old in rows:
        values = {"state": states.get(state, state), "context": context(dict(old or {}))}
        connection.execute(table.update().where(table.c.id == conversation_id).values(**values))


def upgrade() -> None:
    _rewrite(_STATES, _new_context)


def downgrade() -> None:
    _rewrite({new: old for old, new in _STATES.items()}, _old_context)
