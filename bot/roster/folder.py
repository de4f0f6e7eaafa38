"""Read and validate a setting folder into plain data, collecting every problem."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import illness
from bot.roster import fields
from bot.roster.errors import RosterInvalid, RowError

Parser = Callable[[str], Any]
T = TypeVar("T")


@dataclass(frozen=True)
class SettingData:
    """setting.toml, validated."""

    slug: str
    name: str
    timezone: str
    address: str
    phone: str
    email: str
    manager: str
    rooms: list[str]
    opening_hours: dict[str, str]
    closed_dates: list[str]
    options: dict[str, Any]


@dataclass(frozen=True)
class StaffRow:
    name: str
    phone: str | None
    email: str
    roles: list[str]
    room: str | None


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
class SettingFolder:
    """Everything a setting folder holds, validated and ready to import."""

    path: Path
    setting: SettingData
    staff: list[StaffRow]
    children: list[ChildRow]
    guardians: list[GuardianRow]
    emergency_contacts: list[EmergencyContactRow] = field(default_factory=list)

    @property
    def policies_dir(self) -> Path:
        return self.path / "policies"


def read_setting_folder(path: Path) -> SettingFolder:
    """Validate the whole folder; raise RosterInvalid listing every problem found."""
    errors: list[RowError] = []
    setting = _read_setting(path / "setting.toml", errors)
    rooms = set(setting.rooms) if setting else set()
    staff = _read_rows(path / "staff.csv", _STAFF, errors, StaffRow)
    _check_unique(path / "staff.csv", staff, lambda row: row.name.lower(), "name", errors)
    _check_refs(path / "staff.csv", staff, "room", rooms, "room", errors)
    children = _read_rows(path / "children.csv", _CHILDREN, errors, ChildRow)
    _check_unique(
        path / "children.csv",
        children,
        lambda r: r.full_name.lower(),
        "first_name",
        errors,
        what="child",
    )
    _check_refs(path / "children.csv", children, "room", rooms, "room", errors)
    staff_names = {row.name for _, row in staff}
    _check_refs(path / "children.csv", children, "key_person", staff_names, "key person", errors)
    guardians = _read_rows(path / "guardians.csv", _GUARDIANS, errors, GuardianRow)
    _check_unique(path / "guardians.csv", guardians, lambda row: row.phone, "phone", errors)
    child_names = {row.full_name for _, row in children}
    _check_refs(path / "guardians.csv", guardians, "children", child_names, "child", errors)
    contacts_path = path / "emergency_contacts.csv"
    contacts = (
        _read_rows(contacts_path, _CONTACTS, errors, EmergencyContactRow)
        if contacts_path.exists()
        else []
    )
    _check_refs(contacts_path, contacts, "child", child_names, "child", errors)
    if setting is not None and (path / illness.FILENAME).exists():
        setting.options[illness.OPTION] = illness.read_table(path / illness.FILENAME, errors)
    if errors or setting is None:
        raise RosterInvalid(errors)
    return SettingFolder(
        path=path,
        setting=setting,
        staff=[row for _, row in staff],
        children=[row for _, row in children],
        guardians=[row for _, row in guardians],
        emergency_contacts=[row for _, row in contacts],
    )


def _optional(parser: Parser) -> Parser:
    return lambda value: parser(value) if value.strip() else None


def _required(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise fields.FieldError("is required")
    return cleaned


def _text(value: str) -> str:
    return " ".join(value.split())


_STAFF: dict[str, tuple[str, Parser]] = {
    "name": ("name", _required),
    "phone": ("phone", _optional(fields.phone_e164)),
    "email": ("email", _text),
    "role": ("roles", fields.staff_roles),
    "room": ("room", _optional(_text)),
}
_CHILDREN: dict[str, tuple[str, Parser]] = {
    "first_name": ("first_name", _required),
    "last_name": ("last_name", _required),
    "known_as": ("known_as", _optional(_text)),
    "date_of_birth": ("date_of_birth", _optional(fields.iso_date)),
    "room": ("room", _optional(_text)),
    "key_person": ("key_person", _optional(_text)),
    "days": ("days", fields.weekdays),
    "authorised_collectors": ("authorised_collectors", fields.split_names),
}
_GUARDIANS: dict[str, tuple[str, Parser]] = {
    "name": ("name", _required),
    "phone": ("phone", lambda value: fields.phone_e164(_required(value))),
    "email": ("email", _text),
    "relationship": ("relationship", _text),
    "language": ("language", fields.language_code),
    "children": ("children", lambda value: fields.split_names(_required(value))),
    "can_collect": ("can_collect", fields.yes_no),
}
_CONTACTS: dict[str, tuple[str, Parser]] = {
    "child": ("child", _required),
    "name": ("name", _required),
    "phone": ("phone", lambda value: fields.phone_e164(_required(value))),
    "relationship": ("relationship", _text),
}
_OPTIONAL_COLUMNS = {
    "known_as",
    "date_of_birth",
    "days",
    "authorised_collectors",
    "email",
    "relationship",
    "room",
    "key_person",
    "phone",
    "language",
}


def _csv_rows(path: Path, errors: list[RowError]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        errors.append(RowError(path.name, 0, "", "file is missing"))
        return
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if any((value or "").strip() for value in row.values() if isinstance(value, str)):
                yield (
                    reader.line_num,
                    {
                        (key or "").strip().lower(): (value or "") if isinstance(value, str) else ""
                        for key, value in row.items()
                    },
                )


def _read_rows(
    path: Path, spec: dict[str, tuple[str, Parser]], errors: list[RowError], build: Callable[..., T]
) -> list[tuple[int, T]]:
    rows: list[tuple[int, T]] = []
    missing_reported = False
    for line, raw in _csv_rows(path, errors):
        missing = [c for c in spec if c not in raw and c not in _OPTIONAL_COLUMNS]
        if missing:
            if not missing_reported:
                errors.append(RowError(path.name, 1, ", ".join(missing), "column is missing"))
                missing_reported = True
            continue
        values: dict[str, Any] = {}
        ok = True
        for column, (attribute, parse) in spec.items():
            try:
                values[attribute] = parse(raw.get(column, ""))
            except fields.FieldError as problem:
                errors.append(RowError(path.name, line, column, str(problem)))
                ok = False
        if ok:
            rows.append((line, build(**values)))
    return rows


def _check_unique(
    path: Path,
    rows: list[tuple[int, T]],
    key: Callable[[T], str],
    column: str,
    errors: list[RowError],
    what: str = "value",
) -> None:
    first_line: dict[str, int] = {}
    for line, row in rows:
        value = key(row)
        if value in first_line:
            errors.append(
                RowError(
                    path.name,
                    line,
                    column,
                    f"{what} listed twice (first at line {first_line[value]})",
                )
            )
        else:
            first_line[value] = line


def _check_refs(
    path: Path,
    rows: list[tuple[int, T]],
    column: str,
    known: set[str],
    what: str,
    errors: list[RowError],
) -> None:
    for line, row in rows:
        value = getattr(row, column)
        for name in value if isinstance(value, list) else [value]:
            if name is not None and name not in known:
                errors.append(RowError(path.name, line, column, f"unknown {what} {name!r}"))


def _read_setting(path: Path, errors: list[RowError]) -> SettingData | None:
    if not path.exists():
        errors.append(RowError(path.name, 0, "", "file is missing"))
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as problem:
        errors.append(RowError(path.name, 0, "", f"not valid TOML: {problem}"))
        return None
    before = len(errors)
    setting = _setting_data(path, data, errors)
    return setting if len(errors) == before else None


def _setting_data(path: Path, data: dict[str, Any], errors: list[RowError]) -> SettingData:
    def problem(key: str, message: str) -> None:
        errors.append(RowError(path.name, 0, key, message))

    name = str(data.get("name", "")).strip()
    if not name:
        problem("name", "is required")
    timezone = str(data.get("timezone", "Europe/London"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problem("timezone", f"{timezone!r} is not an IANA time zone (e.g. Europe/London)")
    hours = {str(day).lower()[:3]: str(span) for day, span in data.get("opening_hours", {}).items()}
    for day, span in hours.items():
        if day not in fields.WEEKDAYS or not _is_time_span(span):
            problem("opening_hours", f'{day} = {span!r}: use mon = "07:30-18:00"')
    closed = [str(value) for value in data.get("closed_dates", [])]
    for value in closed:
        try:
            fields.iso_date(value)
        except fields.FieldError as bad:
            problem("closed_dates", str(bad))
    rooms = [str(room).strip() for room in data.get("rooms", []) if str(room).strip()]
    return SettingData(
        slug=str(data.get("slug") or path.parent.name),
        name=name,
        timezone=timezone,
        address=str(data.get("address", "")),
        phone=str(data.get("phone", "")),
        email=str(data.get("email", "")),
        manager=str(data.get("manager", "")),
        rooms=rooms,
        opening_hours=hours,
        closed_dates=sorted(closed),
        options=dict(data.get("options", {})),
    )


def _is_time_span(span: str) -> bool:
    parts = span.split("-")
    if len(parts) != 2:
        return False
    try:
        return all(
            0 <= int(h) < 24 and 0 <= int(m) < 60
            for h, m in (part.strip().split(":") for part in parts)
        )
    except ValueError:
        return False
