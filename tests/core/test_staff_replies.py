"""Staff -> parents from chat: "reply H12 ..." in the parent's language, broadcasts by managers,
and the English original shown only to the parent it was sent to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import AuditLog, ChannelIdentity, HandoffItem, Outbox, Setting, Staff
from bot.db.session import transaction
from bot.i18n.names import parent_catalog
from bot.i18n.translator import Translator
from bot.pipeline.engine import Engine
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say
from tests.i18n.fake_translator import FakeTranslator

PRIYA, JESS = "+447700900001", "+447700900002"  # manager, key person
MAGDA, NADIA, SARAH = "+447700900111", "+447700900131", "+447700900101"
ANSWER = "Thank you Magda. Jess Hughes will call you at 15:30 about Kuba."
POLISH_HEADING = "Jess Hughes (Bramble Lane Nursery) odpowiada:"

MakeEngine = Callable[[Translator], Engine]


@pytest.fixture
def make_engine(sessions: sessionmaker[Session], demo_setting: int) -> MakeEngine:
    """The demo nursery's engine with the given translator, on Monday morning."""
    return lambda translator: Engine(
        sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=translator
    )


def _concern(engine: Engine, sender: str = MAGDA) -> str:
    """A parent's concern; its handoff ref ("H1") as the staff alert names it."""
    result = say(engine, sender, "I'm worried about a bruise on Kuba's arm after nursery")
    assert result.handoff is True
    alert = result.staff_notifications[0]["text"]
    ref = alert.split('"reply ')[1].split()[0]
    assert ref.startswith("H") and alert.endswith('"reply ' + ref + ' <your answer>".')
    return ref


def _to(sessions: sessionmaker[Session], recipient: str) -> list[Outbox]:
    with sessions() as session:
        return list(
            session.scalars(
                select(Outbox).where(Outbox.recipient_id == recipient).order_by(Outbox.id)
            )
        )


def test_staff_reply_reaches_the_guardian_translated_and_closes_the_handoff(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    fake = FakeTranslator()
    engine = make_engine(fake)
    ref = _concern(engine)
    before = len(_to(sessions, MAGDA))
    confirmation = reply_text(say(engine, JESS, f"reply {ref} {ANSWER}"))
    assert "Magda Kowalska" in confirmation and "Polish" in confirmation
    assert f"{ref} is now closed" in confirmation
    sent = _to(sessions, MAGDA)[before:]
    assert len(sent) == 1 and sent[0].kind == "staff_reply" and sent[0].channel == "sms"
    assert sent[0].text == f"{POLISH_HEADING}\n\n[pl] {ANSWER}"
    assert sent[0].original_text == ANSWER
    assert sent[0].choices == [{"id": f"original:{sent[0].id}", "label": "Pokaż po angielsku"}]
    for secret in ("Magda", "Jess", "Kuba", "15:30"):  # names and numbers stay here
        assert secret not in fake.sent_text
    with sessions() as session:
        item = session.get_one(HandoffItem, int(ref[1:]))
        assert item.status == "closed"
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "handoff_replied"))
        assert audit is not None and audit.subject == f"handoff:{item.id}"


