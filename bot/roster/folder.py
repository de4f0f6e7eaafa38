"""Read and validate a setting folder into plain data, collecting every problem in one run.

Each CSV row is parsed as far as its cells allow, so a row with one bad cell still has its other
cells checked, still counts as a known name for the other files, and still has its references to
rooms, staff and children checked: fixing one problem never reveals another on the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.roster import fields, illness
from bot.roster.csvfile import read_csv
from bot.roster.errors import RosterInvalid, RowError
from bot.roster.setting import SettingData, read_setting

Parser = Callable[[str], Any]
T = TypeVar("T")


@dataclass(frozen=True)
class StaffRow:
    name: str
    phone: str | None
    email: str
    roles: list[str]
    room: str | None
    meeting_hours: str = ""


@dataclass(frozen=True)
class ChildRow:
    first_name: str
    last_name: str
    known_as: str | None
    date_of_birth: date | None
    room: str | None
    key_person: str | None
    days: list[str]
    authorised_collectors: list[str]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class GuardianRow:
    name: str
    phone: str
    email: str
    relationship: str
    language: str
    children: list[str]
    can_collect: bool


@dataclass(frozen=True)
class EmergencyContactRow:
    child: str
    name: str
    phone: str
    relationship: str


@dataclass(frozen=True)
class Roster:
    """The people of a setting folder's CSVs, validated: staff, children, guardians and their
    emergency contacts (None when emergency_contacts.csv was not given to a roster upload)."""

    staff: list[StaffRow]
    children: list[ChildRow]
    guardians: list[GuardianRow]
    emergency_contacts: list[EmergencyContactRow] | None


@dataclass(frozen=True)
class SettingFolder:
    """Everything a setting folder holds, validated and ready to import."""

    path: Path
    setting: SettingData
    roster: Roster

    @property
    def policies_dir(self) -> Path:
        return self.path / "policies"


@dataclass(frozen=True)
class _Column:
    parse: Parser
    required: bool = False  # the header must name it


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, Any]  # column -> parsed value, for every cell that parsed


@dataclass(frozen=True)
class _Table:
    """One CSV file's rows, each parsed as far as its cells allow."""

    file: str
    columns: frozenset[str]  # the columns its rows have values for (none when unreadable)
    rows: list[_Row]

    def names(self, *columns: str) -> set[str] | None:
        """Each row's `columns` joined by spaces; None when the file lacks them (not judged)."""
        if not self.columns.issuperset(columns):
            return None
        return {
            " ".join(row.values[column] for column in columns)
            for row in self.rows
            if all(column in row.values for column in columns)
        }

    def check_unique(self, columns: tuple[str, ...], what: str, errors: list[RowError]) -> None:
        """A row whose `columns` (any case) repeat an earlier row's is reported at its line."""
        first_line: dict[tuple[str, ...], int] = {}
        for row in self.rows:
            if not all(column in row.values for column in columns):
                continue
            key = tuple(str(row.values[column]).lower() for column in columns)
            if key in first_line:
                message = f"{what} listed twice (first at line {first_line[key]})"
                errors.append(RowError(self.file, row.line, columns[0], message))
            first_line.setdefault(key, row.line)

    def check_refs(
        self, column: str, known: set[str] | None, what: str, errors: list[RowError]
    ) -> None:
        """Each name in `column` must be in `known` (unless unknown) and appear once a row."""
        for row in self.rows:
            value = row.values.get(column)
            seen: set[str] = set()
            for name in value if isinstance(value, list) else [value]:
                if name is None:
                    continue
                if name in seen:
                    message = f"{name!r} is listed twice"
                    errors.append(RowError(self.file, row.line, column, message))
                elif known is not None and name not in known:
                    errors.append(RowError(self.file, row.line, column, f"unknown {what} {name!r}"))
                seen.add(name)

    def built(self, build: Callable[..., T], **renamed: str) -> list[T]:
        """The rows as `build` objects (once no problem was found, every cell parsed); a column
        in `renamed` is passed as the field it names."""
        return [
            build(**{renamed.get(column, column): value for column, value in row.values.items()})
            for row in self.rows
        ]


def read_setting_folder(path: Path) -> SettingFolder:
    """Validate the whole folder; raise RosterInvalid listing every problem found."""
    errors: list[RowError] = []
    setting, rooms = read_setting(path / "setting.toml", errors)
    tables = _read_people(path, rooms, errors)
    if setting is not None and (path / illness.FILENAME).exists():
        setting.options[illness.OPTION] = illness.read_table(path / illness.FILENAME, errors)
    if errors or setting is None:
        raise RosterInvalid(errors)
    return SettingFolder(path, setting, _built(*tables))


