"""Signing in to the dashboard the way a member of staff does: ask for a code, read it from the
outbox row the sign-in wrote (as their phone would receive it), type it in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import HandoffItem, Outbox, Staff
from parentbot.dashboard.routes_sign_in import SIGN_IN_CODE

PRIYA = "+447700900001"  # manager and safeguarding lead
JESS = "+447700900002"  # key person, Saplings (Maya's key person)
TOM = "+447700900003"  # key person, Oaks (Leo's and Kuba's), safeguarding lead
SAM = "+447700900005"  # practitioner, Oaks
LUCY = "+447700900006"  # admin
SARAH = "+447700900101"  # mother of Maya (Saplings) and Leo (Oaks)
MAGDA = "+447700900111"  # mother of Kuba (Oaks) and Zosia (Seedlings), writes Polish
CSRF = re.compile(r'name="csrftoken" value="([^"]+)"')
DISCLOSURE = "Maya has a bruise and said someone at home hurt her"
POLISH_CONCERN = "Martwię się o Kubę, od tygodnia źle śpi i płacze rano"


def csrf_token(client: TestClient, path: str = "/staff/sign-in") -> str:
    """The CSRF token a page's forms carry."""
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found[1]


def latest_code(sessions: sessionmaker[Session], phone: str) -> str:
    """The code in the newest sign-in message to this phone."""
    with sessions() as session:
        row = session.scalars(
            select(Outbox)
            .where(Outbox.kind == SIGN_IN_CODE, Outbox.recipient_id == phone)
            .order_by(Outbox.id.desc())
        ).first()
    assert row is not None, f"no sign-in code was sent to {phone}"
    found = re.search(r"\b(\d{6})\b", row.text)
    assert found, row.text
    return found[1]


def sign_in(client: TestClient, sessions: sessionmaker[Session], phone: str) -> str:
    """Sign in with a code; the CSRF token for the pages' forms."""
    token = csrf_token(client)
    asked = client.post("/staff/sign-in", data={"csrftoken": token, "identifier": phone})
    assert asked.status_code == 200, asked.text
    code = latest_code(sessions, phone)
    answer = client.post(
        "/staff/sign-in/code",
        data={"csrftoken": token, "identifier": phone, "code": code},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return token


def staff_id(sessions: sessionmaker[Session], phone: str) -> int:
    with sessions() as session:
        found = session.scalar(select(Staff.id).where(Staff.phone == phone))
    assert found is not None
    return found


def newest_handoff(sessions: sessionmaker[Session], kind: str | None = None) -> int:
    with sessions() as session:
        query = select(HandoffItem.id).order_by(HandoffItem.id.desc())
        found = session.scalars(query.where(HandoffItem.kind == kind) if kind else query).first()
    assert found is not None
    return found
