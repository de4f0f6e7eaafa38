"""Vocabulary bridging: parent words nobody listed find the policy words nearest in meaning."""

from __future__ import annotations

from bot.content import content_dir
from bot.policies.bridge import WordBridge, spelled_stems
from bot.policies.embedding import Encoder
from bot.policies.evaluate import index_folder
from bot.policies.index import IndexedPassage, PolicyIndex
from bot.policies.terms import Lexicon, stem

PASSAGES = [
    IndexedPassage(
        "Health Policy",
        ("Immunisation",),
        "Please tell us which vaccinations your child has had. We keep a record of them.",
        1,
    ),
    IndexedPassage("Food Policy", ("Meals",), "Lunch is a hot meal cooked on site every day.", 2),
    IndexedPassage("Sleep Policy", ("Naps",), "Babies nap in cots in the sleep room.", 3),
]


def test_corpus_words_keep_their_most_frequent_spelling() -> None:
    spelling = spelled_stems(["Nappies are changed.", "Spare nappies, and a nappy bag.", "a an"])
    assert spelling[stem("nappies")] == "nappies"
    assert "an" not in spelling.values()


def test_an_unlisted_parent_word_finds_its_policy_word(encoder: Encoder) -> None:
    words = WordBridge.build(encoder, [p.text for p in PASSAGES])
    near = words.neighbours(["vaccinated", "plumber"])
    assert stem("vaccinations") in near["vaccinated"]
    assert "plumber" not in near  # nothing in these policies means anything like it


def test_a_bridged_word_counts_towards_coverage(encoder: Encoder) -> None:
    index = PolicyIndex.build(PASSAGES, Lexicon())  # no synonyms table at all
    bridged = index.search("should i tell you she was vaccinated")[0]
    unbridgeable = index.search("should i tell you she was zqxwvk")[0]  # a word with no meaning
    assert bridged.passage.passage_id == unbridgeable.passage.passage_id == 1
    assert bridged.coverage > unbridgeable.coverage


def test_a_question_in_unlisted_words_is_answered_instead_of_handed_off(encoder: Encoder) -> None:
    index = index_folder(content_dir() / "demo" / "policies").index
    index.lexicon = Lexicon()  # as if synonyms.toml had never listed "potty"
    answer = index.answer("how do you help with potty training")
    assert answer is not None and "toilet" in answer.quote.lower()
    assert index.answer("how do you help with zqxwvk training") is None


def test_questions_the_policies_do_not_cover_still_abstain(encoder: Encoder) -> None:
    index = PolicyIndex.build(PASSAGES, Lexicon())
    for question in ("can you recommend a plumber", "is it going to rain tomorrow"):
        assert index.answer(question) is None
