"""First-day absence follow-up (EYFS 3.11): who is chased, how answers flow, when to call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    Absence,
    AbsenceChase,
    Arrival,
    Conversation,
    HandoffItem,
    Outbox,
    Setting,
)
from bot.db.session import transaction
from bot.i18n.names import parent_catalog, staff_catalog
from bot.jobs.chase import chase_missing, create_call_tasks
from bot.jobs.job import JobContext, JobResult
from bot.jobs.registry import perform
from bot.pipeline.engine import Engine
from tests.core.helpers import reply_text, say
from tests.notices.support import (
    CALL_TIME,
    CHASE_TIME,
    MAGDA,
    NOT_EXPECTED_ON_MONDAY,
    SARAH,
    child_id,
    count,
    outbox,
)

MONDAY = date(2026, 11, 23)


def run(
    sessions: sessionmaker[Session], job: Callable[[JobContext], JobResult], now: datetime
) -> JobResult:
    """Run a scheduled job's decision for the demo nursery (the only setting) and apply its
    effects, in its own transaction (without the once-a-day record: the job's own rows count)."""
    with transaction(sessions) as session:
        setting = session.scalars(select(Setting)).one()
        context = JobContext(session, setting, now, parent_catalog(), staff_catalog())
        return perform(job, context)


def test_chase_asks_about_exactly_the_expected_children_not_yet_seen(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    maya, leo = child_id(sessions, "Maya"), child_id(sessions, "Leo")
    with transaction(sessions) as session:
        session.add(Arrival(child_id=maya, on_date=MONDAY, at=CHASE_TIME))
        session.add(Absence(child_id=leo, start=MONDAY, end=MONDAY, reported_by_guardian_ids=[1]))
    report = run(sessions, chase_missing, CHASE_TIME)
    assert "Maya Thompson" not in report.chased  # arrived
    assert "Leo Thompson" not in report.chased  # reported absent
    assert not NOT_EXPECTED_ON_MONDAY & set(report.chased)  # not their day
    assert set(report.chased) == {
        "Kuba Kowalski",
        "Zosia Kowalska",
        "Isla Campbell",
        "Ayaan Hussain",
        "Mateo Garcia",
        "Andrei Popescu",  # no days in children.csv: every weekday
        "Hodan Abdi",
        "Rahim Ahmed",
        "Bia Silva",
        "Yusuf Haddad",
    }
    assert count(sessions, AbsenceChase) == len(report.chased)


def test_chase_sends_one_message_per_guardian_in_their_language_with_choices(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    report = run(sessions, chase_missing, CHASE_TIME)
    to_sarah = [m["text"] for m in report.messages if m["to"] == "Sarah Thompson"]
    assert to_sarah == ["We haven't seen Maya and Leo this morning. Are they coming in today?"]
    [row] = outbox(sessions, Outbox.recipient_id == MAGDA)
    assert row.kind == "chase" and "Kuba" in row.text and "Zosia" in row.text
    assert [choice["id"] for choice in row.choices] == ["chase:absent", "chase:late"]
    assert {m["to"] for m in report.messages} >= {"Mark Thompson", "Linda Thompson"}


def test_chase_runs_once_a_day_even_when_the_job_runs_twice(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    first = run(sessions, chase_missing, CHASE_TIME)
    again = run(sessions, chase_missing, CHASE_TIME.replace(minute=45))
    assert first.chased and again.chased == [] and again.messages == []


def test_nobody_is_chased_on_a_closed_day(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    christmas_eve = datetime(2026, 12, 24, 9, 30, tzinfo=UTC)
    saturday = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    assert run(sessions, chase_missing, christmas_eve).chased == []
    assert run(sessions, chase_missing, saturday).chased == []


def test_not_coming_today_records_the_absence_for_the_chased_children(
    sessions: sessionmaker[Session], make_engine_at: Callable[[datetime], Engine]
) -> None:
    run(sessions, chase_missing, CHASE_TIME)
    result = say(make_engine_at(CHASE_TIME), SARAH, "1")  # SMS answer to the first choice
    assert [r["children"] for r in result.records] == [["Maya Thompson", "Leo Thompson"]]
    assert result.records[0]["start"] == result.records[0]["end"] == "2026-11-23"
    assert "marked absent today" in reply_text(result)
    with sessions() as session:
        answers = session.scalars(
            select(AbsenceChase.answer).where(AbsenceChase.answer.is_not(None))
        )
        assert sorted(answers) == ["absent", "absent"]
    tasks = run(sessions, create_call_tasks, CALL_TIME).call_tasks
    assert tasks and not {"Maya Thompson", "Leo Thompson"} & {task["child"] for task in tasks}


def test_an_illness_answer_in_their_own_words_records_that_childs_absence(
    sessions: sessionmaker[Session], make_engine_at: Callable[[datetime], Engine]
) -> None:
    run(sessions, chase_missing, CHASE_TIME)
    result = say(make_engine_at(CHASE_TIME), SARAH, "Maya is ill, she has a temperature")
    assert [r["children"] for r in result.records] == [["Maya Thompson"]]
    assert result.records[0]["symptoms"] == ["temperature"]
    maya, leo = child_id(sessions, "Maya"), child_id(sessions, "Leo")
    assert count(sessions, Absence, Absence.child_id == maya) == 1
    assert count(sessions, Absence, Absence.child_id == leo) == 0


def test_on_our_way_tells_the_room_and_no_call_task_follows(
    sessions: sessionmaker[Session], make_engine_at: Callable[[datetime], Engine]
) -> None:
    run(sessions, chase_missing, CHASE_TIME)
    result = say(make_engine_at(CHASE_TIME), SARAH, "", choice_id="chase:late")
    assert "expect Maya and Leo later today" in reply_text(result)
    assert {n["to"] for n in result.staff_notifications} >= {"Jess Hughes", "Tom Okafor"}
    assert all(n["text"].startswith("On the way") for n in result.staff_notifications)
    assert result.records[0]["type"] == "late_arrival"
    tasks = run(sessions, create_call_tasks, CALL_TIME).call_tasks
    assert not {"Maya Thompson", "Leo Thompson"} & {task["child"] for task in tasks}


def test_no_answer_by_the_second_time_makes_a_call_task_with_every_number(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    run(sessions, chase_missing, CHASE_TIME)
    report = run(sessions, create_call_tasks, CALL_TIME)
    [maya] = [task for task in report.call_tasks if task["child"] == "Maya Thompson"]
    for expected in ("Sarah Thompson", "+447700900101", "Mark Thompson", "Linda Thompson"):
        assert expected in maya["text"]
    assert "(grandmother)" in maya["text"]  # the emergency contact from emergency_contacts.csv
    to_maya = {n["to"] for n in report.staff_notifications if "Maya Thompson" in n["text"]}
    assert to_maya == {"Jess Hughes", "Priya Shah"}  # key person and manager
    with sessions() as session:
        item = session.scalar(
            select(HandoffItem).where(
                HandoffItem.kind == "call_task", HandoffItem.child_id == child_id(sessions, "Maya")
            )
        )
        assert item is not None and item.status == "open"
    assert run(sessions, create_call_tasks, CALL_TIME).call_tasks == []  # once only


def test_a_child_who_arrives_after_the_chase_gets_no_call_task(
    sessions: sessionmaker[Session], make_engine_at: Callable[[datetime], Engine]
) -> None:
    run(sessions, chase_missing, CHASE_TIME)
    say(make_engine_at(CHASE_TIME), "+447700900002", "arrived Maya")
    tasks = run(sessions, create_call_tasks, CALL_TIME).call_tasks
    assert "Maya Thompson" not in {task["child"] for task in tasks}


def test_the_chase_puts_the_guardians_conversation_in_the_chase_state(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    run(sessions, chase_missing, CHASE_TIME)
    with sessions() as session:
        states = {c.state for c in session.scalars(select(Conversation))}
    assert states == {"chase:asked"}  # the chase flow's one step


def test_a_notice_for_another_day_leaves_todays_check_open(
    sessions: sessionmaker[Session], make_engine_at: Callable[[datetime], Engine]
) -> None:
    run(sessions, chase_missing, CHASE_TIME)
    result = say(make_engine_at(CHASE_TIME), SARAH, "Maya is off on Friday, dentist appointment")
    assert [r["start"] for r in result.records] == ["2026-11-27"]
    with sessions() as session:
        maya = session.scalars(
            select(AbsenceChase).where(AbsenceChase.child_id == child_id(sessions, "Maya"))
        ).one()
        assert maya.answered_at is None


def test_the_chase_keeps_the_languages_a_guardian_declined(
    sessions: sessionmaker[Session], make_engine_at: Callable[[datetime], Engine]
) -> None:
    early = make_engine_at(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    asked = say(early, SARAH, "Czy przedszkole jest otwarte w sobotę i niedzielę?")
    assert "language:keep" in [choice.id for reply in asked.replies for choice in reply.choices]
    say(early, SARAH, "", choice_id="language:keep")
    run(sessions, chase_missing, CHASE_TIME)
    answer = say(make_engine_at(CHASE_TIME), SARAH, "Maya jest dzisiaj chora, ma gorączkę")
    assert [r["children"] for r in answer.records] == [["Maya Thompson"]]
    assert "language:keep" not in [c.id for reply in answer.replies for c in reply.choices]
