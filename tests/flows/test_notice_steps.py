"""The notice flow's steps, read as conversations and as single pure steps (no database)."""

from __future__ import annotations

from datetime import date

from bot.flows import notices
from bot.flows.draft import ABSENCE, Draft, NoticeData
from bot.flows.effects import CiteNotice, CreateHandoff, RecordAbsence, WithdrawNotice
from bot.flows.refs import NEW
from bot.flows.turn import END
from tests.flows.builders import MONDAY_MORNING, Chat, choice_ids, make_turn, texts

TUESDAY = date(2026, 11, 24)


def test_an_absence_without_a_day_asks_which_day_then_records_the_day_tapped() -> None:
    chat = Chat()
    asked = chat.say("Maya off")
    assert chat.state == "notice:date" and "Which day is this for?" in texts(asked)
    recorded = chat.tap("date:2026-11-24")
    assert recorded.effects == (RecordAbsence((1,), TUESDAY, TUESDAY, "other", (), "Maya off"),)
    assert chat.state == "notice:done"
    assert choice_ids(recorded) == [f"notice:change:{NEW}", f"notice:withdraw:{NEW}"]


def test_the_draft_is_the_notice_flows_own_data_while_its_question_waits() -> None:
    chat = Chat()
    chat.say("Maya off")
    kept = NoticeData.from_json(chat.context["notice"])
    assert kept.draft.children == (1,) and kept.draft.start is None and not kept.again


def test_an_answer_that_is_not_a_day_is_asked_again_then_handed_to_staff() -> None:
    chat = Chat()
    chat.say("Maya off")
    again = chat.say("she has a cough")
    assert chat.state == "notice:date" and "Which day is this for?" in texts(again)
    assert NoticeData.from_json(chat.context["notice"]).again
    handed = chat.say("she has a cough still")
    assert chat.state == END
    assert [type(effect) for effect in handed.effects] == [CreateHandoff]


def test_a_message_of_another_kind_is_not_an_answer_and_starts_its_own_flow() -> None:
    chat = Chat()
    chat.say("Maya off")
    answered = chat.say("What time do you open in the morning?")
    assert answered.intent is None and chat.state == END
    assert "notice" not in chat.context  # the abandoned question's data went with it


def test_an_undated_absence_on_an_open_morning_is_for_today() -> None:
    result = notices.start(make_turn("Maya is off, temperature", now=MONDAY_MORNING))
    assert result.state == "notice:done"
    [recorded] = result.effects
    assert isinstance(recorded, RecordAbsence) and recorded.start == MONDAY_MORNING.date()


def test_withdraw_on_a_read_back_withdraws_the_notice_it_names() -> None:
    notice = Draft(ABSENCE, (1,), TUESDAY, TUESDAY, refs=("A12",))
    turn = make_turn(choice_id="notice:withdraw:A12", own_notice=lambda refs: notice)
    result = notices.on_record(turn, None)
    assert result.effects == (WithdrawNotice(("A12",)),)


def test_a_record_choice_for_a_notice_that_is_not_the_senders_has_expired() -> None:
    result = notices.on_record(make_turn(choice_id="notice:withdraw:A12"), None)
    assert result.effects == () and "that button has expired" in texts(result)


def test_change_asks_for_the_new_day_and_keeps_the_notice_until_then() -> None:
    notice = Draft(ABSENCE, (1,), TUESDAY, TUESDAY, refs=("A12",))
    turn = make_turn(choice_id="notice:change:A12", own_notice=lambda refs: notice)
    result = notices.on_record(turn, None)
    assert result.state == "notice:date" and result.effects == (CiteNotice(("A12",)),)
    assert result.data == (NoticeData(notice),)


def test_withdrawing_another_notice_right_after_a_read_back_leaves_nothing_pending() -> None:
    chat = Chat(now=MONDAY_MORNING, saved_at=MONDAY_MORNING)
    chat.say("Maya is off, temperature")
    assert chat.state == "notice:done"
    older = Draft(ABSENCE, (2,), TUESDAY, TUESDAY, refs=("A7",))
    withdrawn = chat.say("", "notice:withdraw:A7", own_notice=lambda refs: older)
    assert withdrawn.effects == (WithdrawNotice(("A7",)),) and chat.state == END


def test_withdrawing_another_notice_while_a_question_waits_asks_it_again() -> None:
    chat = Chat()
    chat.say("Maya off")
    older = Draft(ABSENCE, (2,), TUESDAY, TUESDAY, refs=("A7",))
    withdrawn = chat.say("", "notice:withdraw:A7", own_notice=lambda refs: older)
    assert "Which day is this for?" in texts(withdrawn) and chat.state == "notice:date"
