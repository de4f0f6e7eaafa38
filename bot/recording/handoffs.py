"""Handoffs: a parent's message a person on the staff must answer, and safeguarding concerns.

An ordinary handoff goes to the child's key person (else the first manager). A safeguarding
concern is a handoff of its own kind that goes at once, marked urgent, to every designated
safeguarding lead and the managers (the managers alone when no lead is set), never to the key
person or the room; only they may reply to it (bot.staff.messages)."""

from __future__ import annotations

from bot.db.models import (
    SAFEGUARDING_ALERT,
    SAFEGUARDING_HANDOFF,
    Child,
    HandoffItem,
    InboundLog,
    Staff,
)
from bot.flows.effects import CreateHandoff, RaiseSafeguardingConcern
from bot.recording.context import EffectContext, children_of
from bot.staff.choices import reply_choice
from bot.staff.roles import SAFEGUARDING_LEAD, members_with
from bot.types import Choice


def create_handoff(context: EffectContext, effect: CreateHandoff) -> None:
    """A handoff for the child's key person (else the first manager), who is alerted."""
    child = context.session.get(Child, effect.child_id) if effect.child_id else None
    managers = context.alerts.managers()
    assignee = child.key_person if child and child.key_person else None
    if assignee is None and managers:
        assignee = managers[0]
    item = _add_item(context, effect.kind, effect.text, child, assignee)
    text = context.staff_text(
        "notify.handoff",
        kind=context.staff_text(f"kind.{effect.kind}"),
        guardian=_guardian_name(context),
        about=_about(context, child),
    )
    alert = _alert(context, text, effect.text, item)
    context.alerts.to([assignee] if assignee else managers, alert, choices=_reply(context, item))


def raise_safeguarding_concern(context: EffectContext, effect: RaiseSafeguardingConcern) -> None:
    """A safeguarding handoff, and an urgent alert to every lead and manager."""
    child = children_of(context, (effect.child_id,))[0] if effect.child_id else None
    leads = members_with(context.session, context.setting_id, SAFEGUARDING_LEAD)
    recipients = [*leads, *context.alerts.managers()]
    item = _add_item(
        context, SAFEGUARDING_HANDOFF, effect.text, child, recipients[0] if recipients else None
    )
    context.audit("safeguarding_concern_raised", f"handoff:{item.id}")
    text = context.staff_text(
        "notify.safeguarding", guardian=_guardian_name(context), about=_about(context, child)
    )
    alert = _alert(context, text, effect.text, item)
    context.alerts.to(recipients, alert, kind=SAFEGUARDING_ALERT, choices=_reply(context, item))


def _add_item(
    context: EffectContext, kind: str, text: str, child: Child | None, assignee: Staff | None
) -> HandoffItem:
    guardian = context.guardian
    item = HandoffItem(
        setting_id=context.setting_id,
        kind=kind,
        guardian_id=guardian.id if guardian else None,
        child_id=child.id if child else None,
        assigned_staff_id=assignee.id if assignee else None,
        text=text,
        english_text=context.english(text),
        language=guardian.language if guardian else "en",
    )
    context.session.add(item)
    context.session.flush()
    context.audit("handoff_created", f"handoff:{item.id}")
    context.handoff = True
    return item


def _guardian_name(context: EffectContext) -> str:
    """The sender as staff know them; an unknown sender by where they wrote from, so the
    safeguarding lead can answer them."""
    if context.guardian:
        return context.guardian.name
    inbound = context.session.get(InboundLog, context.inbound_id) if context.inbound_id else None
    if inbound is None:
        return "an unknown sender"
    return f"an unknown sender ({inbound.channel} {inbound.sender_id})"


def _about(context: EffectContext, child: Child | None) -> str:
    return context.staff_text("notify.about_child", child=child.display_name) if child else ""


def _reply(context: EffectContext, item: HandoffItem) -> list[Choice]:
    """A Reply button, when there is a parent to answer (bot.staff.choices)."""
    return [reply_choice(context.staff_catalog, item.id)] if context.guardian else []


def _alert(context: EffectContext, heading: str, words: str, item: HandoffItem) -> str:
    """The alert: heading, the parent's words (and English), and how to answer them."""
    if context.guardian is None:
        return f"{heading}\n{context.quote(words)}"
    hint = context.staff_text("notify.reply_hint", ref=f"H{item.id}")
    if item.kind == "book_meeting":
        hint += " " + context.staff_text("meeting_staff.offer_hint", ref=f"H{item.id}")
    return f"{heading}\n{context.quote(words)}\n{hint}"
