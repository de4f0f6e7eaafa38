"""Answers quote the policy faithfully with their source, fit the channel, and abstain."""

from __future__ import annotations

import pytest

from bot.content import content_dir
from bot.policies.answer import PolicyAnswer, quote_units, score_unit, split_units
from bot.policies.evaluate import SAMPLE_POLICIES, index_folder
from bot.policies.index import IndexedPassage, PolicyIndex
from bot.policies.terms import default_lexicon


@pytest.fixture(scope="module")
def demo() -> PolicyIndex:
    return index_folder(content_dir() / "demo" / "policies").index


def test_answer_quotes_the_policy_and_cites_document_and_section(demo: PolicyIndex) -> None:
    answer = demo.answer("can my neighbour pick my son up?")
    assert answer is not None
    assert "neighbour" in answer.quote
    assert answer.document == "Arrival and Collection Policy"
    assert answer.section == "Who can collect your child"
    assert answer.source == "Arrival and Collection Policy, Who can collect your child"


def test_citation_names_the_parent_section_of_a_bare_heading() -> None:
    index = index_folder(SAMPLE_POLICIES, ["berkhamstead-partnership-policy.txt"]).index
    answer = index.answer("is there somewhere I can breastfeed my baby?")
    assert answer is not None and "nursing mothers" in answer.quote
    assert answer.source == "Partnership Policy, 2. Parental involvement - Procedures"


@pytest.mark.parametrize(
    "question",
    [
        "what's the wifi password",
        "can you recommend a plumber",
        "is it going to rain tomorrow",
        "how much is a school uniform at tesco",
        "",
    ],
)
def test_questions_the_policies_do_not_cover_get_no_answer(
    demo: PolicyIndex, question: str
) -> None:
    assert demo.answer(question) is None


def test_an_empty_index_abstains() -> None:
    assert PolicyIndex.build([]).answer("who can collect my child?") is None


def test_quotes_fit_the_limit_and_never_cut_a_word(demo: PolicyIndex) -> None:
    for limit in (80, 150, 600):
        answer = demo.answer("when can he come back after chicken pox?", max_chars=limit)
        assert answer is not None and len(answer.quote) <= limit
        words = answer.quote.rstrip("…").split()
        source = " ".join(p.text for p in demo.passages)
        assert all(word.strip("•") in source for word in words)


def make_quote(text: str, weights: dict[str, float], max_chars: int) -> str:
    """A passage's quote as the index makes it: its units scored, then trimmed around the best."""
    units = split_units(text)
    return quote_units(units, [score_unit(unit, weights) for unit in units], weights, max_chars)


def test_quote_keeps_whole_bullet_points() -> None:
    text = "• First point about naps.\n• Second point about sleep and naps.\n• Third about food."
    quote = make_quote(text, {"nap": 1.0, "sleep": 1.0}, 600)
    assert quote == "• First point about naps.\n• Second point about sleep and naps."


def test_quote_is_one_or_two_sentences_around_the_match() -> None:
    text = "We open at 7:30. Late collection costs £15. Please phone us. Lunch is at noon."
    assert make_quote(text, {"late": 2.0, "collect": 1.0}, 600) == (
        "Late collection costs £15. Please phone us."
    )


def test_answers_carry_the_passage_id() -> None:
    passages = [
        IndexedPassage("Sleep Policy", ("Naps",), "Babies nap in cots in the sleep room.", 41),
        IndexedPassage("Food Policy", ("Meals",), "Lunch is a hot meal cooked on site.", 42),
    ]
    answer = PolicyIndex.build(passages).answer("where do babies nap?")
    assert isinstance(answer, PolicyAnswer) and answer.passage_id == 41


def test_text_speak_is_written_out_before_the_question_is_read() -> None:
    lexicon = default_lexicon()
    assert lexicon.plain("can u tell me if my LO's ok 2moro") == (
        "can you tell me if my child's ok tomorrow"
    )
    assert lexicon.plain("Lots of ID") == "Lots of ID"  # whole words only
    assert lexicon.plain("open til 6 on fri for my 2nd") == "open until 6 on friday for my second"


def test_a_number_the_policies_never_use_does_not_outweigh_their_words() -> None:
    index = index_folder(SAMPLE_POLICIES, ["berkhamstead-partnership-policy.txt"]).index
    answer = index.answer("ive got a 3 month old, can i feed her somewhere private at drop off")
    assert answer is not None and "nursing mothers" in answer.quote


def test_requests_for_recommendations_or_shopping_are_handed_to_staff(demo: PolicyIndex) -> None:
    assert demo.answer("whats the best nappy cream to buy for a rash") is None
    assert demo.answer("can u recommend a book about weaning") is None
    # the same words in a passage that speaks of them still answer
    assert default_lexicon().asks_outside("who is the best person to talk to") == set()


@pytest.mark.parametrize(
    "question", ["where do I park?", "is there parking", "can I park outside when I drop off"]
)
def test_parking_is_not_a_walk_to_the_park(demo: PolicyIndex, question: str) -> None:
    assert demo.answer(question) is None


def test_a_walk_to_the_park_is_still_found(demo: PolicyIndex) -> None:
    answer = demo.answer("do the kids go out to the park")
    assert answer is not None and "Woodhouse Moor" in answer.quote
