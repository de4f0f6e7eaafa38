"""staff hold several roles (the designated safeguarding lead is often also the manager)

Each member's single `role` becomes the one-element list `roles`. Downgrading keeps the first
role only, so a safeguarding lead who is also a manager goes back to being a manager.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAFF = sa.table(
    "staff",
    sa.column("id", sa.Integer()),
    sa.column("role", sa.String(length=32)),
    sa.column("roles", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roles", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for staff_id, role in connection.execute(sa.select(_STAFF.c.id, _STAFF.c.role)).all():
        connection.execute(
            _STAFF.update().where(_STAFF.c.id == staff_id).values(roles=[role] if role else [])
        )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.alter_column("roles", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("role")


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    for staff_id, roles in connection.execute(sa.select(_STAFF.c.id, _STAFF.c.roles)).all():
        first = roles[0] if roles else "practitioner"
        connection.execute(_STAFF.update().where(_STAFF.c.id == staff_id).values(role=first))
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column("roles")
