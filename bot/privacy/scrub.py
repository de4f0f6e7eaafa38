"""Replacing an erased person in what the setting keeps: their phone numbers (in any format),
e-mail addresses, full names and chat ids by markers, and their own words, where they are not
kept on purpose, by "[erased message]". `scrub_tables` runs it over every text and JSON column
of every table but the roster's, so a table added later is covered without being named."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import phonenumbers
from sqlalchemy import JSON, String, Table, select, update
from sqlalchemy.orm import Session

from bot.db.models import Base
from bot.pipeline.identity import PHONE_CHANNELS
from bot.privacy.subject import Subject
from bot.privacy.tables import ROSTER_TABLES

ERASED_PHONE = "[phone erased]"
ERASED_EMAIL = "[e-mail erased]"
ERASED_ID = "[chat id erased]"
ERASED_WORDS = "[erased message]"
MIN_WORDS_LENGTH = 12  # shorter messages ("ok thanks") are too common to find safely
_SEPARATOR = r"[\s().-]*"

KeepWords = set[tuple[str, Any]]  # (table, primary key) rows whose words are kept on purpose
# Other people's own messages: their words stay even where they match the person's (a parent
# writing the same "Maya's off today, temperature" as the other); numbers and names still go.
OWN_WORDS_TABLES = frozenset({"inbound_log"})


def phone_pattern(e164: str) -> str:
    """A number in E.164, national or international format, with any spaces, dots, dashes or
    brackets between its digits ("+447700900101", "07700 900101", "+44 (0)7700-900 101")."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return rf"(?<!\d){re.escape(e164)}(?!\d)"
    body = _SEPARATOR.join(str(number.national_number))
    prefix = rf"(?:(?:\+|00)\s*{number.country_code}{_SEPARATOR}(?:0{_SEPARATOR})?|0{_SEPARATOR})?"
    return rf"(?<!\d){prefix}{body}(?!\d)"


class Scrubber:
    """Finds one person in text and JSON values and puts markers in their place."""

    def __init__(self, subject: Subject, reference: str, words: Iterable[str] = ()) -> None:
        chat_ids = {ext for channel, ext in subject.addresses if channel not in PHONE_CHANNELS}
        parts = [
            (ERASED_PHONE, [phone_pattern(phone) for phone in sorted(subject.phones)]),
            (ERASED_EMAIL, [re.escape(email) for email in sorted(subject.emails)]),
            (
                f"[erased guardian {reference}]",
                [rf"(?<!\w){_spaced(name)}(?!\w)" for name in sorted(subject.names)],
            ),
            (ERASED_ID, [rf"(?<![\w-]){re.escape(i)}(?![\w-])" for i in sorted(chat_ids)]),
        ]
        self._identifiers = [
            (re.compile("|".join(patterns), re.IGNORECASE), marker)
            for marker, patterns in parts
            if patterns
        ]
        texts = sorted(
            {w.strip() for w in words if len(w.strip()) >= MIN_WORDS_LENGTH}, key=len, reverse=True
        )
        self._words = re.compile("|".join(map(re.escape, texts))) if texts else None

    def text(self, value: str, *, keep_words: bool = False) -> str:
        """The text with the person replaced (and their words, unless kept on purpose)."""
        if self._words is not None and not keep_words:
            value = self._words.sub(ERASED_WORDS, value)
        for pattern, marker in self._identifiers:
            value = pattern.sub(marker, value)
        return value

    def value(self, value: Any, *, keep_words: bool = False) -> Any:
        """A JSON value with every string in it scrubbed (keys too)."""
        if isinstance(value, str):
            return self.text(value, keep_words=keep_words)
        if isinstance(value, list):
            return [self.value(item, keep_words=keep_words) for item in value]
        if isinstance(value, dict):
            return {
                self.text(str(key)): self.value(item, keep_words=keep_words)
                for key, item in value.items()
            }
        return value


def _spaced(name: str) -> str:
    return r"\s+".join(re.escape(part) for part in name.split())


def scrub_tables(
    session: Session, scrubber: Scrubber, keep_words: KeepWords
) -> dict[str, list[Any]]:
    """Scrub every text and JSON column of every table outside the roster's; the primary keys
    of the rows changed, per table."""
    changed: dict[str, list[Any]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in ROSTER_TABLES:
            continue
        keys = _scrub_table(session, table, scrubber, keep_words)
        if keys:
            changed[table.name] = keys
    return changed


def text_columns(table: Table) -> list[Any]:
    """The columns of `table` that hold text or JSON."""
    return [
        column
        for column in table.columns
        if isinstance(column.type, String | JSON) and not column.primary_key
    ]


def _scrub_table(
    session: Session, table: Table, scrubber: Scrubber, keep_words: KeepWords
) -> list[Any]:
    columns = text_columns(table)
    key = list(table.primary_key.columns)
    if not columns or len(key) != 1:
        return []
    changed = []
    for row in session.execute(select(key[0], *columns)).all():
        keep = table.name in OWN_WORDS_TABLES or (table.name, row[0]) in keep_words
        values = {
            column.name: scrubber.value(old, keep_words=keep)
            for column, old in zip(columns, row[1:], strict=True)
            if old is not None
        }
        values = {name: new for name, new in values.items() if new != row._mapping[name]}
        if values:
            session.execute(update(table).where(key[0] == row[0]).values(**values))
            changed.append(row[0])
    return changed
