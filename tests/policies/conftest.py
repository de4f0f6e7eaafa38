"""Fixtures shared by the policy tests."""

from __future__ import annotations

from typing import TypeVar

import pytest

from bot.policies.embedding import Encoder, load_encoder
from bot.policies.rerank import Reranker, load_reranker

Model = TypeVar("Model")


def _installed(model: Model | None, what: str) -> Model:
    if model is None:
        pytest.skip(f"{what} unavailable")
    return model


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    """The sentence encoder (`make` installs its model; the suite needs it)."""
    return _installed(load_encoder(), "embedding model")


@pytest.fixture(scope="module")
def reranker() -> Reranker:
    """The relevance model (`make` installs its package; the suite needs it)."""
    return _installed(load_reranker(), "relevance model")
