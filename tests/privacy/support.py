"""Looking for a person everywhere: every text and JSON column of every table, and every string
in an export; and the demo nursery's families."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Base, Child, Guardian, GuardianChild
from parentbot import setup
from tests.conftest import DEMO

SARAH = "+447700900101"  # Maya's and Leo's mum
MARK = "+447700900102"  # their dad
MAGDA = "+447700900111"  # Jakub's and Zofia's mum, writes in Polish
FIONA = "+447700900121"  # Isla's mum
JESS = "+447700900002"  # key person of Saplings (Maya's room)
PRIYA = "+447700900001"  # manager and safeguarding lead


def every_stored_text(sessions: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    """(table, column, text) for every value of every text or JSON column of every table the
    models define, tables added later included; JSON as its text."""
    found = []
    with sessions() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | JSON)]
            if not columns:
                continue
            for row in session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        text = (
                            value
                            if isinstance(value, str)
                            else json.dumps(value, ensure_ascii=False)
                        )
                        found.append((table.name, column.name, text))
    return found


def phone_forms(e164: str) -> list[str]:
    """How a UK mobile is written: +447700900101, 07700 900101, 07700900101, 7700 900101."""
    national = "0" + e164.removeprefix("+44")
    return [e164, national, f"{national[:5]} {national[5:]}", national[1:]]


def strings_in(value: Any) -> Iterator[str]:
    """Every string (keys too) in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def other_families(session: Session, phone: str) -> tuple[set[str], set[str]]:
    """(name words, phones) of every guardian and child who shares no child with this guardian."""
    guardian = session.scalars(select(Guardian).where(Guardian.phone == phone)).one()
    own = {child.id for child in guardian.children}
    family = set(
        session.scalars(select(GuardianChild.guardian_id).where(GuardianChild.child_id.in_(own)))
    )
    words, phones = set(), set()
    for other in session.scalars(select(Guardian).where(Guardian.id.not_in(family))):
        words.update(other.name.split())
        phones.add(other.phone)
    for child in session.scalars(select(Child).where(Child.id.not_in(own))):
        words.update(
            [child.first_name, child.last_name, *([child.known_as] if child.known_as else [])]
        )
    family_words = {
        word
        for member in session.scalars(select(Guardian).where(Guardian.id.in_(family)))
        for word in member.name.split()
    } | {word for child in guardian.children for word in (child.first_name, child.last_name)}
    return words - family_words, phones


def mentions(text: str, word: str) -> bool:
    """Whether `word` occurs in `text` as a whole word, any case."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def roster_copy(tmp_path: Path) -> Path:
    """The demo nursery's folder, to edit."""
    folder = tmp_path / "setting"
    shutil.copytree(DEMO, folder)
    return folder


def drop_guardian(folder: Path, name: str) -> None:
    """Take a guardian off guardians.csv."""
    path = folder / "guardians.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(row for row in lines if not row.startswith(name)) + "\n", encoding="utf-8"
    )


def set_option(folder: Path, line: str) -> None:
    """Add a line to setting.toml's [options] (the last table in the demo's file)."""
    with (folder / "setting.toml").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def import_without(
    sessions: sessionmaker[Session], tmp_path: Path, name: str, *options: str
) -> None:
    """Import the demo roster again without this guardian (and with these option lines)."""
    folder = roster_copy(tmp_path)
    for line in options:
        set_option(folder, line)
    drop_guardian(folder, name)
    setup.import_setting_folder(sessions, folder)
