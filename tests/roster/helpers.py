"""Setting folders for import tests: the demo roster copied, then edited line by line."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import DEMO, REPO

SAMPLE_POLICIES = REPO / "tests" / "policies" / "samples"


def demo_copy(tmp_path: Path) -> Path:
    """The demo roster with the two real sample policies as its policy documents."""
    folder = tmp_path / "setting"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("policies"))
    (folder / "policies").mkdir()
    for source in sorted(SAMPLE_POLICIES.glob("*.txt")):
        shutil.copy(source, folder / "policies" / source.name)
    return folder


def replace_line(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file (which must be there) with `new`."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, line: str) -> None:
    """Add one line at the end of the file."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
