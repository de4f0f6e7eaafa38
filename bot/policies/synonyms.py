"""A setting's own synonyms: parents' words mapped to its policies' words, added by managers on
the dashboard when they see a good question go unanswered. They join the shipped table
(content/qa/synonyms.toml, [expand]) for that setting's index only (bot.policies.knowledge),
which rebuilds in the background once one is added."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import PolicySynonym, utcnow
from bot.policies.terms import words

MOST_CHARS = 100  # a phrase, parent's or policy's
MOST_PHRASES = 8  # policy phrases for one parent phrase


class SynonymInvalid(ValueError):
    """What is wrong with a synonym as typed (its message is shown to staff)."""


@dataclass(frozen=True, slots=True)
class Synonym:
    """Parent words -> policy phrases, as the Policies screen lists them."""

    parent_words: str
    policy_words: tuple[str, ...]


def phrase(text: str) -> str:
    """A phrase as stored: lower case, single spaces."""
    return " ".join(text.casefold().split())


def read_synonym(parent_words: str, policy_words: str) -> Synonym:
    """The synonym a form gives: parents' words, and the policies' phrases separated by commas;
    SynonymInvalid (with the reason) when a phrase is empty, too long, or holds no word."""
    parent = phrase(parent_words)
    policy = tuple(dict.fromkeys(p for p in (phrase(x) for x in policy_words.split(",")) if p))
    if not parent or not words(parent):
        raise SynonymInvalid("the parents' words are empty")
    if not policy or not all(words(p) for p in policy):
        raise SynonymInvalid("give at least one policy word or phrase, separated by commas")
    if len(policy) > MOST_PHRASES:
        raise SynonymInvalid(f"at most {MOST_PHRASES} policy phrases")
    if any(len(p) > MOST_CHARS for p in (parent, *policy)):
        raise SynonymInvalid(f"a phrase may have at most {MOST_CHARS} characters")
    if parent in policy:
        raise SynonymInvalid("the policy words must differ from the parents' words")
    return Synonym(parent, policy)


def add_synonym(session: Session, setting_id: int, synonym: Synonym, staff_id: int) -> bool:
    """Keep the synonym (its policy phrases join any the parents' words already have); audited.
    True when it added something."""
    row = session.scalar(
        select(PolicySynonym).where(
            PolicySynonym.setting_id == setting_id,
            PolicySynonym.parent_words == synonym.parent_words,
        )
    )
    before = tuple(str(p) for p in row.policy_words) if row else ()
    merged = tuple(dict.fromkeys([*before, *synonym.policy_words]))
    if row is not None and merged == before:
        return False
    if row is None:
        row = PolicySynonym(setting_id=setting_id, parent_words=synonym.parent_words)
        session.add(row)
    row.policy_words, row.added_by_staff_id, row.added_at = list(merged), staff_id, utcnow()
    session.flush()
    details = {"parent_words": synonym.parent_words, "policy_words": list(merged)}
    audit(session, f"staff:{staff_id}", "policy_synonym_added", f"policy_synonym:{row.id}", details)
    return True


def list_synonyms(session: Session, setting_id: int) -> list[Synonym]:
    """The setting's own synonyms, by parents' words."""
    rows = session.scalars(
        select(PolicySynonym)
        .where(PolicySynonym.setting_id == setting_id)
        .order_by(PolicySynonym.parent_words)
    )
    return [Synonym(row.parent_words, tuple(str(p) for p in row.policy_words)) for row in rows]
