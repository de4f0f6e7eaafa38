"""Engine and session creation for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

try:
    import fcntl
except ImportError:  # Windows: processes fall back on SQLite's busy handler
    fcntl = None  # type: ignore[assignment]


def data_dir() -> Path:
    """Where the embedded SQLite database lives: `PARENTBOT_DATA_DIR`, default `./data`."""
    return Path(os.environ.get("PARENTBOT_DATA_DIR", "data"))


def database_url() -> str:
    """`DATABASE_URL` when set (PostgreSQL in production), else a SQLite file in the data dir."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / 'parentbot.sqlite3').resolve()}"


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the Heroku way (`postgres://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout for many workers."""
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # One writer at a time, taken at BEGIN: two workers never deadlock upgrading a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    On SQLite, where one writer at a time holds the database, writers queue on a lock first
    (threads, and processes sharing the file): they wake as soon as it is free, instead of
    polling in SQLite's busy handler."""
    with _writer_turn(factory), factory() as session, session.begin():
        yield session


class SqliteWriterLock:
    """One writer at a time: this process's threads queue on an RLock, and processes on an
    exclusive flock of a file beside the database (none for an in-memory database)."""

    def __init__(self, database: str | None) -> None:
        self._threads = threading.RLock()
        self._depth = 0  # re-entry by the holding thread takes the file lock only once
        in_memory = not database or database == ":memory:" or fcntl is None
        self._file = None if in_memory else open(f"{database}.writer-lock", "a+b")  # noqa: SIM115

    def __enter__(self) -> None:
        self._threads.acquire()
        self._depth += 1
        if self._depth == 1 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *_exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()


_SQLITE_WRITERS: dict[str, SqliteWriterLock] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()


def _writer_turn(factory: sessionmaker[Session]) -> AbstractContextManager[object]:
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return nullcontext()
    with _SQLITE_WRITERS_GUARD:
        key = str(bind.url)
        if key not in _SQLITE_WRITERS:
            _SQLITE_WRITERS[key] = SqliteWriterLock(bind.url.database)
        return _SQLITE_WRITERS[key]


def insert_unless_present(session: Session, entity: Any, **values: Any) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new row's id, None when a unique key was taken.

    Race-safe without a savepoint, on SQLite and PostgreSQL alike."""
    statement = _insert_unless_present(session.get_bind().dialect.name, entity)
    inserted: int | None = session.scalar(statement, values)
    return inserted


@functools.cache
def _insert_unless_present(dialect_name: str, entity: Any) -> Any:
    """The statement, built once per dialect and table (building costs more than running); on
    the plain table, so no ORM bookkeeping runs for it."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = entity.__table__
    return dialect.insert(table).on_conflict_do_nothing().returning(table.c.id)


_ONLY_PROCESS: dict[str, Any] = {}  # role -> the open lock file, held while the process lives


def only_process(factory: sessionmaker[Session], role: str) -> bool:
    """On a SQLite file, claim being the one process of `role` (turns, deliver) for as long as
    this process lives: False when another process already is. SQLite has one writer at a
    time, so a second turns or delivery process would only queue behind the first (and could
    answer a parent out of order). PostgreSQL (and an in-memory database): always True."""
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite" or fcntl is None:
        return True
    database = bind.url.database
    if not database or database == ":memory:" or role in _ONLY_PROCESS:
        return True
    handle = open(f"{database}.{role}-lock", "a+b")  # noqa: SIM115 - held until exit
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    _ONLY_PROCESS[role] = handle
    return True
