"""The Broadcasts and Parents' evenings screens: each change the chat's own command (preview,
Send / Cancel, cancel a scheduled one), each family's status as `parentbot broadcast-status`
reads it, an evening's poll progress and grid with its exports; and their doors: roles checked
by URL, anonymous requests sent to sign in, forms refused without their CSRF token."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import SCHEDULED, SENT, AuditLog, Broadcast, Outbox, Setting
from bot.db.session import transaction
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from tests.core.helpers import say
from tests.dashboard.support import JESS, PRIYA, SARAH, TOM, sign_in

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
EVENING = "parents evening Tue 8 Dec, Wed 9 Dec 15:30-19:00 10 min by Fri 4 Dec"
SCHEDULE = next(job for job in JOBS if job.name == "evening_schedule")
SATURDAY = datetime(2026, 12, 5, 8, 0, tzinfo=LONDON)


@pytest.fixture
def engine(make_engine_at: Callable[[datetime], Engine]) -> Engine:
    """The demo nursery on Monday 30 November 2026, a week before its parents' evening."""
    return make_engine_at(MONDAY)


def _allow_key_persons(sessions: sessionmaker[Session], setting_id: int) -> None:
    with transaction(sessions) as session:
        setting = session.get_one(Setting, setting_id)
        setting.options = {**setting.options, "key_persons_can_broadcast": True}


def _broadcasts(sessions: sessionmaker[Session]) -> list[Broadcast]:
    with sessions() as session:
        return list(session.scalars(select(Broadcast).order_by(Broadcast.id)))


def _scheduled_evening(engine: Engine, sessions: sessionmaker[Session], setting: int) -> None:
    say(engine, PRIYA, EVENING)
    say(engine, PRIYA, "", choice_id="evening:send:1")
    say(engine, SARAH, "1")
    run_job(sessions, setting, SCHEDULE, SATURDAY)


