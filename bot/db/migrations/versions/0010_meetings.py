"""meetings: key-person meetings and parents' evening slots, and staff meeting hours

A booked slot is held by a partial unique index on (staff_id, start) over booked meetings, on
SQLite and PostgreSQL alike. Existing staff get empty meeting hours.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 17:08:11.565240
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("setting_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("start", bot.db.models.base.UTCDateTime(), nullable=False),
        sa.Column("end", bot.db.models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("booked_by", sa.String(length=64), nullable=False),
        sa.Column("ics_token", sa.String(length=64), nullable=False),
        sa.Column("moved_from_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", bot.db.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", bot.db.models.base.UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", bot.db.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["moved_from_id"],
            ["meetings.id"],
            name=op.f("fk_meetings_moved_from_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["setting_id"],
            ["settings.id"],
            name=op.f("fk_meetings_setting_id_settings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_meetings_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("ics_token", name=op.f("uq_meetings_ics_token")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(
            "uq_meetings_staff_start_booked",
            ["staff_id", "start"],
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )

    op.create_table(
        "meeting_children",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
            name=op.f("fk_meeting_children_child_id_children"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_children_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "child_id", name=op.f("pk_meeting_children")),
    )
    with op.batch_alter_table("meeting_children", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_children_child_id"), ["child_id"], unique=False
        )

    op.create_table(
        "meeting_guardians",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_meeting_guardians_guardian_id_guardians"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_guardians_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "guardian_id", name=op.f("pk_meeting_guardians")),
    )
    with op.batch_alter_table("meeting_guardians", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_guardians_guardian_id"), ["guardian_id"], unique=False
        )

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("meeting_hours", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("meeting_hours")

    with op.batch_alter_table("meeting_guardians", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_guardians_guardian_id"))

    op.drop_table("meeting_guardians")
    with op.batch_alter_table("meeting_children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_children_child_id"))

    op.drop_table("meeting_children")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meetings_staff_start_booked",
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )
        batch_op.drop_index(batch_op.f("ix_meetings_staff_id"))

    op.drop_table("meetings")
