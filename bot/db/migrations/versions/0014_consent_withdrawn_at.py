"""consents.withdrawn_at: when a family withdrew consent they had given (their answer is then "no")

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 21:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("withdrawn_at", bot.db.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("withdrawn_at")