def test_a_manager_previews_a_room_broadcast_and_sends_it_with_the_chat_command(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    form = {"csrftoken": token, "room": "Oaks", "when": "", "text": "Wellies tomorrow please"}
    preview = client.post("/staff/broadcasts/compose", data=form)
    assert "nothing is sent yet" in preview.text, "the chat's own preview"
    assert 'id="send-draft"' in preview.text and 'id="cancel-draft"' in preview.text
    with sessions() as session:
        assert not session.scalars(select(Outbox).where(Outbox.kind == "broadcast")).all()
    sent = client.post("/staff/broadcasts/draft/send", data={"csrftoken": token})
    assert 'id="send-draft"' not in sent.text
    (row,) = _broadcasts(sessions)
    assert row.status == SENT and row.rooms == ["Oaks"]
    status = client.get(f"/staff/broadcasts/{row.id}")
    assert status.status_code == 200 and "Totals:" in status.text
    assert "Magda Kowalska" in status.text and "Sarah Thompson" in status.text


def test_the_status_page_shows_what_broadcast_status_reads(
    client: TestClient, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    from parentbot.cli_broadcast import broadcast_status

    token = sign_in(client, sessions, PRIYA)
    client.post("/staff/broadcasts/compose", data={"csrftoken": token, "text": "Closed Friday"})
    client.post("/staff/broadcasts/draft/send", data={"csrftoken": token})
    (row,) = _broadcasts(sessions)
    page = client.get(f"/staff/broadcasts/{row.id}").text
    printed = broadcast_status(sessions, demo_setting, row.id)
    totals = printed.splitlines()[-1].removeprefix("Totals: ").split(", ")
    assert all(total in page for total in totals), (totals, page)


def test_a_scheduled_broadcast_is_listed_and_cancelled_from_the_dashboard(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    form = {"csrftoken": token, "room": "", "when": "Fri 9:00", "text": "Photos on Friday"}
    client.post("/staff/broadcasts/compose", data=form)
    client.post("/staff/broadcasts/draft/send", data={"csrftoken": token})
    (row,) = _broadcasts(sessions)
    assert row.status == SCHEDULED
    page = client.get("/staff/broadcasts").text
    assert "Scheduled (1)" in page and f'id="cancel-{row.id}"' in page
    done = client.post(f"/staff/broadcasts/{row.id}/cancel", data={"csrftoken": token})
    assert "Scheduled (0)" in done.text
    assert _broadcasts(sessions)[0].status == "cancelled"


def test_cancel_on_the_preview_drops_the_draft_and_sends_nothing(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    client.post("/staff/broadcasts/compose", data={"csrftoken": token, "text": "Oops"})
    client.post("/staff/broadcasts/draft/cancel", data={"csrftoken": token})
    assert all(row.status != SENT for row in _broadcasts(sessions))
    with sessions() as session:
        assert not session.scalars(select(Outbox).where(Outbox.kind == "broadcast")).all()


def test_a_key_person_broadcasts_only_when_the_setting_allows_and_only_to_their_room(
    client: TestClient, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sign_in(client, sessions, JESS)
    assert client.get("/staff/broadcasts").status_code == 404
    assert '/staff/broadcasts"' not in client.get("/staff/").text, "no nav entry either"
    _allow_key_persons(sessions, demo_setting)
    page = client.get("/staff/broadcasts").text
    assert '<option value="Saplings">' in page and '<option value="Oaks">' not in page
    token = sign_in(client, sessions, JESS)
    other = {"csrftoken": token, "room": "Oaks", "text": "Hello Oaks"}
    assert "Only managers" in client.post("/staff/broadcasts/compose", data=other).text


def test_a_key_person_cannot_open_or_cancel_another_rooms_broadcast_by_url(
    client: TestClient, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _allow_key_persons(sessions, demo_setting)
    token = sign_in(client, sessions, PRIYA)
    form = {"csrftoken": token, "room": "Oaks", "when": "Fri 9:00", "text": "Oaks trip"}
    client.post("/staff/broadcasts/compose", data=form)
    client.post("/staff/broadcasts/draft/send", data={"csrftoken": token})
    (row,) = _broadcasts(sessions)
    client.cookies.clear()
    jess = sign_in(client, sessions, JESS)
    assert client.get(f"/staff/broadcasts/{row.id}").status_code == 404
    refused = client.post(f"/staff/broadcasts/{row.id}/cancel", data={"csrftoken": jess})
    assert refused.status_code == 404
    assert _broadcasts(sessions)[0].status == SCHEDULED
    with sessions() as session:
        audited = session.scalars(
            select(AuditLog.subject).where(AuditLog.action == "dashboard_refused")
        ).all()
    assert f"broadcast:{row.id}" in audited


NEW_ROUTES = [
    ("get", "/staff/broadcasts"),
    ("get", "/staff/broadcasts/1"),
    ("post", "/staff/broadcasts/compose"),
    ("post", "/staff/broadcasts/draft/send"),
    ("post", "/staff/broadcasts/draft/cancel"),
    ("post", "/staff/broadcasts/1/cancel"),
    ("get", "/staff/evenings"),
    ("get", "/staff/evenings/1"),
    ("get", "/staff/evenings/1/export.csv"),
    ("get", "/staff/evenings/1/export.ics"),
]


@pytest.mark.parametrize(("method", "path"), NEW_ROUTES)
def test_every_new_route_sends_an_anonymous_visitor_to_sign_in(
    client: TestClient, method: str, path: str
) -> None:
    token = client.get("/staff/sign-in").cookies.get("csrftoken", "")
    data = {"csrftoken": token, "text": "x"} if method == "post" else None
    answer = client.request(method.upper(), path, data=data, follow_redirects=False)
    assert answer.status_code == 303, (path, answer.status_code)
    assert "/staff/sign-in" in answer.headers["location"]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/broadcasts/compose",
        "/staff/broadcasts/draft/send",
        "/staff/broadcasts/draft/cancel",
        "/staff/broadcasts/1/cancel",
    ],
)
def test_every_new_form_without_its_csrf_token_is_refused(
    client: TestClient, sessions: sessionmaker[Session], path: str
) -> None:
    sign_in(client, sessions, PRIYA)
    answer = client.post(path, data={"text": "Hello", "room": ""})
    assert answer.status_code == 403
    assert _broadcasts(sessions) == []


def test_the_evenings_screen_shows_the_polls_progress_and_who_has_not_answered(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, PRIYA, EVENING)
    say(engine, PRIYA, "", choice_id="evening:send:1")
    say(engine, SARAH, "1")
    sign_in(client, sessions, JESS)
    listed = client.get("/staff/evenings").text
    assert (
        "E1" in listed
        and "asking parents" in listed
        and "1 of 16 parents and carers answered" in listed
    )
    page = client.get("/staff/evenings/1").text
    answered = page.split('id="answered">')[1].split("</dd>")[0]
    waiting = page.split('id="waiting">')[1].split("</dd>")[0]
    assert "Sarah Thompson" in answered and "Sarah Thompson" not in waiting
    assert "Magda Kowalska" in waiting
    assert "Schedule" not in page, "no grid before the evening is scheduled"


def test_a_manager_sees_the_whole_grid_and_exports_it_as_csv_and_ics(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _scheduled_evening(engine, sessions, demo_setting)
    sign_in(client, sessions, PRIYA)
    page = client.get("/staff/evenings/1").text
    assert ">Jess Hughes</th>" in page and ">Tom Okafor</th>" in page
    assert "Tue 08 Dec 15:30" in page and "Maya Thompson" in page
    exported = client.get("/staff/evenings/1/export.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert len(rows) == 15, "a header and the 14 children's meetings"
    ics = client.get("/staff/evenings/1/export.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == 14


def test_a_key_person_sees_their_own_column_and_cannot_export_by_url(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _scheduled_evening(engine, sessions, demo_setting)
    sign_in(client, sessions, JESS)
    page = client.get("/staff/evenings/1").text
    assert ">Jess Hughes</th>" in page and ">Tom Okafor</th>" not in page
    assert "Leo Thompson" not in page, "Leo meets Tom"
    assert "export.csv" not in page
    assert client.get("/staff/evenings/1/export.csv").status_code == 404
    assert client.get("/staff/evenings/1/export.ics").status_code == 404
    assert client.get("/staff/evenings/99").status_code == 404


def test_another_key_person_sees_only_their_own_column_too(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _scheduled_evening(engine, sessions, demo_setting)
    sign_in(client, sessions, TOM)
    page = client.get("/staff/evenings/1").text
    assert ">Tom Okafor</th>" in page and ">Jess Hughes</th>" not in page
