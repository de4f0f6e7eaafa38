"""A setting folder's problems: every one found in a single run, each named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.roster.errors import RosterInvalid
from bot.roster.folder import read_setting_folder
from tests.roster.helpers import append, demo_copy, replace_line


def _problems(folder: Path) -> list[str]:
    with pytest.raises(RosterInvalid) as raised:
        read_setting_folder(folder)
    return [str(error) for error in raised.value.errors]


def test_every_problem_in_the_folder_is_reported_in_one_run(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "setting.toml", '"Europe/London"', '"Europe/Lundon"')
    staff = folder / "staff.csv"
    staff.write_bytes(b"\xef\xbb\xbf" + staff.read_bytes())  # Excel's "CSV UTF-8" BOM
    replace_line(staff, "07700 900002", "07700 12")  # Jess: still a known key person
    replace_line(staff, "safeguarding_lead,Oaks", "safeguarding_lead,Oak")
    append(staff, "Kim Lee,07700 900007,kim@example.com,practitioner,Oaks,,extra")
    children = folder / "children.csv"
    replace_line(children, "2023-03-14,Saplings", "2023-02-30,Sunflowers")
    replace_line(children, "Oaks,Tom Okafor", "Oaks,Tom Okafr")
    append(children, "")
    append(children, 'Sam,"Patel,,2023-01-01,Oaks,Tom Okafor,,')
    append(children, "Rosa,Diaz,,2023-04-01,Oaks,Tom Okafor,,")
    guardians = folder / "guardians.csv"
    replace_line(guardians, "Maya Thompson;Leo Thompson,yes", "Maya Thompson;Oliver Thompson,yes")
    replace_line(guardians, "mother,pl,", "mother,xx,")
    replace_line(guardians, ",Isla Campbell,", ",Isla Campbell;Isla Campbell,")
    append(guardians, "Sarah Again,07700 900101,,,en,Rosa Diaz,no")
    contacts = folder / "emergency_contacts.csv"
    replace_line(contacts, "Maya Thompson,Linda", "Maya Thomson,Linda")
    replace_line(contacts, "Jakub Kowalski,Halina Kowalska,07700 900113", "Jakub Kowalski,H,0")

    assert sorted(_problems(folder)) == sorted(
        [
            "setting.toml:4: timezone: 'Europe/Lundon' is not an IANA time zone "
            "(e.g. Europe/London)",
            "staff.csv:3: phone: '07700 12' is not a valid phone number",
            "staff.csv:4: room: unknown room 'Oak'",
            "staff.csv:8: 7 values, but the header has 6 columns "
            '(a value with a comma in it needs "quotes")',
            "children.csv:2: date_of_birth: '2023-02-30' is not a date (YYYY-MM-DD)",
            "children.csv:2: room: unknown room 'Sunflowers'",
            "children.csv:3: key_person: unknown key person 'Tom Okafr'",
            f"children.csv:17: {UNCLOSED}",
            "guardians.csv:2: children: unknown child 'Oliver Thompson'",
            "guardians.csv:5: language: 'xx' is not an ISO 639-1 language code (e.g. en, pl, ur)",
            "guardians.csv:7: children: 'Isla Campbell' is listed twice",
            "guardians.csv:18: phone: value listed twice (first at line 2)",
            "emergency_contacts.csv:2: child: unknown child 'Maya Thomson'",
            "emergency_contacts.csv:4: phone: '0' is not a phone number",
        ]
    )


UNCLOSED = 'a quote (") opens a value that is not closed on this line'
TEXT_AFTER_QUOTE = 'text follows a closing quote (a quote inside a value is written "")'
TOO_FEW = '6 values, but the header has 7 columns (a value with a comma in it needs "quotes")'
BOM_INSIDE = "a byte-order mark (U+FEFF) inside the file: was another file pasted in?"
BOSS = "role: 'boss' is not a role (key_person, practitioner, manager, admin, safeguarding_lead)"
UNCLOSED_MAYA = [
    f"children.csv:2: {UNCLOSED}",
    "emergency_contacts.csv:2: child: unknown child 'Maya Thompson'",
    *(f"guardians.csv:{line}: children: unknown child 'Maya Thompson'" for line in (2, 3, 4)),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("children.csv", "Maya,Thompson,", 'Maya,"Thompson,', UNCLOSED_MAYA),
        ("staff.csv", "Lucy Green,", '"Lucy" Green,', [f"staff.csv:7: {TEXT_AFTER_QUOTE}"]),
        (
            "guardians.csv",
            "Sarah Thompson,07700 900101,",
            "Sarah,",
            [f"guardians.csv:2: {TOO_FEW}"],
        ),
        ("staff.csv", "Sam Patel,", "\ufeffSam Patel,", [f"staff.csv:6: {BOM_INSIDE}"]),
        ("staff.csv", "key_person,Saplings", "boss,Saplings", [f"staff.csv:3: {BOSS}"]),
        ("staff.csv", "name,phone", '"name,phone', [f"staff.csv:1: {UNCLOSED}"]),
    ],
    ids=[
        "unclosed_quote_does_not_swallow_the_lines_after_it",
        "text_after_a_closing_quote",
        "row_with_too_few_values_is_reported_not_shifted",
        "stray_byte_order_mark_inside_a_file",
        "key_person_whose_row_has_a_problem_is_not_also_unknown",
        "broken_header_hides_its_file_and_no_key_person_is_called_unknown",
    ],
)
def test_problem_is_named_by_file_and_line(
    tmp_path: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / file, old, new)
    assert _problems(folder) == expected


def test_people_listed_twice_are_reported(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "guardians.csv", ",Isla Campbell,", ",Isla Campbell; Isla  Campbell,")
    append(folder / "emergency_contacts.csv", "Maya Thompson,linda thompson,07700 900104,")
    assert _problems(folder) == [
        "emergency_contacts.csv:16: name: contact for this child listed twice (first at line 2)",
        "guardians.csv:7: children: 'Isla Campbell' is listed twice",
    ]


def test_setting_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "setting.toml", 'name = "Bramble Lane Nursery"', 'name = "Bramble')
    problems = _problems(folder)
    assert problems == ["setting.toml:3: not valid TOML: Illegal character '\\n' (column 16)"]


def test_blank_lines_and_a_leading_bom_keep_line_numbers_right(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    path = folder / "guardians.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    lines = [header, "", ",,,,,,", *rows]
    lines[5] = lines[5].replace("07700 900103", "12")  # Linda, now at line 6
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    assert _problems(folder) == ["guardians.csv:6: phone: '12' is not a valid phone number"]


def test_file_that_is_not_utf8_is_named_by_line(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    path = folder / "staff.csv"
    text = path.read_text(encoding="utf-8").replace("Lucy Green", "Zoë Green")
    path.write_bytes(text.encode("cp1252"))  # Excel's plain "CSV" on Windows
    assert _problems(folder) == ['staff.csv:7: not UTF-8 text: save the file as "CSV UTF-8"']


def test_utf16_file_is_reported_once(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    path = folder / "emergency_contacts.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    problems = _problems(folder)
    assert problems == ['emergency_contacts.csv: UTF-16 text: save the file as "CSV UTF-8"']


def test_header_problems_are_reported_with_the_other_rows_problems(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "staff.csv", "name,phone,email,role,room", "name,phone,email,job,room")
    replace_line(folder / "staff.csv", "07700 900003", "not a phone")
    replace_line(folder / "guardians.csv", "email,relationship,", "email,email,")
    path = folder / "emergency_contacts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert _problems(folder) == [
        "emergency_contacts.csv:1: columns are separated by ';': save the file with commas",
        "guardians.csv:1: email: column is named twice",
        "staff.csv:1: role: column is missing",
        "staff.csv:4: phone: 'not a phone' is not a phone number",
    ]


def test_empty_file_is_reported(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    (folder / "emergency_contacts.csv").write_text("\n\n", encoding="utf-8")
    assert _problems(folder) == [
        "emergency_contacts.csv: file is empty (the first line names the columns)"
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("xx", "'xx' is not an ISO 639-1 language code (e.g. en, pl, ur)"),
        ("english", "'english' is not an ISO 639-1 language code (for English write en)"),
        ("Polish", "'Polish' is not an ISO 639-1 language code (for Polish write pl)"),
        ("pt-BR", "'pt-BR' is not an ISO 639-1 language code (for Portuguese write pt)"),
        ("eng", "'eng' is not an ISO 639-1 language code (for English write en)"),
    ],
)
def test_language_must_be_an_iso_639_1_code(tmp_path: Path, value: str, problem: str) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "guardians.csv", "mother,pl,", f"mother,{value},")
    assert _problems(folder) == [f"guardians.csv:5: language: {problem}"]


def test_valid_language_without_curated_messages_is_accepted(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "guardians.csv", "mother,pl,", "mother,FR,")
    magda = next(
        g for g in read_setting_folder(folder).roster.guardians if g.name == "Magda Kowalska"
    )
    assert magda.language == "fr"


def test_setting_toml_problems_name_their_line(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    path = folder / "setting.toml"
    replace_line(path, 'fri = "07:30-17:30"', 'fri = "07:30-5pm"')
    replace_line(path, 'closed_dates = ["2026-12-24"', 'closed_dates = ["2026-12-32"')
    replace_line(path, 'rooms = ["Seedlings", "Saplings", "Oaks"]', 'rooms = "Oaks"')
    replace_line(path, 'manager = "Priya Shah"', 'manager = "Priya Shah"\noptions = "none"')
    replace_line(path, "[options]", "[other]")
    assert _problems(folder) == [
        "setting.toml:9: options: use a table: [options]",
        'setting.toml:10: rooms: use a list of names, e.g. rooms = ["Oaks"]',
        "setting.toml:11: closed_dates: '2026-12-32' is not a date (YYYY-MM-DD)",
        "setting.toml:18: opening_hours: fri = '07:30-5pm': use mon = \"07:30-18:00\"",
    ]


@pytest.mark.parametrize(
    ("written", "read"), [('"a day"', "'a day'"), ("0", "0"), ("-2", "-2"), ("true", "True")]
)
def test_the_conversation_timeout_must_be_a_number_of_hours_above_zero(
    tmp_path: Path, written: str, read: str
) -> None:
    folder = demo_copy(tmp_path)
    option = f"conversation_timeout_hours = {written}"
    replace_line(folder / "setting.toml", "[options]", f"[options]\n{option}")
    assert _problems(folder) == [
        f"setting.toml:20: options: conversation_timeout_hours = {read}: "
        "use a number of hours above 0, e.g. 24"
    ]


@pytest.mark.parametrize("written", ['"9.30"', '"25:00"', '"09:3"', "930"])
def test_a_scheduled_jobs_time_must_be_a_local_time(tmp_path: Path, written: str) -> None:
    folder = demo_copy(tmp_path)
    replace_line(
        folder / "setting.toml", 'absence_chase_at = "09:30"', f"absence_chase_at = {written}"
    )
    [problem] = _problems(folder)
    assert problem.startswith("setting.toml:22: absence_chase_at: ")
    assert problem.endswith('use a local time, e.g. absence_chase_at = "09:30"')


def test_unreadable_meeting_hours_are_reported_by_file_line_and_column(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "staff.csv", "Tue 16:00-18:00; Thu 07:30-08:30", "Tues 4-6pm")
    assert _problems(folder) == [
        "staff.csv:3: meeting_hours: '4-6pm' is not a time span (write e.g. 16:00-18:00)"
    ]
