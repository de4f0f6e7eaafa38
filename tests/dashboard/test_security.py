"""The dashboard's doors: no route answers an anonymous request, a member of staff opens only
what their role lets them, every form needs its CSRF token, and guessing codes locks sign-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import Mount

from bot.db.models import AuditLog, Child, Outbox, StaffSession
from bot.pipeline.engine import Engine
from parentbot.config import ConfigError
from parentbot.dashboard import PREFIX, create_dashboard
from parentbot.dashboard.config import DashboardConfig
from parentbot.web import create_app
from tests.core.helpers import say
from tests.dashboard.support import (
    DISCLOSURE,
    JESS,
    LUCY,
    SARAH,
    TOM,
    csrf_token,
    latest_code,
    newest_handoff,
    sign_in,
)

PUBLIC = {("GET", "/sign-in"), ("POST", "/sign-in"), ("POST", "/sign-in/code")}
DEMO_PUBLIC = {("GET", "/sign-in"), ("POST", "/sign-in/as")}
SAMPLE_PARAMS = {
    "child_id": "1",
    "handoff_id": "1",
    "ref": "A1",
    "broadcast_id": "1",
    "choice": "send",
    "evening_id": "1",
}


def _dashboard_routes(demo: bool, engine: Engine) -> list[tuple[str, str]]:
    """Every (method, path) the mounted dashboard serves, read from the app itself."""
    app = create_app(demo=demo, engine=engine)
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == PREFIX)
    found = [
        (method, route.path)
        for route in mount.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]
    assert len(found) >= 15, found  # the screens are all there
    return found


@pytest.mark.parametrize("demo", [False, True], ids=["code", "demo"])
def test_every_staff_route_refuses_an_anonymous_request(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, demo: bool
) -> None:
    public = DEMO_PUBLIC if demo else PUBLIC
    routes = _dashboard_routes(demo, engine)
    assert public <= set(routes)
    client = TestClient(create_app(demo=demo, engine=engine))
    for method, path in routes:
        if (method, path) in public:
            continue
        url = PREFIX + path.format(**SAMPLE_PARAMS)
        answer = client.request(method, url, follow_redirects=False)
        if path.startswith("/api/"):
            assert answer.status_code == 401, (method, url, answer.status_code)
            assert answer.headers["HX-Redirect"] == f"{PREFIX}/sign-in"
        else:
            assert answer.status_code == 303, (method, url, answer.status_code)
            assert answer.headers["location"].startswith(f"{PREFIX}/sign-in"), (method, url)
        assert "Maya" not in answer.text


def test_signing_in_with_the_code_from_the_outbox_opens_today(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, JESS)
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "Jess Hughes" in page.text and "Maya Thompson" in page.text
    cookie = next(c for c in client.cookies.jar if c.name == "parentbot_staff")
    assert cookie.has_nonstandard_attr("HttpOnly") and not cookie.secure
    assert cookie.path == "/staff"


def test_session_cookie_is_secure_behind_https(
    engine: Engine, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bot.example.org")
    client = TestClient(create_app(demo=False, engine=engine), base_url="https://testserver")
    sign_in(client, sessions, JESS)
    cookie = next(c for c in client.cookies.jar if c.name == "parentbot_staff")
    assert cookie.secure


def test_a_number_not_on_the_staff_list_gets_the_same_answer_and_no_code(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = csrf_token(client)
    staff = client.post("/staff/sign-in", data={"csrftoken": token, "identifier": JESS})
    parent = client.post("/staff/sign-in", data={"csrftoken": token, "identifier": SARAH})
    assert parent.status_code == staff.status_code == 200
    assert parent.text.replace(SARAH, JESS) == staff.text
    with pytest.raises(AssertionError, match="no sign-in code"):
        latest_code(sessions, SARAH)


def _ask_for_code(client: TestClient, sessions: sessionmaker[Session]) -> tuple[str, str, str]:
    """Jess asks for a code: the form's CSRF token, the code her phone got, and a wrong one."""
    token = csrf_token(client)
    client.post("/staff/sign-in", data={"csrftoken": token, "identifier": JESS})
    code = latest_code(sessions, JESS)
    return token, code, "000000" if code != "000000" else "111111"