def read_roster(path: Path, rooms: set[str]) -> Roster:
    """Validate the roster CSVs in `path` against the setting's `rooms` (a roster upload: no
    setting.toml, no policies); raise RosterInvalid listing every problem found. Without an
    emergency_contacts.csv the roster's `emergency_contacts` is None (keep the current ones)."""
    errors: list[RowError] = []
    tables = _read_people(path, rooms, errors)
    if errors:
        raise RosterInvalid(errors)
    roster = _built(*tables)
    if not (path / CONTACTS_FILE).exists():
        return Roster(roster.staff, roster.children, roster.guardians, None)
    return roster


CONTACTS_FILE = "emergency_contacts.csv"
ROSTER_FILES = ("staff.csv", "children.csv", "guardians.csv", CONTACTS_FILE)


def _read_people(
    path: Path, rooms: set[str] | None, errors: list[RowError]
) -> tuple[_Table, _Table, _Table, _Table]:
    """The CSVs read and checked against each other and the rooms (None: not judged); a
    missing emergency_contacts.csv is an empty one."""
    staff = _read_table(path / "staff.csv", _STAFF, errors)
    children = _read_table(path / "children.csv", _CHILDREN, errors)
    guardians = _read_table(path / "guardians.csv", _GUARDIANS, errors)
    contacts_path = path / CONTACTS_FILE
    contacts = (
        _read_table(contacts_path, _CONTACTS, errors)
        if contacts_path.exists()
        else _Table(contacts_path.name, frozenset(), [])
    )
    child_names = children.names("first_name", "last_name")
    staff.check_unique(("name",), "value", errors)
    staff.check_refs("room", rooms, "room", errors)
    children.check_unique(("first_name", "last_name"), "child", errors)
    children.check_refs("room", rooms, "room", errors)
    children.check_refs("key_person", staff.names("name"), "key person", errors)
    guardians.check_unique(("phone",), "value", errors)
    guardians.check_refs("children", child_names, "child", errors)
    contacts.check_unique(("name", "child"), "contact for this child", errors)
    contacts.check_refs("child", child_names, "child", errors)
    return staff, children, guardians, contacts


def _built(staff: _Table, children: _Table, guardians: _Table, contacts: _Table) -> Roster:
    """The checked tables as rows (only once no problem was found)."""
    return Roster(
        staff=staff.built(StaffRow, role="roles"),
        children=children.built(ChildRow),
        guardians=guardians.built(GuardianRow),
        emergency_contacts=contacts.built(EmergencyContactRow),
    )


def _read_table(path: Path, spec: dict[str, _Column], errors: list[RowError]) -> _Table:
    """Every row's cells parsed by `spec`; a missing required column is reported once."""
    table = read_csv(path, errors)
    if table is None:
        return _Table(path.name, frozenset(), [])
    missing = [name for name, c in spec.items() if c.required and name not in table.columns]
    if missing:
        where = RowError(path.name, table.header_line, ", ".join(missing), "column is missing")
        errors.append(where)
    parsed = {name: column.parse for name, column in spec.items() if name not in missing}
    rows = [_parsed_row(path.name, line, cells, parsed, errors) for line, cells in table.rows]
    return _Table(path.name, frozenset(parsed), rows)


def _parsed_row(
    file: str, line: int, cells: dict[str, str], parsers: dict[str, Parser], errors: list[RowError]
) -> _Row:
    values: dict[str, Any] = {}
    for column, parse in parsers.items():
        try:
            values[column] = parse(cells.get(column, ""))
        except fields.FieldError as problem:
            errors.append(RowError(file, line, column, str(problem)))
    return _Row(line, values)


def _optional(parser: Parser) -> Parser:
    return lambda value: parser(value) if value.strip() else None


def _required(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise fields.FieldError("is required")
    return cleaned


def _text(value: str) -> str:
    return " ".join(value.split())


def _then(first: Parser, second: Parser) -> Parser:
    return lambda value: second(first(value))


def _spec(required: Iterable[str], **parsers: Parser) -> dict[str, _Column]:
    names = set(required)
    return {name: _Column(parse, name in names) for name, parse in parsers.items()}


_STAFF = _spec(
    ("name", "role"),
    name=_required,
    phone=_optional(fields.phone_e164),
    email=_text,
    role=fields.staff_roles,
    room=_optional(_text),
    meeting_hours=fields.meeting_hours,
)
_CHILDREN = _spec(
    ("first_name", "last_name"),
    first_name=_required,
    last_name=_required,
    known_as=_optional(_text),
    date_of_birth=_optional(fields.iso_date),
    room=_optional(_text),
    key_person=_optional(_text),
    days=fields.weekdays,
    authorised_collectors=fields.split_names,
)
_GUARDIANS = _spec(
    ("name", "phone", "children", "can_collect"),
    name=_required,
    phone=_then(_required, fields.phone_e164),
    email=_text,
    relationship=_text,
    language=fields.language_code,
    children=_then(_required, fields.split_names),
    can_collect=fields.yes_no,
)
_CONTACTS = _spec(
    ("child", "name", "phone"),
    child=_required,
    name=_required,
    phone=_then(_required, fields.phone_e164),
    relationship=_text,
)
