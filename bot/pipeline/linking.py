"""Channel identities and linking them to people: get-or-create, verified phone, one-time codes.

Session-based, so the core service can log the inbound message, link and queue its answer in one
transaction (`bot.service.CoreService.answer_linking`). One-time codes live in
Setting.options["link_codes"], stored as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import ChannelIdentity, Setting, utcnow
from bot.i18n.names import parent_catalog
from bot.pipeline.identity import find_identity, identity_for, link_by_phone
from bot.types import Choice, InboundMessage, Reply

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
CODE_TTL = timedelta(hours=48)
CONTACT_REQUEST = "contact_request"  # outbox kind: a reply asking for the person's own contact
SHARE_CONTACT = "share_contact"  # the choice id of its button


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """A chat account asking to be linked to someone on the roster, as its adapter parsed it."""

    command: str  # "start", "link" (/link CODE), "contact" (their own card), "foreign_contact"
    argument: str = ""  # the code of /link CODE or /start CODE
    language: str = ""  # the chat app's language: the only hint before they are on the roster


def linking_reply(
    session: Session, setting_id: int, inbound: InboundMessage, request: LinkRequest
) -> tuple[Reply, str]:
    """Do what /start, a shared contact or /link asks; the answer and its outbox kind."""
    user_id, channel = inbound.sender_id, inbound.channel
    if request.command == "contact" and inbound.contact_phone:
        linked = link_phone(session, setting_id, channel, user_id, inbound.contact_phone)
        return Reply(_say("linked" if linked else "not_found", request)), "reply"
    if request.command in ("link", "start") and request.argument:  # /start CODE: a deep link
        redeemed = redeem_link_code(session, setting_id, channel, user_id, request.argument)
        return Reply(_say("code_ok" if redeemed else "code_bad", request)), "reply"
    identity = find_identity(session, channel, user_id)
    if request.command == "start" and identity and (identity.guardian_id or identity.staff_id):
        return Reply(_say("already", request)), "reply"
    asked = "own_contact" if request.command == "foreign_contact" else "share_contact"
    button = Choice(SHARE_CONTACT, _say("share_button", request))
    return Reply(_say(asked, request), (button,)), CONTACT_REQUEST


def _say(key: str, request: LinkRequest) -> str:
    """Curated linking text in the language of the person's chat app (English otherwise)."""
    language = request.language[:2].lower()
    catalog = parent_catalog()
    return catalog.text(f"linking.{key}", language if language in catalog.languages else "en")


def link_phone(
    session: Session, setting_id: int, channel: str, external_id: str, phone: str
) -> bool:
    """Link an identity to whoever has this (verified) phone; an unknown phone changes nothing."""
    identity = identity_for(session, setting_id, channel, external_id)
    before = identity.guardian_id, identity.staff_id
    if not link_by_phone(session, setting_id, identity, phone):
        identity.guardian_id, identity.staff_id = before
        return False
    _audit(session, identity, "linked_by_phone")
    return True


def issue_link_code(
    session: Session,
    setting_id: int,
    *,
    guardian_id: int | None = None,
    staff_id: int | None = None,
    ttl: timedelta = CODE_TTL,
) -> str:
    """A one-time code staff hand to a guardian (or colleague) to link a chat account."""
    if (guardian_id is None) == (staff_id is None):
        raise ValueError("a link code is for exactly one guardian or member of staff")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    setting = _locked_setting(session, setting_id)
    codes = dict(setting.options.get("link_codes", {}))
    codes[_hash(code)] = {
        "guardian_id": guardian_id,
        "staff_id": staff_id,
        "expires_at": (utcnow() + ttl).isoformat(),
    }
    setting.options = {**setting.options, "link_codes": codes}
    return code


def redeem_link_code(
    session: Session, setting_id: int, channel: str, external_id: str, code: str
) -> bool:
    """Link the identity with a valid unexpired code, which is used up; False otherwise."""
    setting = _locked_setting(session, setting_id)
    codes: dict[str, Any] = dict(setting.options.get("link_codes", {}))
    entry = codes.pop(_hash(code.strip().upper()), None)
    now = utcnow()
    live = {key: value for key, value in codes.items() if _expiry(value) > now}
    setting.options = {**setting.options, "link_codes": live}
    if entry is None or _expiry(entry) <= now:
        return False
    identity = identity_for(session, setting_id, channel, external_id)
    identity.guardian_id, identity.staff_id = entry["guardian_id"], entry["staff_id"]
    _audit(session, identity, "linked_by_code")
    return True


def _locked_setting(session: Session, setting_id: int) -> Setting:
    return session.scalars(select(Setting).where(Setting.id == setting_id).with_for_update()).one()


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _expiry(entry: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(entry["expires_at"]))


def _audit(session: Session, identity: ChannelIdentity, action: str) -> None:
    person = (
        f"guardian:{identity.guardian_id}" if identity.guardian_id else f"staff:{identity.staff_id}"
    )
    audit(session, person, action, f"{identity.channel}:{identity.external_id}")
