"""Messy real-world document patterns become clean passages with heading paths."""

from __future__ import annotations

from pathlib import Path

from policy_documents import SAMPLES

from bot.policies.parse import load_document, parse_text


def texts(document_text: str, layout: str = "wrapped") -> list[str]:
    return [p.text for p in parse_text(document_text, layout, "policy.txt").passages]  # type: ignore[arg-type]


def test_pdf_lines_broken_mid_sentence_are_joined() -> None:
    text = (
        "Parents are welcome to stay with their child \n\nduring the first settling-in \n\nvisit.\n"
    )
    assert texts(text) == [
        "Parents are welcome to stay with their child during the first settling-in visit."
    ]


def test_words_split_at_a_line_end_are_mended_but_compounds_keep_their_hyphen() -> None:
    text = (
        "The manager decides whether a child may at-\ntend the pre-\nschool. "
        "Our pre-school is small.\n"
    )
    assert texts(text) == [
        "The manager decides whether a child may attend the pre-school. Our pre-school is small."
    ]


def test_each_bullet_style_is_kept_as_one_whole_item() -> None:
    text = (
        "Procedures\n\n• First rule that wraps\nonto a second line.\n"
        "· Second rule.\n- Third rule.\n* Fourth rule.\n"
    )
    passage = parse_text(text, "wrapped", "p.txt").passages[0]
    assert passage.text.split("\n") == [
        "• First rule that wraps onto a second line.",
        "• Second rule.",
        "• Third rule.",
        "• Fourth rule.",
    ]


def test_numbered_headings_become_the_heading_path() -> None:
    text = (
        "10 Working with parents procedures\n\n10.1 Sharing information\n\nWe share records.\n\n"
        "10.2 Working in Partnership\n\nWe meet parents termly.\n"
    )
    document = parse_text(text, "wrapped", "p.txt")
    assert document.title == "Working with parents procedures"
    assert [(p.heading_path, p.text) for p in document.passages] == [
        (("10.1 Sharing information",), "We share records."),
        (("10.2 Working in Partnership",), "We meet parents termly."),
    ]


def test_title_case_and_capitals_lines_are_headings_under_numbered_ones() -> None:
    text = (
        "PARTNERSHIP POLICY\n\n2. Parental involvement\n\nPolicy Statement\n\nWe work together.\n"
    )
    document = parse_text(text, "wrapped", "p.txt")
    assert document.title == "Partnership Policy"
    assert document.passages[0].heading_path == ("2. Parental involvement", "Policy Statement")


def test_editor_bookmark_junk_is_stripped() -> None:
    text = "# Outings\n\n[bookmark: _heading=h.gjdgxs]Children go to the park.[bookmark: _Toc123]\n"
    assert texts(text, "markdown") == ["Children go to the park."]


def test_smart_quotes_and_odd_spaces_are_normalised() -> None:
    text = "# Food\n\nWe follow your child\u2019s \u201cspecial\u201d\u00a0diet\u200b.\n"
    assert texts(text, "markdown") == ['We follow your child\'s "special" diet.']


def test_tab_separated_table_rows_become_readable_items() -> None:
    text = (
        "Exclusion periods\n\nIllness\tHow long\nChickenpox\tUntil blisters crust\n"
        "Head lice\tNone\n"
    )
    assert texts(text)[0].split("\n") == [
        "• Illness: How long",
        "• Chickenpox: Until blisters crust",
        "• Head lice: None",
    ]


def test_markdown_pipe_tables_become_items_too() -> None:
    text = "# Fees\n\n| Session | Price |\n|---|---|\n| Full day | £68 |\n"
    assert texts(text, "markdown") == ["• Session: Price\n• Full day: £68"]


def test_long_paragraphs_are_cut_into_passages_of_whole_sentences() -> None:
    paragraph = " ".join(f"Sentence number {n} is about naps." for n in range(12))
    passages = texts(f"# Sleep\n\n{paragraph}\n", "markdown")
    assert len(passages) > 1
    assert all(p.endswith("naps.") for p in passages)


def test_title_falls_back_to_a_cleaned_filename() -> None:
    document = parse_text(
        "just some text without headings.", "wrapped", "03_late-collection_v2.txt"
    )
    assert document.title == "Late collection v2"


def test_little_doves_sample_keeps_bullets_whole_and_joins_wrapped_lines() -> None:
    document = load_document(SAMPLES / "little-doves-partnership-procedures.txt")
    assert (
        document.title == "Working in partnership with parents/carers and other agencies procedures"
    )
    text = "\n".join(p.text for p in document.passages)
    assert (
        "• Every effort is made to provide an interpreter for parents/carers who speak a "
        "language other than English and to provide translated written materials."
        in text.split("\n")
    )
    assert "pre- school" not in text and "'parents'" in text
    families = [p for p in document.passages if p.heading_path[-1:] == ("Families",)]
    assert families and all(p.heading_path[0].startswith("10.01") for p in families)


def test_berkhamstead_sample_nests_procedures_under_numbered_sections(tmp_path: Path) -> None:
    document = load_document(SAMPLES / "berkhamstead-partnership-policy.txt")
    paths = {p.heading_path for p in document.passages}
    assert ("2. Parental involvement", "Procedures") in paths
    assert ("1. Working in partnership with other agencies", "Policy Statement") in paths
