"""The Policies screen (managers: upload a document, unanswered questions, synonyms) and the
Meetings screen (a key person's own, a manager's all; CSV export), with their doors: roles
checked by URL, forms refused without their CSRF token."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    AuditLog,
    Child,
    Guardian,
    GuardianChild,
    HandoffItem,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    PolicyDocument,
    PolicySynonym,
    Staff,
)
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from bot.policies.knowledge import setting_synonyms
from bot.policies.terms import lexicon_with, stem
from tests.dashboard.support import JESS, TOM, sign_in, staff_id

PRIYA = "+447700900001"
SUNCREAM = (
    b"# Sun protection\n\n## Sun cream\n\nPlease put sun cream on your child before nursery.\n"
)
_tokens = itertools.count(1)


def _upload(client: TestClient, token: str, name: str, body: bytes) -> tuple[int, str]:
    files = [("document", (name, body, "application/octet-stream"))]
    answer = client.post("/staff/policies/documents", data={"csrftoken": token}, files=files)
    return answer.status_code, answer.text


def _actions(sessions: sessionmaker[Session], action: str) -> list[AuditLog]:
    with sessions() as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_a_manager_uploads_a_policy_document_and_it_is_imported(
    client: TestClient, demo_setting: int, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    before = client.get("/staff/policies").text
    assert "Documents (" in before and "sun-protection.md" not in before
    status, page = _upload(client, token, "sun-protection.md", SUNCREAM)
    assert status == 200, page
    assert "Imported sun-protection.md: 1 passages" in page
    assert "sun-protection.md · 1 passages" in page
    status, page = _upload(client, token, "sun-protection.md", SUNCREAM)
    assert "the same as the one already imported" in page
    with sessions() as session:
        documents = session.scalars(
            select(PolicyDocument.filename).where(PolicyDocument.setting_id == demo_setting)
        ).all()
    assert documents.count("sun-protection.md") == 1, "replaced by name, never doubled"
    assert len(documents) > 1, "the folder's other documents stay"
    assert [a.details["outcome"] for a in _actions(sessions, "policy_uploaded")] == [
        "added",
        "unchanged",
    ]


def test_a_file_that_is_not_a_policy_document_is_reported_and_nothing_changes(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    with sessions() as session:
        before = session.scalars(select(PolicyDocument.filename)).all()
    status, page = _upload(client, token, "virus.exe", b"MZ\x90\x00")
    assert status == 422 and "Not imported" in page and "unsupported file type .exe" in page
    status, page = _upload(client, token, "empty.md", b"   \n")
    assert status == 422 and "empty.md" in page
    with sessions() as session:
        assert session.scalars(select(PolicyDocument.filename)).all() == before


def test_unanswered_policy_questions_are_listed_with_the_parents_own_words(
    client: TestClient, demo_setting: int, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        magda = session.scalars(select(Guardian).where(Guardian.name == "Magda Kowalska")).one()
        session.add(
            HandoffItem(
                setting_id=demo_setting,
                kind="policy_unanswered",
                guardian_id=magda.id,
                text="Czy mogę przynieść tort na urodziny?",
                english_text="Can I bring a cake for the birthday?",
                language="pl",
            )
        )
    sign_in(client, sessions, PRIYA)
    page = client.get("/staff/policies").text
    assert "Questions the policies did not answer (1)" in page
    assert "Czy mogę przynieść tort na urodziny?" in page and 'lang="pl"' in page
    assert "Can I bring a cake for the birthday?" in page


def test_a_synonym_is_kept_audited_and_joins_the_settings_policy_vocabulary(
    client: TestClient, demo_setting: int, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    form = {"csrftoken": token, "parent_words": "  Wellies ", "policy_words": "boots, outdoor"}
    page = client.post("/staff/policies/synonyms", data=form).text
    assert "Added: &#34;wellies&#34; is now also searched as boots, outdoor." in page
    assert "wellies → boots, outdoor" in page
    again = client.post("/staff/policies/synonyms", data=form | {"policy_words": "boots"}).text
    assert "was already searched as boots" in again
    with sessions() as session:
        kept = setting_synonyms(session, demo_setting)
        row = session.scalars(select(PolicySynonym)).one()
    assert kept == (("wellies", ("boots", "outdoor")),)
    assert row.added_by_staff_id == staff_id(sessions, PRIYA)
    assert (stem("wellies"),) in lexicon_with(kept).expansions
    [entry] = _actions(sessions, "policy_synonym_added")
    assert entry.details == {"parent_words": "wellies", "policy_words": ["boots", "outdoor"]}


def test_a_synonym_without_policy_words_is_refused_with_the_reason(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, PRIYA)
    form = {"csrftoken": token, "parent_words": "wellies", "policy_words": " , "}
    page = client.post("/staff/policies/synonyms", data=form).text
    assert "Nothing was added: give at least one policy word" in page
    with sessions() as session:
        assert session.scalars(select(PolicySynonym)).all() == []


def test_the_policies_screen_is_for_managers_even_by_url(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = sign_in(client, sessions, TOM)  # key person and safeguarding lead, not a manager
    assert "/staff/policies" not in client.get("/staff/").text, "not offered"
    assert client.get("/staff/policies").status_code == 404
    form = {"csrftoken": token, "parent_words": "wellies", "policy_words": "boots"}
    assert client.post("/staff/policies/synonyms", data=form).status_code == 404
    assert _upload(client, token, "sun-protection.md", SUNCREAM)[0] == 404
    with sessions() as session:
        assert session.scalars(select(PolicySynonym)).all() == []
        names = session.scalars(select(PolicyDocument.filename)).all()
    assert "sun-protection.md" not in names
    refused = _actions(sessions, "dashboard_refused")
    assert {entry.details["action"] for entry in refused} == {"manage_policies"}


def test_policy_forms_without_their_csrf_token_are_refused(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, PRIYA)
    form = {"parent_words": "wellies", "policy_words": "boots"}
    assert client.post("/staff/policies/synonyms", data=form).status_code == 403
    forged = {"csrftoken": "forged"} | form
    assert client.post("/staff/policies/synonyms", data=forged).status_code == 403
    assert _upload(client, "forged", "sun-protection.md", SUNCREAM)[0] == 403
    with sessions() as session:
        assert session.scalars(select(PolicySynonym)).all() == []
        assert "sun-protection.md" not in session.scalars(select(PolicyDocument.filename)).all()


def _meeting(
    sessions: sessionmaker[Session],
    setting_id: int,
    holder: str,
    child: str,
    start: datetime,
    **fields: str,
) -> None:
    with transaction(sessions) as session:
        staff = session.scalars(select(Staff).where(Staff.phone == holder)).one()
        kid = session.scalars(select(Child).where(Child.first_name == child)).one()
        guardian = session.scalars(
            select(Guardian).join(GuardianChild).where(GuardianChild.child_id == kid.id)
        ).first()
        assert guardian is not None
        meeting = Meeting(
            setting_id=setting_id,
            staff_id=staff.id,
            start=start,
            end=start + timedelta(minutes=15),
            ics_token=f"token-{next(_tokens)}",
            **fields,
        )
        session.add(meeting)
        session.flush()
        session.add(MeetingChild(meeting_id=meeting.id, child_id=kid.id))
        session.add(MeetingGuardian(meeting_id=meeting.id, guardian_id=guardian.id))


MONDAY_3PM = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_a_key_person_sees_the_meetings_they_hold_and_a_manager_every_meeting(
    client: TestClient, demo_setting: int, sessions: sessionmaker[Session]
) -> None:
    _meeting(sessions, demo_setting, JESS, "Maya", MONDAY_3PM, topic="Settling in")
    _meeting(sessions, demo_setting, TOM, "Jakub", MONDAY_3PM + timedelta(days=2), mode="phone")
    _meeting(sessions, demo_setting, JESS, "Isla", MONDAY_3PM + timedelta(days=7))  # next week
    sign_in(client, sessions, JESS)
    page = client.get("/staff/meetings").text
    assert "Meetings, Mon 23 Nov to Sun 29 Nov 2026" in page
    assert "Mon 23 Nov 15:00–15:15" in page and "Maya Thompson" in page and "Settling in" in page
    assert "Kuba" not in page, "Tom's meeting"
    assert "Isla" not in page, "next week's"
    assert "Isla" in client.get("/staff/meetings?week=2026-11-30").text
    client.cookies.clear()
    sign_in(client, sessions, PRIYA)
    page = client.get("/staff/meetings").text
    assert "Maya Thompson" in page and "Kuba Kowalski" in page and "by phone" in page


def test_the_meetings_csv_has_the_weeks_rows_the_viewer_may_see(
    client: TestClient, demo_setting: int, sessions: sessionmaker[Session]
) -> None:
    _meeting(sessions, demo_setting, JESS, "Maya", MONDAY_3PM, topic="=HYPERLINK(1)")
    _meeting(sessions, demo_setting, TOM, "Jakub", MONDAY_3PM, status="cancelled")
    sign_in(client, sessions, JESS)
    answer = client.get("/staff/meetings/export.csv?week=2026-11-25")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert 'filename="meetings-2026-11-23.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 1 and rows[0]["staff"] == "Jess Hughes"
    assert rows[0]["date"] == "2026-11-23" and rows[0]["start"] == "15:00"
    assert rows[0]["children"] == "Maya Thompson" and rows[0]["guardians"]
    assert rows[0]["topic"] == "'=HYPERLINK(1)", "no formula for a spreadsheet to run"
    client.cookies.clear()
    sign_in(client, sessions, PRIYA)
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/meetings/export.csv").text)))
    assert [row["status"] for row in rows] == ["booked", "cancelled"]
    exports = [a.subject for a in _actions(sessions, "dashboard_viewed") if "export" in a.subject]
    assert exports == ["dashboard:meetings:export:2026-11-23"] * 2


def test_a_week_without_meetings_says_so(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, sessions, TOM)
    page = client.get("/staff/meetings").text
    assert "No meetings this week." in page and "The meetings you hold this week." in page
    assert client.get("/staff/meetings?week=not-a-date").status_code == 422
