"""Fixtures shared by the policy tests."""

from __future__ import annotations

import pytest

from bot.policies.embedding import Encoder, load_encoder


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    """The sentence encoder (`make` installs its model; the suite needs it)."""
    found = load_encoder()
    if found is None:
        pytest.skip("embedding model unavailable")
    return found
