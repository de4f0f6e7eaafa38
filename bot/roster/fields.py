"""Parsing one cell: phones to E.164, dates, yes/no, weekdays, languages."""

from __future__ import annotations

import functools
from datetime import date

import phonenumbers
from babel import Locale
from babel.core import get_global

from bot.calendar import WEEKDAYS, WORKING_WEEK
from bot.meetings.availability import HoursError, hours_text, parse_hours
from bot.staff.roles import ROLES

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
DRAMA_MOBILE_PREFIX = "+447700900"
MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


class FieldError(ValueError):
    """A cell whose value cannot be used; the message says what is expected."""


def phone_e164(value: str, region: str = "GB") -> str:
    """A UK national or international number as E.164 (`07700 900123` -> `+447700900123`)."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise FieldError(f"{value!r} is not a phone number") from error
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not (phonenumbers.is_valid_number(number) or _is_drama_number(number, e164)):
        raise FieldError(f"{value!r} is not a valid phone number")
    return e164


def _is_drama_number(number: phonenumbers.PhoneNumber, e164: str) -> bool:
    """Ofcom's reserved fictional mobiles (07700 900000-900999), used by demos and tests."""
    return phonenumbers.is_possible_number(number) and e164.startswith(DRAMA_MOBILE_PREFIX)


def is_mobile(e164: str) -> bool:
    """Whether a stored number can take SMS and WhatsApp: a mobile (or a drama mobile)."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in MOBILE_TYPES or _is_drama_number(number, e164)


def iso_date(value: str) -> date:
    """A date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FieldError(f"{value!r} is not a date (YYYY-MM-DD)") from error


def yes_no(value: str) -> bool:
    """`yes`/`no` (also y/n, true/false, 1/0; empty means no)."""
    lowered = value.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise FieldError(f"{value!r} is not yes or no")


def weekdays(value: str) -> list[str]:
    """`Mon;Tue;Thu` as ["mon", "tue", "thu"]; empty means every weekday."""
    if not value.strip():
        return list(WORKING_WEEK)
    days = [part.strip().lower()[:3] for part in value.split(";") if part.strip()]
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown:
        raise FieldError(f"{', '.join(unknown)} not a weekday (use Mon;Tue;...)")
    return days


def language_code(value: str) -> str:
    """An ISO 639-1 code such as `en`, `pl`, `ur` (any case; empty means English)."""
    code = value.strip().lower() or "en"
    if code in iso_639_1():
        return code
    meant = _meant_language(code)
    hint = f"for {iso_639_1()[meant]} write {meant}" if meant else "e.g. en, pl, ur"
    raise FieldError(f"{value!r} is not an ISO 639-1 language code ({hint})")


@functools.cache
def iso_639_1() -> dict[str, str]:
    """Every ISO 639-1 code and its English name, from CLDR (Babel)."""
    names = Locale("en").languages
    return {code: name for code, name in names.items() if len(code) == 2 and code.isalpha()}


def _meant_language(written: str) -> str | None:
    """The ISO 639-1 code someone probably meant by a language's name, a three-letter code or a
    tag with a region (`Polish`, `pol`, `pt-BR`)."""
    by_name = {name.lower(): code for code, name in iso_639_1().items()}
    alias = str(get_global("language_aliases").get(written, ""))
    for candidate in (by_name.get(written), alias, written.replace("_", "-").split("-")[0]):
        if candidate and candidate.split("_")[0] in iso_639_1():
            return candidate.split("_")[0]
    return None


def split_names(value: str) -> list[str]:
    """`Maya Thompson; Leo Thompson` as ["Maya Thompson", "Leo Thompson"]."""
    return [" ".join(part.split()) for part in value.split(";") if part.strip()]


def staff_roles(value: str) -> list[str]:
    """`manager;safeguarding_lead` as ["manager", "safeguarding_lead"] ("Key Person" is
    key_person); at least one, each a known role."""
    roles = [
        "_".join(part.lower().split())
        for part in value.replace("-", " ").split(";")
        if part.strip()
    ]
    if not roles:
        raise FieldError("is required")
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        named = ", ".join(repr(role) for role in unknown)
        verb = "is not a role" if len(unknown) == 1 else "are not roles"
        raise FieldError(f"{named} {verb} ({', '.join(ROLES)})")
    return list(dict.fromkeys(roles))


def meeting_hours(value: str) -> str:
    """Weekly meeting hours ("Tue 16:00-18:00; Thu 07:30-08:30"), written back tidily; "" for
    none."""
    try:
        return hours_text(parse_hours(value))
    except HoursError as error:
        raise FieldError(str(error)) from error
