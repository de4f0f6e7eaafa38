"""Import a setting's policy folder into the database, and list what is imported."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.models import PolicyDocument, PolicyPassage, utcnow
from bot.policies.loaders import PolicyReadError
from bot.policies.parse import ParsedDocument, load_document


@dataclass(frozen=True)
class ImportFailure:
    """A document that could not be imported, and why."""

    filename: str
    reason: str


@dataclass
class PolicyImportReport:
    """What an import did, by filename."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[ImportFailure] = field(default_factory=list)
    passages: int = 0  # passages written by this import


@dataclass(frozen=True)
class DocumentSummary:
    """One imported document, for staff listings."""

    filename: str
    title: str
    passages: int
    sha256: str
    imported_at: datetime


def _policy_files(folder: Path) -> list[Path]:
    """Files in the folder, skipping hidden files and Word's "~$" lock files."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def _replace_passages(session: Session, document: PolicyDocument, parsed: ParsedDocument) -> None:
    """Delete the document's passages and insert the newly parsed ones."""
    session.execute(delete(PolicyPassage).where(PolicyPassage.document_id == document.id))
    session.add_all(
        PolicyPassage(
            document_id=document.id,
            ordinal=n,
            heading_path=list(p.heading_path),
            text=p.text,
        )
        for n, p in enumerate(parsed.passages)
    )


def _import_file(
    session: Session, setting_id: int, path: Path, existing: PolicyDocument | None
) -> tuple[str, int]:
    """Import one file; returns which list it belongs in and how many passages were written."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if existing is not None and existing.sha256 == digest:
        return "unchanged", 0
    parsed = load_document(path)
    if not parsed.passages:
        raise PolicyReadError("no text found in the document")
    document = existing or PolicyDocument(setting_id=setting_id, filename=path.name)
    document.title = parsed.title[:255]
    document.sha256 = digest
    document.imported_at = utcnow()
    session.add(document)
    session.flush()
    _replace_passages(session, document, parsed)
    return ("updated" if existing else "added"), len(parsed.passages)


def import_policies(session: Session, setting_id: int, folder: Path) -> PolicyImportReport:
    """Bring the setting's imported policies in line with the folder; the caller commits."""
    report = PolicyImportReport()
    current = {
        d.filename: d
        for d in session.scalars(
            select(PolicyDocument).where(PolicyDocument.setting_id == setting_id)
        )
    }
    files = _policy_files(folder)
    for path in files:
        try:
            outcome, written = _import_file(session, setting_id, path, current.get(path.name))
        except (PolicyReadError, OSError) as error:
            report.failed.append(ImportFailure(path.name, str(error)))
            continue
        getattr(report, outcome).append(path.name)
        report.passages += written
    present = {p.name for p in files}
    for filename, document in current.items():
        if filename not in present:
            session.execute(delete(PolicyPassage).where(PolicyPassage.document_id == document.id))
            session.delete(document)
            report.removed.append(filename)
    session.flush()
    return report


def import_policy_file(session: Session, setting_id: int, path: Path) -> PolicyImportReport:
    """Add or replace one document by its filename, as `import_policies` does for each file of
    the folder (the dashboard's upload); the others stay. The caller commits."""
    report = PolicyImportReport()
    existing = session.scalar(
        select(PolicyDocument).where(
            PolicyDocument.setting_id == setting_id, PolicyDocument.filename == path.name
        )
    )
    try:
        outcome, written = _import_file(session, setting_id, path, existing)
    except (PolicyReadError, OSError) as error:
        report.failed.append(ImportFailure(path.name, str(error)))
        return report
    getattr(report, outcome).append(path.name)
    report.passages += written
    session.flush()
    return report


def list_documents(session: Session, setting_id: int) -> list[DocumentSummary]:
    """The setting's imported documents with their passage counts, by filename."""
    rows = session.execute(
        select(PolicyDocument, func.count(PolicyPassage.id))
        .outerjoin(PolicyPassage, PolicyPassage.document_id == PolicyDocument.id)
        .where(PolicyDocument.setting_id == setting_id)
        .group_by(PolicyDocument.id)
        .order_by(PolicyDocument.filename)
    ).all()
    return [
        DocumentSummary(d.filename, d.title, count, d.sha256, d.imported_at) for d, count in rows
    ]
