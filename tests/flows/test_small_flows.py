"""The chase answer, the language offer and "Show in English" as pure steps (no database)."""

from __future__ import annotations

from bot.flows import chased, language, original
from bot.flows.effects import AnswerChase, RecordAbsence, SetLanguage
from bot.flows.registry import FLOWS
from bot.flows.turn import END, KEEP, StepResult
from bot.i18n.names import parent_catalog
from tests.flows.builders import MONDAY_MORNING, Chat, choice_ids, make_turn, texts

CATALOG = parent_catalog()
ASKED = chased.ChaseData((1,), MONDAY_MORNING.date())


def _chased() -> Chat:
    """Sarah, asked this morning whether Maya is coming in."""
    chat = Chat(now=MONDAY_MORNING, saved_at=MONDAY_MORNING)
    chat.state, chat.context = FLOWS.settle(
        {}, chased.check_sent(chased.question(CATALOG, "en", ["Maya"]), (1,), ASKED.day)
    )
    return chat


def test_on_our_way_tells_the_room_and_ends_the_check() -> None:
    chat = _chased()
    result = chat.say("", chased.LATE)
    [answer] = result.effects
    assert isinstance(answer, AnswerChase) and answer.answer == "late" and chat.state == END


def test_not_coming_in_records_todays_absence_through_the_notice_flow() -> None:
    result = chased.resume(make_turn("she's poorly", now=MONDAY_MORNING), ASKED)
    assert result is not None
    assert [type(effect) for effect in result.effects] == [RecordAbsence, AnswerChase]


def test_a_check_from_another_day_is_no_answer() -> None:
    yesterday = chased.ChaseData((1,), MONDAY_MORNING.date().replace(day=20))
    assert chased.resume(make_turn("", choice_id=chased.LATE), yesterday) is None


def test_an_unclear_answer_to_the_check_is_asked_once_more() -> None:
    chat = _chased()
    again = chat.say("hmm")
    assert "coming in today" in texts(again) and chat.state == chased.STATE
    assert chased.ChaseData.from_json(chat.context["chase"]).again


def test_the_language_offer_is_made_once_and_declining_it_is_kept() -> None:
    chat = Chat()
    offered = chat.say("Czy przedszkole jest otwarte w sobotę?")
    assert choice_ids(offered)[-2:] == ["language:pl", language.KEEP]
    chat.say("", language.KEEP)
    assert language.LanguageData.from_json(chat.context["language"]).declined == ("pl",)
    assert language.KEEP not in choice_ids(chat.say("A czy jest otwarte w niedzielę?"))


def test_yes_to_the_offer_switches_the_language() -> None:
    chat = Chat()
    chat.say("Czy przedszkole jest otwarte w sobotę?")
    assert chat.say("", "language:pl").effects == (SetLanguage("pl"),)


def test_show_in_english_shows_the_original_sent_to_the_sender() -> None:
    turn = make_turn(choice_id="original:7", original=lambda choice_id: "We close at 3pm.")
    result = original.show(turn, None)
    assert result.state == KEEP and texts(result).endswith("\n\nWe close at 3pm.")


def test_show_in_english_for_a_message_not_sent_to_the_sender_has_expired() -> None:
    result = original.show(make_turn(choice_id="original:7"), None)
    assert "that button has expired" in texts(result) and isinstance(result, StepResult)
