"""policy synonyms: a setting's own parent-vocabulary entries, added on the dashboard

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 17:26:11.131457
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("setting_id", sa.Integer(), nullable=False),
        sa.Column("parent_words", sa.String(length=100), nullable=False),
        sa.Column("policy_words", sa.JSON(), nullable=False),
        sa.Column("added_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("added_at", bot.db.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_policy_synonyms_added_by_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["setting_id"],
            ["settings.id"],
            name=op.f("fk_policy_synonyms_setting_id_settings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_synonyms")),
        sa.UniqueConstraint(
            "setting_id", "parent_words", name=op.f("uq_policy_synonyms_setting_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("policy_synonyms")
