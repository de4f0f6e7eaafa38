"""Staff sign-in to the dashboard: a one-time code sent to the member's own channel, and sessions.

- A code is six digits, valid for 10 minutes and 5 tries, kept only as an HMAC (keyed by the
  deployment's secret), and goes out through the outbox like any staff alert; at most 5 an
  hour go to one member of staff.
- Six wrong codes in a row for one identifier lock its sign-in for 30 minutes. An identifier no
  one on the staff has is counted and locked the same way, and asking for its code answers the
  same, so the sign-in page never tells whether a number belongs to the staff.
- A session lasts 12 hours from sign-in; the browser holds a random token, the database only
  its SHA-256. Signing out ends one session; signing out everywhere ends all of a member's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import AuditLog, Staff, StaffSession, StaffSignIn
from bot.db.session import insert_unless_present
from bot.roster.fields import FieldError, phone_e164

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5  # wrong tries one code survives
LOCK_AFTER = 6  # wrong codes in a row that lock the sign-in
LOCK_FOR = timedelta(minutes=30)
RESEND_AFTER = timedelta(seconds=30)  # asking again sooner sends nothing new
CODES_PER_HOUR = 5  # more are not sent: nobody can flood a member's phone with codes
SESSION_LIFETIME = timedelta(hours=12)
FORGET_AFTER = timedelta(days=1)  # sign-in rows with no code or lock left are removed then


@dataclass(frozen=True, slots=True)
class Locked:
    """Sign-in for this identifier is locked until `until`."""

    until: datetime


@dataclass(frozen=True, slots=True)
class CodeSent:
    """A code is on its way if the identifier is a member of staff's (the answer is the same
    when it is not)."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The code was right: this member of staff may start a session."""

    staff_id: int


@dataclass(frozen=True, slots=True)
class WrongCode:
    """The code was wrong, expired or used up."""


CodeRequest = CodeSent | Locked
CodeCheck = SignedIn | WrongCode | Locked


def identifier_of(typed: str) -> str | None:
    """The identifier a member of staff signs in with, as the roster stores it: an e-mail
    address (lower case) or a phone number (E.164); None when it is neither."""
    text = typed.strip()
    if "@" in text:
        return text.lower() if len(text) <= 200 and " " not in text else None
    try:
        return phone_e164(text) if text else None
    except FieldError:
        return None


def member_for(session: Session, setting_id: int, identifier: str) -> Staff | None:
    """The member of staff with this phone number or e-mail address."""
    column = func.lower(Staff.email) if "@" in identifier else Staff.phone
    return session.scalar(
        select(Staff).where(Staff.setting_id == setting_id, column == identifier).limit(1)
    )


def request_code(
    session: Session,
    setting_id: int,
    identifier: str,
    now: datetime,
    secret: bytes,
    send: Callable[[Staff, str], None],
) -> CodeRequest:
    """Make a new code for the member of staff with this identifier and `send` it to them.

    Nothing is sent when there is no such member, when a code went less than 30 seconds ago
    (a double click), or while sign-in is locked."""
    session.execute(
        delete(StaffSignIn).where(
            StaffSignIn.updated_at < now - FORGET_AFTER,
            or_(StaffSignIn.locked_until.is_(None), StaffSignIn.locked_until < now),
        )
    )
    row = _row(session, identifier, now)
    if row.locked_until is not None and row.locked_until > now:
        return Locked(row.locked_until)
    member = member_for(session, setting_id, identifier)
    if member is None:
        return CodeSent()
    recent = row.code_sent_at is not None and now - row.code_sent_at < RESEND_AFTER
    if row.code_hash is not None and recent:  # a double click: the code already sent stands
        return CodeSent()
    if _codes_sent_since(session, member.id, now - timedelta(hours=1)) >= CODES_PER_HOUR:
        return CodeSent()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row.staff_id, row.code_hash = member.id, _code_hash(secret, identifier, code)
    row.code_sent_at, row.code_expires_at, row.code_tries = now, now + CODE_LIFETIME, 0
    row.updated_at = now
    send(member, code)
    audit(session, f"staff:{member.id}", "sign_in_code_sent", f"staff:{member.id}")
    return CodeSent()