def test_reply_to_an_english_reader_is_not_translated(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    fake = FakeTranslator()
    engine = make_engine(fake)
    ref = _concern(engine, SARAH)
    say(engine, JESS, f"reply {ref} We'll talk at pick-up.")
    last = _to(sessions, SARAH)[-1]
    assert last.text == "Jess Hughes (Bramble Lane Nursery) replied:\n\nWe'll talk at pick-up."
    assert last.original_text is None and last.choices == [] and fake.calls == []


def test_translator_down_sends_english_with_the_curated_note(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    engine = make_engine(FakeTranslator(failing=True))
    ref = _concern(engine)
    confirmation = reply_text(say(engine, JESS, f"reply {ref} {ANSWER}"))
    assert "translation into Polish was unavailable" in confirmation
    note = parent_catalog().text("broadcast.untranslated", "pl")
    # the answer first, then the note; too long for one SMS, so in two numbered parts
    rows = _to(sessions, MAGDA)[-2:]
    assert [row.text for row in rows] == [f"(1/2) {POLISH_HEADING}\n\n{ANSWER}", f"(2/2) {note}"]
    assert all(row.original_text is None and row.choices == [] for row in rows)


def test_unknown_handoff_gets_a_clear_error_and_nothing_is_sent(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    engine = make_engine(FakeTranslator())
    answer = reply_text(say(engine, JESS, "reply H999 Hello"))
    assert "couldn't find H999" in answer
    with sessions() as session:
        assert session.scalar(select(Outbox).where(Outbox.kind == "staff_reply")) is None


def test_staff_of_another_setting_cannot_reply(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    ref = _concern(make_engine(FakeTranslator()))
    with transaction(sessions) as session:
        other = Setting(slug="elsewhere", name="Elsewhere Nursery")
        session.add(other)
        session.flush()
        stranger = Staff(setting_id=other.id, name="Eve Stranger", roles=["manager"], phone=None)
        session.add(stranger)
        session.flush()
        session.add(
            ChannelIdentity(channel="sms", external_id="+447700900999", staff_id=stranger.id)
        )
        other_id = other.id
    elsewhere = Engine(
        sessions, other_id, clock=lambda: MONDAY_MORNING, translator=FakeTranslator()
    )
    answer = reply_text(say(elsewhere, "+447700900999", f"reply {ref} Hello from elsewhere"))
    assert f"couldn't find {ref}" in answer
    assert all("elsewhere" not in row.text for row in _to(sessions, MAGDA))
    with sessions() as session:
        assert session.get_one(HandoffItem, int(ref[1:])).status == "open"


def test_the_english_original_is_shown_to_its_addressee_only(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    engine = make_engine(FakeTranslator())
    say(engine, JESS, f"reply {_concern(engine)} {ANSWER}")
    choice_id = _to(sessions, MAGDA)[-1].choices[0]["id"]
    shown = say(engine, MAGDA, "Pokaż po angielsku", choice_id=choice_id)
    assert reply_text(shown).strip() == f"Oryginalna wiadomość po angielsku:\n\n{ANSWER}"
    assert not shown.handoff
    other = say(engine, NADIA, "", choice_id=choice_id)  # another family taps the same id
    assert ANSWER not in reply_text(other)


def test_sms_parent_answers_the_number_of_show_in_english(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    engine = make_engine(FakeTranslator())
    say(engine, JESS, f"reply {_concern(engine)} {ANSWER}")
    shown = say(engine, MAGDA, "1")  # "1. Pokaż po angielsku" under the SMS
    assert ANSWER in reply_text(shown)


def test_only_managers_broadcast_from_chat(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    fake = FakeTranslator()
    engine = make_engine(fake)
    refused = reply_text(say(engine, JESS, "broadcast The nursery is closed tomorrow."))
    assert "Only managers" in refused
    with sessions() as session:
        assert session.scalar(select(Outbox).where(Outbox.kind == "broadcast")) is None
    say(engine, PRIYA, "broadcast The nursery is closed tomorrow.")
    report = reply_text(say(engine, PRIYA, "broadcast:send"))
    assert "Broadcast queued for 16 guardian(s)" in report and "pl 2" in report
    magda = _to(sessions, MAGDA)[-1]
    assert magda.kind == "broadcast" and magda.text == "[pl] The nursery is closed tomorrow."
    assert magda.original_text == "The nursery is closed tomorrow."
    assert magda.choices[0]["id"] == f"original:{magda.id}"
    assert _to(sessions, SARAH)[-1].text == "The nursery is closed tomorrow."
    assert len({target for _, _, target in fake.calls}) == len(fake.calls)  # once per language


def test_a_broadcast_too_long_for_sms_is_refused_with_what_to_cut(
    make_engine: MakeEngine, sessions: sessionmaker[Session]
) -> None:
    engine = make_engine(FakeTranslator())
    long_text = "The nursery is closed tomorrow for a deep clean of every room. " * 30
    answer = reply_text(say(engine, PRIYA, f"broadcast {long_text}"))
    assert answer.startswith("Not sent to anyone: in ") and "shorten it by about" in answer
    with sessions() as session:
        assert session.scalar(select(Outbox).where(Outbox.kind == "broadcast")) is None
