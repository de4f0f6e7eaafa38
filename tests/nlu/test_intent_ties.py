"""Ties between intents are broken by the order intents are declared in, so a new intent always
has a place and can never crash scoring (a hand-written tie table once missed one)."""

from __future__ import annotations

from bot.nlu.intent import TIE_ORDER
from bot.types import Intent


def test_every_intent_however_new_has_a_place_in_the_tie_order() -> None:
    assert set(TIE_ORDER) == set(Intent)
    assert sorted(TIE_ORDER, key=TIE_ORDER.__getitem__) == list(Intent)


def test_on_equal_scores_the_intent_declared_first_wins() -> None:
    tied = {intent: 1.0 for intent in reversed(Intent)}
    ranked = sorted(tied.items(), key=lambda item: (-item[1], TIE_ORDER[item[0]]))
    assert ranked[0][0] is next(iter(Intent))