def _codes_sent_since(session: Session, staff_id: int, since: datetime) -> int:
    """Codes sent to the member of staff since then (their audit entries say so)."""
    count = session.scalar(
        select(func.count(AuditLog.id)).where(
            AuditLog.action == "sign_in_code_sent",
            AuditLog.subject == f"staff:{staff_id}",
            AuditLog.at >= since,
        )
    )
    return count or 0


def check_code(
    session: Session, identifier: str, code: str, now: datetime, secret: bytes
) -> CodeCheck:
    """Whether `code` is the identifier's current code; counts wrong ones and locks at six."""
    row = _row(session, identifier, now)
    if row.locked_until is not None and row.locked_until > now:
        return Locked(row.locked_until)
    row.updated_at = now
    typed = "".join(code.split())
    expires, staff_id = row.code_expires_at, row.staff_id
    live = expires is not None and expires > now and row.code_tries < CODE_TRIES
    right = hmac.compare_digest(row.code_hash or "", _code_hash(secret, identifier, typed))
    if live and right and row.code_hash and staff_id is not None:
        _forget_code(row)
        row.failures, row.locked_until = 0, None
        return SignedIn(staff_id)
    return _wrong(session, row, now)


def _wrong(session: Session, row: StaffSignIn, now: datetime) -> CodeCheck:
    row.failures += 1
    row.code_tries += 1
    if row.code_tries >= CODE_TRIES:
        _forget_code(row)
    actor = f"staff:{row.staff_id}" if row.staff_id else "unknown"
    if row.failures < LOCK_AFTER:
        audit(session, actor, "sign_in_code_wrong", f"staff:{row.staff_id or '?'}")
        return WrongCode()
    row.failures, row.locked_until = 0, now + LOCK_FOR
    _forget_code(row)
    audit(session, actor, "sign_in_locked", f"staff:{row.staff_id or '?'}")
    return Locked(row.locked_until)


def _forget_code(row: StaffSignIn) -> None:
    row.code_hash, row.code_expires_at, row.code_tries = None, None, 0


def _row(session: Session, identifier: str, now: datetime) -> StaffSignIn:
    """The identifier's sign-in row, made when missing, locked for this transaction."""
    insert_unless_present(
        session, StaffSignIn, identifier=identifier, code_tries=0, failures=0, updated_at=now
    )
    found = session.scalar(
        select(StaffSignIn).where(StaffSignIn.identifier == identifier).with_for_update()
    )
    assert found is not None
    return found


def _code_hash(secret: bytes, identifier: str, code: str) -> str:
    message = f"{identifier}\n{code}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, staff_id: int, now: datetime) -> str:
    """A new session for the member of staff: the token for the browser to hold."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            staff_id=staff_id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    audit(session, f"staff:{staff_id}", "signed_in", f"staff:{staff_id}")
    return token


def session_member(session: Session, token: str, now: datetime) -> Staff | None:
    """The member of staff whose live session this token is."""
    return session.scalar(
        select(Staff)
        .join(StaffSession, StaffSession.staff_id == Staff.id)
        .where(
            StaffSession.token_hash == _token_hash(token),
            StaffSession.revoked_at.is_(None),
            StaffSession.expires_at > now,
        )
    )


def end_session(session: Session, token: str, now: datetime) -> None:
    """Sign this browser out."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == _token_hash(token), StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def end_all_sessions(session: Session, staff_id: int, now: datetime) -> None:
    """Sign the member of staff out everywhere (every browser, every device)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    audit(session, f"staff:{staff_id}", "signed_out_everywhere", f"staff:{staff_id}")
