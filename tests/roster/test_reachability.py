"""`parentbot import` warns about every person no configured channel can reach; it still imports."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from bot.db.models import ChannelIdentity, Guardian, Staff
from bot.db.session import transaction
from parentbot import setup
from parentbot.cli import app
from tests.roster.helpers import demo_copy, replace_line

NO_CHANNELS: dict[str, str | None] = {
    "TELEGRAM_BOT_TOKEN": None,
    "TWILIO_ACCOUNT_SID": None,
    "TWILIO_AUTH_TOKEN": None,
    "TWILIO_SMS_FROM": None,
    "TWILIO_WHATSAPP_FROM": None,
    "PUBLIC_BASE_URL": None,
}
TWILIO = {
    **NO_CHANNELS,
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "secret",
    "PUBLIC_BASE_URL": "https://bot.example.org",
}
SMS_AND_WHATSAPP = {
    **TWILIO,
    "TWILIO_SMS_FROM": "+447700900999",
    "TWILIO_WHATSAPP_FROM": "+447700900998",
}
TELEGRAM = {**NO_CHANNELS, "TELEGRAM_BOT_TOKEN": "123:abc"}
SUMMARY = "Imported "


def _import(folder: Path, url: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(app, ["import", str(folder), "--db", url], env=env)


def _after_summary(result: Result) -> list[str]:
    """stderr's lines after the import summary (which must be there)."""
    lines = result.stderr.splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith(SUMMARY)]
    assert result.exit_code == 0 and starts, result.output
    return lines[starts[0] + 1 :]


def _identity(url: str, channel: str, opted_out: bool = False, **person: int) -> None:
    with transaction(setup.open_database(url, migrate=False)) as session:
        external = f"{channel}-{sorted(person.items())}"
        session.add(
            ChannelIdentity(channel=channel, external_id=external, opted_out=opted_out, **person)
        )


def _id(url: str, model: type[Guardian] | type[Staff], name: str) -> int:
    with setup.open_database(url, migrate=False)() as session:
        return session.scalars(select(model.id).where(model.name == name)).one()


def test_import_with_no_channel_configured_says_so_once(tmp_path: Path, db_url: str) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "staff.csv", "Lucy Green,07700 900006,", "Lucy Green,,")
    result = _import(folder, db_url, NO_CHANNELS)
    assert _after_summary(result) == [
        "No channel is configured (TELEGRAM_BOT_TOKEN, TWILIO_*): notices and broadcasts reach "
        "nobody; the web chat reaches only people who open it."
    ]


def test_import_warns_about_each_person_sms_and_whatsapp_cannot_reach(
    tmp_path: Path, db_url: str
) -> None:
    folder, url = demo_copy(tmp_path), db_url
    replace_line(folder / "staff.csv", "Lucy Green,07700 900006,", "Lucy Green,,")
    replace_line(folder / "guardians.csv", "07700 900103", "0113 496 0000")  # Linda: a landline
    _import(folder, url, NO_CHANNELS)
    sarah, mark = (_id(url, Guardian, name) for name in ("Sarah Thompson", "Mark Thompson"))
    _identity(url, "sms", opted_out=True, guardian_id=sarah)  # WhatsApp still reaches her
    _identity(url, "sms", opted_out=True, guardian_id=mark)
    _identity(url, "whatsapp", opted_out=True, guardian_id=mark)

    result = _import(folder, url, SMS_AND_WHATSAPP)

    assert _after_summary(result) == [
        "warning: Lucy Green (admin) cannot be reached: no phone number (SMS, WhatsApp)",
        "warning: Mark Thompson (guardian) cannot be reached: opted out (SMS, WhatsApp)",
        "warning: Linda Thompson (guardian) cannot be reached: +441134960000 is not a mobile "
        "number (SMS, WhatsApp)",
        "Notices and broadcasts to them are not delivered: add a mobile number to the roster.",
    ]
    with setup.open_database(url, migrate=False)() as session:
        assert session.scalars(select(Staff.phone).where(Staff.name == "Lucy Green")).one() is None


def test_telegram_reaches_only_people_who_linked_an_account(tmp_path: Path, db_url: str) -> None:
    folder, url = demo_copy(tmp_path), db_url
    _import(folder, url, NO_CHANNELS)
    _identity(url, "telegram", guardian_id=_id(url, Guardian, "Sarah Thompson"))
    _identity(url, "telegram", staff_id=_id(url, Staff, "Priya Shah"))
    _identity(url, "telegram", opted_out=True, staff_id=_id(url, Staff, "Jess Hughes"))

    warnings = _after_summary(_import(folder, url, TELEGRAM))

    assert len(warnings) == 6 + 16 - 2 + 1
    tom = "Tom Okafor (key_person; safeguarding_lead)"
    assert f"warning: {tom} cannot be reached: no linked account (Telegram)" in warnings
    assert "warning: Jess Hughes (key_person) cannot be reached: opted out (Telegram)" in warnings
    assert not [line for line in warnings if "Sarah Thompson" in line or "Priya Shah" in line]
    assert warnings[-1] == (
        "Notices and broadcasts to them are not delivered: add a mobile number to the roster "
        "(with it they can also link Telegram: parentbot link-code --phone P)."
    )


def test_everyone_reachable_is_said_in_one_line(tmp_path: Path, db_url: str) -> None:
    result = _import(demo_copy(tmp_path), db_url, SMS_AND_WHATSAPP)
    assert _after_summary(result) == [
        "Every member of staff and guardian can be reached by SMS, WhatsApp."
    ]
