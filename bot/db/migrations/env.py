"""Alembic environment: the database URL comes from the config or from DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from bot.db.models import Base
from bot.db.session import database_url, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or database_url()


def run_offline() -> None:
    context.configure(
        url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
