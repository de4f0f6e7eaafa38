"""The dashboard's screens as each role sees them, driven with the real engine behind them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, Arrival, AuditLog, HandoffItem, Outbox
from bot.pipeline.engine import Engine
from tests.core.helpers import say
from tests.dashboard.support import (
    JESS,
    MAGDA,
    POLISH_CONCERN,
    SARAH,
    TOM,
    newest_handoff,
    sign_in,
    staff_id,
)
from tests.i18n.fake_translator import FakeTranslator

PRIYA = "+447700900001"
LUCY = "+447700900006"


def test_a_key_person_sees_their_rooms_register_and_nobody_elses(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Maya is off today, she has a temperature")
    say(engine, SARAH, "Leo is off today too, he has a temperature")
    sign_in(client, sessions, JESS)
    page = client.get("/staff/").text
    assert "Maya Thompson" in page and "temperature" in page
    assert "Leo Thompson" not in page, "Leo is in Oaks, not Jess's room"
    assert "(1) Today" in page, "one notice waits for Jess: in the tab title"


def test_acknowledging_on_the_dashboard_is_the_chat_command(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Maya is off today, she has a temperature")
    token = sign_in(client, sessions, JESS)
    with sessions() as session:
        absence = session.scalars(select(Absence)).one()
    page = client.post(
        f"/staff/notices/A{absence.id}/acknowledge", data={"csrftoken": token, "back": "/staff/"}
    )
    assert f"Acknowledged A{absence.id}" in page.text, "the chat's own confirmation"
    assert "Seen by Jess Hughes" in page.text
    jess = staff_id(sessions, JESS)
    with sessions() as session:
        assert session.get_one(Absence, absence.id).acknowledged_by_staff_id == jess
        told = session.scalars(select(Outbox).where(Outbox.kind == "acknowledgement")).all()
    assert [row.recipient_id for row in told] == [SARAH], "Sarah is told, as from the chat"


def test_marking_a_child_in_records_the_arrival_and_is_audited(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, JESS)
    page = client.get("/staff/").text
    maya = int(page.split('href="/staff/children/')[1].split('"')[0])
    answer = client.post(f"/staff/children/{maya}/arrived", data={"csrftoken": token})
    assert "Marked in at" in answer.text
    with sessions() as session:
        assert session.scalars(select(Arrival.child_id)).all() == [maya]
        actions = session.scalars(select(AuditLog.action)).all()
    assert "arrival_recorded" in actions and "dashboard_viewed" in actions


def test_replying_to_a_polish_parent_sends_her_the_answer_in_polish(
    make_engine_at: object, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    from datetime import UTC, datetime

    from bot.pipeline.engine import Engine as RealEngine
    from parentbot.web import create_app

    engine = RealEngine(
        sessions,
        demo_setting,
        clock=lambda: datetime(2026, 11, 23, 8, 15, tzinfo=UTC),
        translator=FakeTranslator(),
    )
    say(engine, MAGDA, POLISH_CONCERN)
    item = newest_handoff(sessions)
    client = TestClient(create_app(demo=False, engine=engine))
    token = sign_in(client, sessions, TOM)  # Kuba's key person: routed to him
    page = client.get(f"/staff/inbox/{item}").text
    assert POLISH_CONCERN in page and 'lang="pl"' in page
    assert "[en] Martwię się" in page, "the English beside her words"
    answer = "Thank you, we will keep an eye on him and talk at pick-up."
    done = client.post(f"/staff/inbox/{item}/reply", data={"csrftoken": token, "answer": answer})
    assert "Sent to Magda Kowalska" in done.text and "Polish" in done.text
    with sessions() as session:
        sent = session.scalars(select(Outbox).where(Outbox.kind == "staff_reply")).one()
        assert session.get_one(HandoffItem, item).status == "closed"
    assert sent.recipient_id == MAGDA
    assert f"[pl] {answer}" in sent.text


def test_an_empty_answer_is_not_sent(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, MAGDA, POLISH_CONCERN)
    item = newest_handoff(sessions)
    token = sign_in(client, sessions, TOM)
    page = client.post(f"/staff/inbox/{item}/reply", data={"csrftoken": token, "answer": "   "})
    assert "Nothing was sent" in page.text and POLISH_CONCERN in page.text
    with sessions() as session:
        assert session.get_one(HandoffItem, item).status == "open"


def test_a_key_person_passes_a_handoff_to_a_colleague_who_is_told(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, MAGDA, POLISH_CONCERN)
    item = newest_handoff(sessions)
    token = sign_in(client, sessions, TOM)
    jess = staff_id(sessions, JESS)
    done = client.post(f"/staff/inbox/{item}/reassign", data={"csrftoken": token, "to": jess})
    assert "now with Jess Hughes" in done.text
    assert POLISH_CONCERN not in client.get("/staff/inbox").text, "no longer Tom's"
    with sessions() as session:
        alert = session.scalars(select(Outbox).where(Outbox.staff_id == jess)).all()[-1]
    assert f"H{item} was passed to you by Tom Okafor" in alert.text


def test_closing_a_handoff_takes_it_out_of_the_inbox(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, MAGDA, POLISH_CONCERN)
    item = newest_handoff(sessions)
    token = sign_in(client, sessions, PRIYA)
    assert POLISH_CONCERN in client.get("/staff/inbox").text, "managers see every handoff"
    done = client.post(f"/staff/inbox/{item}/close", data={"csrftoken": token})
    assert f"H{item} is closed" in done.text and "Nothing is waiting for you" in done.text


def _upload(client: TestClient, token: str, files: dict[str, bytes]) -> str:
    parts = [("files", (name, body, "text/csv")) for name, body in files.items()]
    answer = client.post("/staff/roster", data={"csrftoken": token}, files=parts)
    return answer.text


def _demo_csvs() -> dict[str, bytes]:
    from tests.conftest import DEMO

    return {
        name: (DEMO / name).read_bytes() for name in ("staff.csv", "children.csv", "guardians.csv")
    }


def test_a_roster_with_an_error_is_reported_by_line_and_changes_nothing(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    files = _demo_csvs()
    files["children.csv"] = files["children.csv"].replace(b",Saplings,Jess", b",Sapling,Jess", 1)
    files["guardians.csv"] = files["guardians.csv"].replace(b",pl,", b",xx,", 1)
    page = _upload(client, token, files)
    assert "children.csv:2: room: unknown room &#39;Sapling&#39;" in page
    assert "guardians.csv:" in page and ": language:" in page
    assert "nothing was changed" in page
    with sessions() as session:
        actions = session.scalars(select(AuditLog.action)).all()
    assert actions.count("roster_imported") == 1, "only the demo's own import"


def test_a_good_roster_upload_imports_people_and_keeps_the_rest(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    files = _demo_csvs()
    files["staff.csv"] = files["staff.csv"] + b"Ola Berg,07700 900007,,practitioner,Oaks,\n"
    page = _upload(client, token, files)
    assert "Imported: 7 staff" in page
    with sessions() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "roster_imported")).all()
    assert entry[-1].actor == f"staff:{staff_id(sessions, PRIYA)}"


def test_a_roster_upload_without_its_csrf_token_is_refused(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, PRIYA)
    parts = [("files", (name, body, "text/csv")) for name, body in _demo_csvs().items()]
    assert client.post("/staff/roster", files=parts).status_code == 403
    forged = client.post("/staff/roster", data={"csrftoken": "forged"}, files=parts)
    assert forged.status_code == 403


def test_a_file_that_is_not_a_roster_file_is_named(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, LUCY)  # admins keep the roster too
    page = _upload(client, token, {**_demo_csvs(), "notes.txt": b"hello"})
    assert "notes.txt: not a roster file" in page


def test_the_office_screens_are_for_managers(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, JESS)
    for path in ("/staff/delivery", "/staff/roster", "/staff/audit"):
        assert client.get(path).status_code == 404, path
    page = client.get("/staff/").text
    assert "/staff/audit" not in page, "not offered either"


def test_the_audit_log_pages_newest_first(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, PRIYA)
    for _ in range(60):
        client.get("/staff/inbox")
    first = client.get("/staff/audit").text
    assert "page 1 of 2" in first and "dashboard_viewed" in first and 'rel="next"' in first
    second = client.get("/staff/audit?page=2").text
    assert "roster_imported" in second, "the oldest entry is on the last page"


def test_delivery_problems_lists_what_the_cli_lists(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, PRIYA)
    assert "No delivery problems." in client.get("/staff/delivery").text
    from bot.db.session import transaction

    with transaction(sessions) as session:
        session.add(
            Outbox(channel="sms", recipient_id=SARAH, text="x", status="failed", last_error="21610")
        )
    page = client.get("/staff/delivery").text
    assert "failed" in page and "21610" in page


def test_the_live_check_answers_204_until_something_changes(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, JESS)
    page = client.get("/staff/").text
    marker = page.split('"seen": "')[1].split('"')[0]
    assert client.get("/staff/api/live", params={"seen": marker}).status_code == 204
    say(engine, SARAH, "Maya is off today, she has a temperature")
    changed = client.get("/staff/api/live", params={"seen": marker, "screen": "today"})
    assert changed.status_code == 200
    assert changed.headers["HX-Trigger"] == "dashboard-changed"
    assert "<title>(1) Today" in changed.text
    panel = client.get("/staff/api/today").text
    assert "Maya Thompson" in panel and 'id="panel"' in panel and "<html" not in panel


def test_the_demo_picker_signs_in_without_a_code(engine: Engine) -> None:
    from parentbot.web import create_app

    client = TestClient(create_app(demo=True, engine=engine))
    page = client.get("/staff/sign-in").text
    assert "Jess Hughes (key person)" in page
    token = page.split('name="csrftoken" value="')[1].split('"')[0]
    jess = page.split('">Jess Hughes')[0].rsplit('value="', 1)[1]
    client.post("/staff/sign-in/as", data={"csrftoken": token, "staff_id": jess})
    assert "Jess Hughes" in client.get("/staff/").text
    assert client.post("/staff/sign-in", data={"csrftoken": token}).status_code == 405
