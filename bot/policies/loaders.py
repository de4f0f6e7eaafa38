"""Read the text of .md, .txt, .docx and .pdf files, with the layout the parser should assume."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from bot.policies.blocks import Layout

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf")


class PolicyReadError(Exception):
    """A document could not be read; the message says why, in words staff can act on."""


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Word's "Save as" does."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _docx_paragraph(paragraph: Paragraph) -> str:
    """One Word paragraph as a line: headings as markdown "#", list paragraphs as bullets."""
    text = paragraph.text.replace("\n", " ").strip()
    if not text:
        return ""
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    if style == "Title":
        return f"# {text}"
    if style.startswith("Heading") and style[-1:].isdigit():
        return f"{'#' * (int(style.split()[-1]) + 1)} {text}"
    properties = paragraph._p.pPr
    if "List" in style or (properties is not None and properties.numPr is not None):
        return f"• {text}"
    return text


def _docx_table(table: Table) -> list[str]:
    """A Word table as tab-separated rows, merged cells counted once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:
                cells.append(text)
        rows.append("\t".join(cells))
    return rows


def read_docx(path: Path) -> str:
    """Paragraphs and tables of a Word document, in document order, one per line."""
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises many kinds on a damaged file
        raise PolicyReadError(f"not a readable Word document ({error})") from error
    lines: list[str] = []
    for part in document.iter_inner_content():
        if isinstance(part, Table):
            lines.extend(_docx_table(part))
        else:
            lines.append(_docx_paragraph(part))
    return "\n".join(lines)


def read_pdf(path: Path) -> str:
    """The extracted text of every page of a PDF."""
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise PolicyReadError("the PDF is password-protected")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except PolicyReadError:
        raise
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise PolicyReadError(f"not a readable PDF ({error})") from error
    if not any(ch.isalpha() for ch in text):
        raise PolicyReadError("the PDF has no text to read (is it a scan?)")
    return text


def read_document(path: Path) -> tuple[str, Layout]:
    """The text of a policy file and its layout; raises PolicyReadError when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PolicyReadError(
            f"unsupported file type {suffix or '(none)'}; use .md, .txt, .docx or .pdf"
        )
    if suffix == ".docx":
        return read_docx(path), "paragraphs"
    if suffix == ".pdf":
        return read_pdf(path), "wrapped"
    try:
        text = _decode(path.read_bytes())
    except OSError as error:
        raise PolicyReadError(f"cannot read the file ({error.strerror})") from error
    return text, "markdown" if suffix in (".md", ".markdown") else "wrapped"
