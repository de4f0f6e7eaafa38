"""Slips of the keyboard: a misspelt word reads as the policy word it was meant to be."""

from __future__ import annotations

import pytest

from bot.content import content_dir
from bot.policies.embedding import load_encoder
from bot.policies.evaluate import index_folder
from bot.policies.spelling import Speller
from bot.policies.terms import stem

POLICY = ["Please tell us about any allergy.", "We give medicine with written consent."]
KNOWN = {stem(w) for text in POLICY for w in text.lower().rstrip(".").split()} | {"grandma"}


def known(word: str) -> bool:
    return stem(word) in KNOWN


def speller(*real_words: str) -> Speller:
    return Speller(POLICY, lambda word: word in real_words)


def test_a_slip_of_the_keyboard_reads_as_the_policy_word() -> None:
    fix = speller().correct
    assert fix("medecine", known) == "medicine"  # mistyped
    assert fix("alergy", known) == "allergy"  # missed
    assert fix("consnet", known) == "consent"  # swapped
    assert stem(fix("grandmaa", known)) == "grandma"  # doubled; a synonyms-table word


def test_real_words_short_words_and_names_are_left_alone() -> None:
    fix = speller("allergic").correct
    assert fix("allergic", known) == "allergic"  # a real word, not a slip
    assert fix("givr", known) == "givr"  # too short to tell
    assert fix("Medecine", known) == "Medecine"  # capitalised: maybe a name
    assert fix("ballet", known) == "ballet"  # nothing a slip away


@pytest.mark.skipif(load_encoder() is None, reason="embedding model unavailable")
def test_a_question_with_typos_is_answered_instead_of_handed_off() -> None:
    index = index_folder(content_dir() / "demo" / "policies").index
    answer = index.answer("can her 14 year old brohter colect her from nursery")
    assert answer is not None and "16" in answer.quote
    spelled = index.answer("can her 14 year old brother collect her from nursery")
    assert spelled is not None and answer.quote == spelled.quote
