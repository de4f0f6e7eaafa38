"""Only what translation needs leaves for the provider: no roster name (in any form the bot reads
a child's name in), phone number, e-mail address or date of birth."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Child, EmergencyContact, Guardian, HandoffItem, Room, Setting, Staff
from bot.i18n.names import birthday_forms, name_forms
from bot.i18n.protect import protect
from bot.pipeline.engine import Engine
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import say
from tests.i18n.fake_translator import FakeTranslator
from tests.privacy.support import MAGDA, PRIYA, mentions

NADIA = "+447700900131"  # Ayaan's and Fatima's mum, writes in Urdu
LUCIA = "+447700900141"  # Mateo's mum, writes in Spanish
SECRETS = [  # said in the messages below: nicknames, inflected names, numbers, birthdays
    "Kubę",
    "Zosi",
    "ایان",
    "maja 2022",  # Jakub's birthday, whole
    "stycznia",  # Zofia's birthday, 11 January, without its year too
    "agosto",  # Mateo's, in Spanish
    "07700 900999",
    "magda.nowa@example.com",
    "900003",
]


def roster_names(session: Session, setting_id: int) -> set[str]:
    """Every word of every name in the setting folder: people, rooms, the setting."""
    children = session.scalars(select(Child).where(Child.setting_id == setting_id)).all()
    names = [
        *session.scalars(select(Guardian.name)),
        *session.scalars(select(Staff.name)),
        *session.scalars(select(EmergencyContact.name)),
        *session.scalars(select(Room.name)),
        *session.scalars(select(Setting.name)),
        *(f"{c.first_name} {c.last_name} {c.known_as or ''}" for c in children),
        *(name for c in children for name in c.authorised_collectors),
    ]
    return {word for name in names for word in name.split()}


def test_no_roster_name_number_or_birthday_reaches_the_translation_provider(
    make_engine_at: Callable[[datetime], Engine],
    sessions: sessionmaker[Session],
    demo_setting: int,
) -> None:
    fake = FakeTranslator()
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=fake)
    say(engine, MAGDA, "Kuba i Zosia są chorzy. Kubę odbierze jutro Halina Kowalska o 15:00.")
    say(engine, MAGDA, "Zosi nie będzie do piątku. Jakub urodził się 20 maja 2022.")
    say(engine, MAGDA, "Zosia ma urodziny 11 stycznia, czy możemy przynieść tort?")
    say(engine, MAGDA, "Mój nowy numer to 07700 900999, email magda.nowa@example.com")
    say(engine, NADIA, "ایان آج نہیں آئے گا، اسے بخار ہے")
    say(engine, LUCIA, "Mateo García está enfermo. Nació el 9 de agosto de 2023.")
    with sessions() as session:
        handoff = session.scalars(select(HandoffItem.id).order_by(HandoffItem.id)).first()
    say(
        engine,
        PRIYA,
        f"reply H{handoff} Thank you Magda, Tom Okafor will ring you about Jakub Kowalski "
        "and Zofia on 07700 900003.",
    )
    say(engine, PRIYA, "broadcast Maya Thompson and Isla Campbell from Saplings won the prize")
    say(engine, PRIYA, "broadcast:send")
    assert len({target for _, _, target in fake.calls}) > 3  # it was asked, in many languages
    sent = fake.sent_text
    with sessions() as session:
        names = roster_names(session, demo_setting)
    assert sorted(name for name in names if mentions(sent, name)) == []
    assert [secret for secret in SECRETS if secret.casefold() in sent.casefold()] == []


def test_full_dates_are_masked_whole_in_every_curated_language() -> None:
    for text, written in [
        ("Born on 14th March 2023.", "14th March 2023"),
        ("Born March 14, 2023.", "March 14, 2023"),
        ("Urodził się 20 maja 2022 r.", "20 maja 2022"),
        ("Nació el 9 de agosto de 2023.", "9 de agosto de 2023"),
        ("S-a născut pe 3 aprilie 2022.", "3 aprilie 2022"),
        ("وہ 14 مارچ 2023 کو پیدا ہوا", "14 مارچ 2023"),
    ]:
        masked, restore = protect(text, [])
        assert written not in masked and "⟦1⟧" in masked, text
        assert restore(masked) == text


def test_a_day_and_month_alone_still_translate_unless_it_is_a_childs_birthday() -> None:
    assert protect("We are closed on 24 December.", [])[0] == "We are closed on ⟦1⟧ December."
    birthday = birthday_forms(date(2024, 1, 11))
    assert protect("Zosia ma urodziny 11 stycznia", birthday)[0] == "Zosia ma urodziny ⟦1⟧"


def test_names_are_found_as_the_understanding_step_reads_them() -> None:
    forms = name_forms(frozenset({"Kuba", "Ayaan"}))
    masked, restore = protect("KUBĘ odbiorę o 15, ایان też", forms)
    assert masked == "⟦1⟧ odbiorę o ⟦2⟧, ⟦3⟧ też"
    assert restore(masked) == "KUBĘ odbiorę o 15, ایان też"
