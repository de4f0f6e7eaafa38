"""Test helpers that write policy documents: Word files, minimal PDFs, and a 20-document folder."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from pathlib import Path

import docx

REPO = Path(__file__).resolve().parents[2]
DEMO_POLICIES = REPO / "content" / "demo" / "policies"
SAMPLES = Path(__file__).resolve().parent / "samples"


def write_docx(path: Path, title: str, sections: Sequence[tuple[str, Sequence[str]]]) -> Path:
    """A Word document: a Title, then per section a Heading 1 and paragraphs ("- " = bullet)."""
    document = docx.Document()
    document.add_heading(title, level=0)
    for heading, paragraphs in sections:
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            if paragraph.startswith("- "):
                document.add_paragraph(paragraph[2:], style="List Bullet")
            else:
                document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, lines: Sequence[str]) -> Path:
    """A one-page PDF whose content stream shows each line in Helvetica, top to bottom."""
    operations = ["BT", "/F1 10 Tf", "13 TL", "40 800 Td"]
    operations += [f"({_escape(line)}) Tj T*" for line in lines]
    operations.append("ET")
    stream = "\n".join(operations).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def _markdown_sections(path: Path) -> tuple[str, list[tuple[str, list[str]]]]:
    """Title and sections of one of the demo markdown policies."""
    title, sections = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            title = line[2:]
        elif line.startswith("## "):
            sections.append((line[3:], []))
        elif line.strip() and sections:
            sections[-1][1].append(line)
    return title, sections


def make_document_folder(folder: Path) -> list[Path]:
    """Twenty documents of every format: the demo policies, both samples, 3 .docx and 2 .pdf."""
    folder.mkdir(parents=True, exist_ok=True)
    copied = [Path(shutil.copy(p, folder)) for p in sorted(DEMO_POLICIES.iterdir())]
    copied += [Path(shutil.copy(p, folder)) for p in sorted(SAMPLES.glob("*.txt"))]
    markdown = sorted(DEMO_POLICIES.glob("*.md"))
    for source in markdown[:3]:
        title, sections = _markdown_sections(source)
        copied.append(write_docx(folder / f"{source.stem}-word.docx", title, sections))
    for source in markdown[3:5]:
        text = source.read_text(encoding="utf-8").replace("#", "").replace("£", "GBP ")
        lines = [w for para in text.splitlines() for w in (textwrap.wrap(para, 90) or [""])]
        copied.append(write_pdf(folder / f"{source.stem}-scan.pdf", lines[:60]))
    return copied
