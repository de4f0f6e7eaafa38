"""Where the shipped content folder lives (policies, templates, lexicons, demo nursery)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def content_dir() -> Path:
    """The `content/` folder: `PARENTBOT_CONTENT_DIR`, else the one beside the packages."""
    configured = os.environ.get("PARENTBOT_CONTENT_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "content"
