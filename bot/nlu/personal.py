"""Questions about one of the sender's own children that the roster answers: who their key
person is, which room they are in, which days they are booked.

Data per language in `[personal]`: per fact, its `word`s ("key person") and `ask` words
("who is"), in one clause that asks and at most NEAR words apart ("who is my son's key person",
not "what time does Leo's room open"); and `mine`, the words that make the child the sender's
own ("my son's", "her") when no child is named. "whats a key person" asks about the policy, not
about a child.
"""

from __future__ import annotations

from bot.nlu import lexicon
from bot.nlu.asking import Clauses
from bot.nlu.text import Hit, Text, Words

FACTS = ("key_person", "room", "days")
NEAR = 2  # words at most between a fact's word and its ask word


def personal_fact(
    text: Text, languages: tuple[str, ...], parts: Clauses, child_named: bool
) -> str | None:
    """ "key_person", "room" or "days" when the message asks that about a child of the sender's
    (named, or one of `mine`), else None."""
    hits = lexicon.matcher("personal", languages).find(text)
    if not child_named and not any(hit.label == "mine" for hit in hits):
        return None
    words = Words(text)
    for fact in FACTS:
        named = [hit for hit in hits if hit.label == f"{fact}:word" and parts.asked(hit)]
        asks = [hit for hit in hits if hit.label == f"{fact}:ask"]
        if any(_asks_about(parts, words, word, ask) for word in named for ask in asks):
            return fact
    return None


def _asks_about(parts: Clauses, words: Words, word: Hit, ask: Hit) -> bool:
    """Whether an ask word asks about a fact's word: one clause, at most NEAR words apart."""
    gap = max(words.between(word, ask), words.between(ask, word))
    one_clause = any(clause.holds(word) and clause.holds(ask) for clause in parts.items)
    return one_clause and 0 <= gap <= NEAR
