"""Word and PDF policies load like text ones; unreadable files say why."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_documents import write_docx, write_pdf

from bot.policies.loaders import PolicyReadError
from bot.policies.parse import load_document


def test_docx_headings_bullets_and_tables_are_read(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "outings.docx",
        "Outings Policy",
        [("Walks", ["We walk to the park.", "- Children wear vests.", "- Staff carry a phone."])],
    )
    import docx

    document = docx.Document(str(path))
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(
        table.rows, [("Trip", "Ratio"), ("Farm", "1 adult to 2 children")], strict=True
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.save(str(path))

    parsed = load_document(path)
    assert parsed.title == "Outings Policy"
    assert [p.heading_path for p in parsed.passages] == [("Walks",)]
    assert parsed.passages[0].text.split("\n") == [
        "We walk to the park.",
        "• Children wear vests.",
        "• Staff carry a phone.",
        "• Trip: Ratio",
        "• Farm: 1 adult to 2 children",
    ]


def test_pdf_text_is_extracted_and_wrapped_lines_joined(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "medication.pdf",
        [
            "MEDICATION POLICY",
            "",
            "Prescribed medicine",
            "",
            "We give prescribed medicine only",
            "with your written consent.",
            "",
            "- Medicines are kept out of reach.",
        ],
    )
    parsed = load_document(path)
    assert parsed.title == "Medication Policy"
    assert parsed.passages[0].heading_path == ("Prescribed medicine",)
    assert parsed.passages[0].text == (
        "We give prescribed medicine only with your written consent.\n"
        "• Medicines are kept out of reach."
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.docx", b"not a zip", "Word"),
        ("broken.pdf", b"%PDF-1.4 nonsense", "PDF"),
        ("policy.doc", b"old word", "unsupported"),
    ],
)
def test_unreadable_files_raise_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PolicyReadError, match=reason):
        load_document(path)


def test_windows_1252_text_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "fees.txt"
    path.write_bytes("Fees\n\nA full day costs \xa368.\n".encode("latin-1"))
    assert load_document(path).passages[0].text == "A full day costs £68."
