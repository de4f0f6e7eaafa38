"""A message that discloses harm goes at once to the designated safeguarding lead(s) and the
managers, marked urgent, never to the key person or the room; the parent is told the lead knows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, AuditLog, HandoffItem, Outbox
from bot.i18n.names import parent_catalog
from bot.pipeline.engine import Engine
from parentbot import setup
from tests.conftest import DEMO, MONDAY_MORNING
from tests.core.helpers import reply_text, say
from tests.core.test_simulate import message, simulate
from tests.i18n.fake_translator import FakeTranslator

SARAH, MAGDA = "+447700900101", "+447700900111"  # Maya's mum (English), Zosia's mum (Polish)
AMINA = "+447700900161"  # Hodan's mum (Somali)
PRIYA, JESS, TOM = "+447700900001", "+447700900002", "+447700900003"
LEADS_AND_MANAGERS = {"Priya Shah", "Tom Okafor"}  # the DSL (manager) and her deputy
DISCLOSURE = "Maya has a bruise and said someone at home hurt her"


def _ref(alert: str) -> str:
    return alert.split('"reply ')[1].split()[0]


def test_disclosure_goes_to_the_leads_and_managers_marked_urgent(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, DISCLOSURE)
    assert result.handoff is True
    assert {note["to"] for note in result.staff_notifications} == LEADS_AND_MANAGERS
    for note in result.staff_notifications:
        assert note["text"].startswith("URGENT")
        assert DISCLOSURE in note["text"] and "Maya Thompson" in note["text"]
    with sessions() as session:
        item = session.scalars(select(HandoffItem)).one()
        assert (item.kind, item.text, item.child_id is not None) == (
            "safeguarding",
            DISCLOSURE,
            True,
        )
        kinds = {row.kind for row in session.scalars(select(Outbox).where(Outbox.staff_id != None))}  # noqa: E711
        assert kinds == {"safeguarding_alert"}


def test_parent_is_told_the_lead_knows_and_nothing_is_promised(engine: Engine) -> None:
    result = say(engine, SARAH, DISCLOSURE)
    told = parent_catalog().text("safeguarding.told", "en")
    assert reply_text(result).strip() == told
    assert "safeguarding lead" in told and "Jess" not in told


def test_key_person_and_room_never_see_the_disclosure(engine: Engine) -> None:
    result = say(engine, SARAH, "her dad hits her")
    assert "Jess Hughes" not in {note["to"] for note in result.staff_notifications}


def test_absence_in_the_same_message_is_still_recorded_without_quoting_it_to_the_room(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    text = "Zosia nie przyjdzie dziś, tata ją uderzył"
    result = say(engine, MAGDA, text)
    assert [record["type"] for record in result.records] == ["absence"]
    absence_alerts = [n for n in result.staff_notifications if n["text"].startswith("Absence")]
    assert "Ania Nowak" in {n["to"] for n in absence_alerts}
    assert all(text not in n["text"] for n in absence_alerts)
    urgent = [n for n in result.staff_notifications if n["text"].startswith("URGENT")]
    assert {n["to"] for n in urgent} == LEADS_AND_MANAGERS
    assert all(text in n["text"] for n in urgent)
    assert parent_catalog().text("safeguarding.told", "pl") in reply_text(result)
    with sessions() as session:
        assert len(session.scalars(select(Absence)).all()) == 1


def test_translated_disclosure_keeps_the_parents_words_and_the_english(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(
        sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=FakeTranslator()
    )
    text = "Zosia mówi, że tata ją bije"
    result = say(engine, MAGDA, text)
    urgent = [n for n in result.staff_notifications if n["text"].startswith("URGENT")]
    assert urgent and all(f"[en] {text}" in n["text"] for n in urgent)
    with sessions() as session:
        item = session.scalars(select(HandoffItem)).one()
        assert (item.text, item.english_text, item.language) == (text, f"[en] {text}", "pl")


def test_without_a_lead_the_managers_receive_it(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "no-lead"
    shutil.copytree(DEMO, folder)
    staff = folder / "staff.csv"
    staff.write_text(
        staff.read_text(encoding="utf-8")
        .replace("manager;safeguarding_lead", "manager")
        .replace("key_person;safeguarding_lead", "key_person"),
        encoding="utf-8",
    )
    setting_id = setup.import_setting_folder(sessions, folder).setting_id
    engine = Engine(sessions, setting_id, clock=lambda: MONDAY_MORNING)
    result = say(engine, SARAH, DISCLOSURE)
    assert {note["to"] for note in result.staff_notifications} == {"Priya Shah"}


@pytest.mark.parametrize("member", [PRIYA, TOM])
def test_a_lead_or_manager_can_reply_to_a_safeguarding_item(
    engine: Engine, sessions: sessionmaker[Session], member: str
) -> None:
    ref = _ref(say(engine, SARAH, DISCLOSURE).staff_notifications[0]["text"])
    answer = reply_text(say(engine, member, f"reply {ref} Thank you for telling us, Sarah."))
    assert f"{ref} is now closed" in answer


def test_other_staff_may_not_reply_to_a_safeguarding_item_and_it_is_audited(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    ref = _ref(say(engine, SARAH, DISCLOSURE).staff_notifications[0]["text"])
    answer = reply_text(say(engine, JESS, f"reply {ref} Hello Sarah"))
    assert "safeguarding lead" in answer and "closed" not in answer
    with sessions() as session:
        item = session.get_one(HandoffItem, int(ref[1:]))
        assert item.status == "open"
        refused = session.scalars(
            select(AuditLog).where(AuditLog.action == "handoff_reply_refused")
        ).one()
        assert refused.subject == f"handoff:{item.id}" and refused.actor.startswith("staff:")
        assert session.scalar(select(Outbox).where(Outbox.kind == "staff_reply")) is None


def test_ordinary_worry_still_goes_to_the_key_person(engine: Engine) -> None:
    result = say(engine, SARAH, "Maya fell at the park and grazed her knee, is she ok?")
    assert {note["to"] for note in result.staff_notifications} == {"Jess Hughes"}
    assert not any(note["text"].startswith("URGENT") for note in result.staff_notifications)


def test_simulate_shows_the_handoff_and_the_alerts_to_the_leads() -> None:
    [output] = simulate(message(SARAH, DISCLOSURE))
    assert output["handoff"] is True
    notifications = output["staff_notifications"]
    assert isinstance(notifications, list)
    assert {note["to"] for note in notifications} == LEADS_AND_MANAGERS


class _SomaliTranslator:
    """A provider whose English for any Somali message is one sentence about the message's first
    word (a name, masked as a token that must come back): a fake at the provider's edge."""

    name = "somali"

    def __init__(self, english: str) -> None:
        self.english = english

    def translate(self, text: str, source: str, target: str) -> str:
        if (source, target) != ("so", "en"):
            return text
        return self.english.format(name=text.split()[0])


def test_disclosure_found_only_in_the_english_translation_still_goes_to_the_lead(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    translator = _SomaliTranslator("{name} says her father beats her")
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=translator)
    result = say(engine, AMINA, "Hodan way baqdaa markay guriga joogto")
    assert {n["to"] for n in result.staff_notifications} == LEADS_AND_MANAGERS
    assert parent_catalog().text("safeguarding.told", "so") in reply_text(result)
