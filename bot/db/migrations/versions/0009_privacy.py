"""erasures, and collection changes that outlive the guardian who gave them

A guardian's erasure (the `erase` command, or `erase_after_days` after the roster dropped them)
is kept in `erasures`. A collection change is an attendance record the setting keeps: its
guardian becomes NULL when that guardian is erased instead of the record being deleted with them.
Downgrading deletes collection changes whose guardian is gone (as erasing did before).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_collection_changes_guardian_id_guardians"


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("setting_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", bot.db.models.UTCDateTime(), nullable=False),
        sa.Column("due_at", bot.db.models.UTCDateTime(), nullable=False),
        sa.Column("done_at", bot.db.models.UTCDateTime(), nullable=True),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("kept", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["setting_id"],
            ["settings.id"],
            name=op.f("fk_erasures_setting_id_settings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasures_due_at"), ["due_at"], unique=False)
    with op.batch_alter_table("collection_changes", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.alter_column("guardian_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(FK, "guardians", ["guardian_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    op.execute("DELETE FROM collection_changes WHERE guardian_id IS NULL")
    with op.batch_alter_table("collection_changes", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.alter_column("guardian_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(FK, "guardians", ["guardian_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasures_due_at"))
    op.drop_table("erasures")
