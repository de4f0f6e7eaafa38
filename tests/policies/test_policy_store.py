"""Importing a policy folder: upserts by filename, replaces passages, removes and reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from policy_documents import make_document_folder
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.db.models import Base, PolicyDocument, PolicyPassage, Setting
from bot.policies.index import PolicyIndex
from bot.policies.store import import_policies, list_documents


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Setting(id=1, slug="bramble-lane", name="Bramble Lane Nursery"))
        session.flush()
        yield session


def passage_texts(session: Session) -> list[str]:
    return list(session.scalars(select(PolicyPassage.text).order_by(PolicyPassage.id)))


def test_reimporting_a_changed_policy_replaces_its_passages_without_duplicates(
    session: Session, tmp_path: Path
) -> None:
    policy = tmp_path / "outings.md"
    policy.write_text(
        "# Outings\n\n## Walks\n\nWe walk to the park.\n\n## Trips\n\nWe visit a farm.\n"
    )
    first = import_policies(session, 1, tmp_path)
    assert first.added == ["outings.md"] and first.passages == 2

    policy.write_text("# Outings\n\n## Walks\n\nWe walk to the library.\n")
    second = import_policies(session, 1, tmp_path)

    assert second.updated == ["outings.md"]
    assert passage_texts(session) == ["We walk to the library."]
    assert session.scalar(select(func.count(PolicyDocument.id))) == 1


def test_reimporting_an_unchanged_folder_changes_nothing(session: Session, tmp_path: Path) -> None:
    (tmp_path / "food.md").write_text("# Food\n\nWe are nut free.\n")
    import_policies(session, 1, tmp_path)
    report = import_policies(session, 1, tmp_path)
    assert report.unchanged == ["food.md"] and report.passages == 0
    assert passage_texts(session) == ["We are nut free."]


def test_documents_removed_from_the_folder_are_removed(session: Session, tmp_path: Path) -> None:
    (tmp_path / "food.md").write_text("# Food\n\nWe are nut free.\n")
    (tmp_path / "sleep.md").write_text("# Sleep\n\nBabies sleep on their backs.\n")
    import_policies(session, 1, tmp_path)
    (tmp_path / "sleep.md").unlink()
    report = import_policies(session, 1, tmp_path)
    assert report.removed == ["sleep.md"]
    assert [d.filename for d in list_documents(session, 1)] == ["food.md"]
    assert passage_texts(session) == ["We are nut free."]


def test_unreadable_documents_are_reported_not_fatal(session: Session, tmp_path: Path) -> None:
    (tmp_path / "food.md").write_text("# Food\n\nWe are nut free.\n")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "~$lock.docx").write_bytes(b"lock")
    report = import_policies(session, 1, tmp_path)
    assert report.added == ["food.md"]
    assert [
        (f.filename, "PDF" in f.reason or "unsupported" in f.reason) for f in report.failed
    ] == [
        ("broken.pdf", True),
        ("old.doc", True),
    ]


def test_twenty_mixed_documents_import_and_answer_from_the_database(
    session: Session, tmp_path: Path
) -> None:
    make_document_folder(tmp_path)
    report = import_policies(session, 1, tmp_path)
    assert len(report.added) == 20 and not report.failed
    summaries = list_documents(session, 1)
    assert all(s.passages > 0 for s in summaries)
    index = PolicyIndex.from_session(session, 1)
    answer = index.answer("how long does he need to stay off after chicken pox?")
    assert answer is not None and "crusted" in answer.quote
    assert session.get(PolicyPassage, answer.passage_id) is not None
