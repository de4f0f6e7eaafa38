"""Every family in their own language: curated replies, staff see original and English."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import HandoffItem
from bot.i18n.translator import TimedTranslator
from bot.pipeline.engine import Engine
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say
from tests.i18n.fake_translator import FakeTranslator

SARAH = "+447700900101"  # Maya Thompson's mother, English
MAGDA = "+447700900111"  # Kuba and Zosia Kowalski's mother, prefers Polish
ABSENCE_PL = "Kuba jest chory, ma gorączkę, dzisiaj zostaje w domu"


def _engine(sessions: sessionmaker[Session], setting_id: int, translator: object) -> Engine:
    return Engine(sessions, setting_id, clock=lambda: MONDAY_MORNING, translator=translator)  # type: ignore[arg-type]


def test_polish_guardian_gets_a_curated_polish_read_back(engine: Engine) -> None:
    result = say(engine, MAGDA, ABSENCE_PL)
    assert result.language == "pl"
    assert result.records and result.records[0]["children"] == ["Kuba Kowalski"]
    text = reply_text(result)
    assert "Kuba" in text and "pon. 23 lis" in text and "Zmień" in text


def test_staff_see_the_parents_words_and_a_marked_english_translation(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    fake = FakeTranslator()
    result = say(_engine(sessions, demo_setting, fake), MAGDA, ABSENCE_PL)
    [alert, *_] = result.staff_notifications
    assert f'"{ABSENCE_PL}"' in alert["text"]
    assert "English (machine translated)" in alert["text"]
    assert "Kuba" not in fake.sent_text and "Kowalsk" not in fake.sent_text


def test_translator_down_still_records_and_tells_staff_no_translation_was_available(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    down = TimedTranslator(FakeTranslator(failing=True), timeout_seconds=1)
    result = say(_engine(sessions, demo_setting, down), MAGDA, ABSENCE_PL)
    assert result.records and result.replies
    alert = result.staff_notifications[0]["text"]
    assert ABSENCE_PL in alert and "no machine translation was available" in alert


def test_unanswered_question_keeps_the_english_translation_for_staff(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(
        _engine(sessions, demo_setting, FakeTranslator()),
        MAGDA,
        "Mam pytanie o hasło do wifi w żłobku, jakie ono jest?",
    )
    with sessions() as session:
        item = session.scalar(select(HandoffItem))
    assert item is not None and item.english_text is not None
    assert item.english_text.startswith("[en] ")


def test_policy_answer_in_polish_is_marked_as_machine_translated(
    sessions: sessionmaker[Session],
    demo_setting: int,
    make_engine_at: Callable[[datetime], Engine],
) -> None:
    question = "Czy mogę karmić piersią w żłobku?"
    offline = say(make_engine_at(MONDAY_MORNING), MAGDA, question)
    online = say(_engine(sessions, demo_setting, FakeTranslator()), MAGDA, question)
    if offline.sources:  # answered from the policies: English text with a curated note
        assert "po angielsku" in reply_text(offline)
        assert reply_text(online).startswith("[pl] ")
        assert "Tłumaczenie maszynowe" in reply_text(online)
    else:
        assert offline.handoff and online.handoff


class StalledTranslator(FakeTranslator):
    """A provider that hangs until released: it says when a request reaches it."""

    def __init__(self) -> None:
        super().__init__()
        self.reached, self.release = threading.Event(), threading.Event()

    def translate(self, text: str, source: str, target: str) -> str:
        self.reached.set()
        self.release.wait(10)
        return super().translate(text, source, target)


def test_a_stalled_translation_holds_up_no_other_parent(
    sessions: sessionmaker[Session], demo_setting: int, engine: Engine
) -> None:
    stalled = StalledTranslator()
    polish = threading.Thread(
        target=say, args=(_engine(sessions, demo_setting, stalled), MAGDA, ABSENCE_PL)
    )
    polish.start()
    try:
        assert stalled.reached.wait(10)
        started = time.monotonic()
        english = say(engine, SARAH, "Maya is off sick today")
        waited = time.monotonic() - started
    finally:
        stalled.release.set()
        polish.join(10)
    assert english.records and waited < 5  # not queued behind Magda's translation
    assert [call[1:] for call in stalled.calls] == [("pl", "en")]  # made once, before her turn


def test_a_language_declined_is_not_offered_again(engine: Engine) -> None:
    first = say(engine, SARAH, "Maya jest dzisiaj chora, ma gorączkę", channel="webchat")
    offered = [choice.id for reply in first.replies for choice in reply.choices]
    assert "language:keep" in offered
    kept = say(engine, SARAH, "Nie, dziękuję", channel="webchat", choice_id="language:keep")
    assert "keep writing in the language I use now" in reply_text(kept)
    again = say(engine, SARAH, "Leo też jest dzisiaj chory, ma wysypkę", channel="webchat")
    assert "language:keep" not in [c.id for reply in again.replies for c in reply.choices]