def test_a_wrong_code_six_times_locks_the_sign_in_for_thirty_minutes(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token, _, wrong = _ask_for_code(client, sessions)
    answers = []
    for attempt in range(6):
        if attempt == 5:  # five tries used the first code up: ask for another
            client.post("/staff/sign-in", data={"csrftoken": token, "identifier": JESS})
        data = {"csrftoken": token, "identifier": JESS, "code": wrong}
        answers.append(client.post("/staff/sign-in/code", data=data))
    assert [answer.status_code for answer in answers] == [422] * 5 + [429]
    assert "locked for 30 minutes" in answers[-1].text
    right = latest_code(sessions, JESS)
    data = {"csrftoken": token, "identifier": JESS, "code": right}
    still = client.post("/staff/sign-in/code", data=data, follow_redirects=False)
    assert still.status_code == 429, "even the right code waits out the lock"
    again = client.post("/staff/sign-in", data={"csrftoken": token, "identifier": JESS})
    assert again.status_code == 429 and "locked" in again.text
    with sessions() as session:
        actions = session.scalars(select(AuditLog.action)).all()
    assert "sign_in_locked" in actions


def test_a_code_survives_four_wrong_tries_and_not_five(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token, code, wrong = _ask_for_code(client, sessions)
    data = {"csrftoken": token, "identifier": JESS, "code": wrong}
    for _ in range(4):
        client.post("/staff/sign-in/code", data=data)
    right = {**data, "code": code}
    assert client.post("/staff/sign-in/code", data=right, follow_redirects=False).status_code == 303
    client.cookies.clear()
    token, code, wrong = _ask_for_code(client, sessions)
    data = {"csrftoken": token, "identifier": JESS, "code": wrong}
    for _ in range(5):
        client.post("/staff/sign-in/code", data=data)
    late = client.post("/staff/sign-in/code", data={**data, "code": code})
    assert late.status_code == 429, "the code died at five; a sixth wrong code locks"


def _client_at(engine: Engine, now: list[datetime]) -> TestClient:
    """The dashboard mounted as the web app mounts it, on a clock the test moves."""
    outer = FastAPI()
    config = DashboardConfig(b"s" * 32, False, False, clock=lambda: now[0])
    outer.mount(PREFIX, create_dashboard(engine, config))
    return TestClient(outer)


def test_a_code_expires_after_ten_minutes(engine: Engine, sessions: sessionmaker[Session]) -> None:
    now = [datetime(2026, 11, 23, 8, 0, tzinfo=UTC)]
    client = _client_at(engine, now)
    token = csrf_token(client)
    client.post("/staff/sign-in", data={"csrftoken": token, "identifier": JESS})
    now[0] += timedelta(minutes=10, seconds=1)
    data = {"csrftoken": token, "identifier": JESS, "code": latest_code(sessions, JESS)}
    assert client.post("/staff/sign-in/code", data=data).status_code == 422


def test_a_session_ends_after_twelve_hours(engine: Engine, sessions: sessionmaker[Session]) -> None:
    now = [datetime.now(UTC)]
    client = _client_at(engine, now)
    sign_in(client, sessions, JESS)
    now[0] += timedelta(hours=11, minutes=59)
    assert client.get("/staff/", follow_redirects=False).status_code == 200
    now[0] += timedelta(minutes=2)
    assert client.get("/staff/", follow_redirects=False).status_code == 303


def test_signing_out_everywhere_ends_every_session_of_that_member(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    phone, laptop, colleague = (TestClient(create_app(demo=False, engine=engine)) for _ in "abc")
    token = sign_in(phone, sessions, JESS)
    sign_in(laptop, sessions, JESS)
    sign_in(colleague, sessions, TOM)
    out = phone.post(
        "/staff/sign-out-everywhere", data={"csrftoken": token}, follow_redirects=False
    )
    assert out.status_code == 303
    assert laptop.get("/staff/", follow_redirects=False).status_code == 303
    assert phone.get("/staff/", follow_redirects=False).status_code == 303
    assert colleague.get("/staff/", follow_redirects=False).status_code == 200
    with sessions() as session:
        live = session.scalars(select(StaffSession).where(StaffSession.revoked_at.is_(None)))
        assert len(list(live)) == 1


def test_signing_out_ends_only_this_browser(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    phone, laptop = (TestClient(create_app(demo=False, engine=engine)) for _ in "ab")
    token = sign_in(phone, sessions, JESS)
    sign_in(laptop, sessions, JESS)
    phone.post("/staff/sign-out", data={"csrftoken": token})
    assert phone.get("/staff/", follow_redirects=False).status_code == 303
    assert laptop.get("/staff/", follow_redirects=False).status_code == 200


def test_a_form_without_its_csrf_token_is_refused(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, JESS)
    maya = _child_id(sessions, "Maya")
    refused = client.post(f"/staff/children/{maya}/arrived", follow_redirects=False)
    assert refused.status_code == 403
    forged = client.post(
        f"/staff/children/{maya}/arrived", data={"csrftoken": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 403
    sign_out = client.post("/staff/sign-out", follow_redirects=False)
    assert sign_out.status_code == 403
    assert "Maya Thompson" in client.get("/staff/").text
    assert "in at" not in client.get("/staff/").text, "nobody was marked in"


def test_the_sign_in_form_needs_its_csrf_token_even_before_any_cookie(client: TestClient) -> None:
    refused = client.post("/staff/sign-in", data={"identifier": JESS})
    assert refused.status_code == 403


def _child_id(sessions: sessionmaker[Session], first_name: str) -> int:
    with sessions() as session:
        found = session.scalar(select(Child.id).where(Child.first_name == first_name))
    assert found is not None
    return found


def test_a_key_person_cannot_open_another_rooms_child_by_changing_the_address(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, JESS)  # Saplings
    maya, leo = _child_id(sessions, "Maya"), _child_id(sessions, "Leo")  # Saplings, Oaks
    assert client.get(f"/staff/children/{maya}").status_code == 200
    page = client.get(f"/staff/children/{leo}")
    assert page.status_code == 404 and "Leo" not in page.text
    assert client.get("/staff/children/99999").status_code == 404, "the same as a missing child"
    marked = client.post(f"/staff/children/{leo}/arrived", data={"csrftoken": token})
    assert marked.status_code == 404
    assert "Leo Thompson" not in client.get("/staff/").text
    with sessions() as session:
        refusals = session.scalars(
            select(AuditLog.subject).where(AuditLog.action == "dashboard_refused")
        ).all()
    assert f"child:{leo}" in refusals


def test_a_key_person_cannot_acknowledge_another_rooms_notice(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Leo is off today, he has a cold")  # Leo is in Oaks
    token = sign_in(client, sessions, JESS)
    with sessions() as session:
        from bot.db.models import Absence

        absence = session.scalars(select(Absence.id)).one()
    answer = client.post(f"/staff/notices/A{absence}/acknowledge", data={"csrftoken": token})
    assert answer.status_code == 404
    with sessions() as session:
        from bot.db.models import Absence

        assert session.get_one(Absence, absence).acknowledged_by_staff_id is None


def test_only_the_safeguarding_lead_and_managers_open_a_safeguarding_item(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, DISCLOSURE)  # about Maya, Jess's key child
    item = newest_handoff(sessions, "safeguarding")
    for phone, allowed in ((JESS, False), (LUCY, False), (TOM, True), ("+447700900001", True)):
        browser = TestClient(create_app(demo=False, engine=engine))
        token = sign_in(browser, sessions, phone)
        page = browser.get(f"/staff/inbox/{item}")
        assert page.status_code == (200 if allowed else 404), phone
        assert ("someone at home hurt her" in page.text) is allowed, phone
        assert ("someone at home hurt her" in browser.get("/staff/inbox").text) is allowed
        if not allowed:
            replied = browser.post(
                f"/staff/inbox/{item}/reply", data={"csrftoken": token, "answer": "x"}
            )
            assert replied.status_code == 404, phone


def test_the_secret_key_is_required_outside_demo_mode(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARENTBOT_SECRET_KEY")
    with pytest.raises(ConfigError, match="PARENTBOT_SECRET_KEY is not set"):
        create_app(demo=False, engine=engine)
    monkeypatch.setenv("PARENTBOT_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="shorter than 32"):
        create_app(demo=False, engine=engine)
    monkeypatch.delenv("PARENTBOT_SECRET_KEY")
    assert create_app(demo=True, engine=engine)  # demo mode makes its own


def test_no_more_than_five_codes_an_hour_go_to_one_member(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    now = [datetime.now(UTC)]
    client = _client_at(engine, now)
    token = csrf_token(client)
    for _ in range(7):
        client.post("/staff/sign-in", data={"csrftoken": token, "identifier": JESS})
        now[0] += timedelta(minutes=1)  # past the double-click guard
    with sessions() as session:
        sent = session.scalars(select(Outbox).where(Outbox.recipient_id == JESS)).all()
    assert len(sent) == 5
