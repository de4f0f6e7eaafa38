"""Illness guidance comes from the setting's illness.toml and is added to the absence read-back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Setting
from bot.i18n.catalog import Catalog
from bot.pipeline.engine import Engine
from bot.roster import illness
from bot.roster.errors import RosterInvalid, RowError
from bot.roster.folder import read_setting_folder
from tests.conftest import DEMO
from tests.core.helpers import reply_text, say
from tests.notices.support import MAGDA, SARAH

TABLE = {
    "vomiting": {"guidance": "Stay home until 48 hours after the last episode.", "exclude": True},
    "diarrhoea": {"guidance": "Stay home until 48 hours after the last episode.", "exclude": True},
    "cold": {"guidance": "Come in if otherwise well.", "exclude": False},
}


def test_the_demo_table_is_imported_into_the_setting_options(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with sessions() as session:
        table = session.scalars(select(Setting)).one().options[illness.OPTION]
    assert "48 hours after the last episode" in table["vomiting"]["guidance"]
    assert "crusted over" in table["chickenpox"]["guidance"]
    assert table["conjunctivitis"]["exclude"] is False


def test_matching_symptoms_give_one_line_per_distinct_guidance() -> None:
    assert illness.guidance_lines(TABLE, ["vomiting", "diarrhoea", "cold"]) == [
        "Stay home until 48 hours after the last episode.",
        "Come in if otherwise well.",
    ]
    assert illness.guidance_lines(TABLE, ["teething"]) == []


def test_other_languages_get_a_curated_sentence_with_the_english_guidance() -> None:
    catalog = Catalog.load()
    english = illness.readback_line(catalog, "en", TABLE, ["cold"])
    assert english == "Our illness guidance: Come in if otherwise well."
    polish = illness.readback_line(catalog, "pl", TABLE, ["cold"])
    assert polish is not None and polish.endswith("Come in if otherwise well.")
    assert illness.readback_line(catalog, "en", TABLE, ["rash"]) is None


def test_absence_read_back_carries_the_guidance_for_a_matching_symptom(engine: Engine) -> None:
    text = reply_text(say(engine, SARAH, "Maya is off today, she's been vomiting"))
    assert "Maya is marked absent today" in text
    assert "48 hours after the last episode" in text


def test_absence_read_back_without_a_symptom_has_no_guidance(engine: Engine) -> None:
    text = reply_text(say(engine, SARAH, "Maya is off today, she has a dentist appointment"))
    assert "illness guidance" not in text


def test_a_polish_read_back_gives_the_english_guidance_in_a_polish_sentence(
    engine: Engine,
) -> None:
    text = reply_text(say(engine, MAGDA, "Kuba ma ospę, nie przyjdzie dzisiaj"))
    assert "crusted over" in text and "Our illness guidance" not in text


def test_a_broken_illness_table_stops_the_import(tmp_path: Path) -> None:
    folder = tmp_path / "setting"
    shutil.copytree(DEMO, folder)
    (folder / "illness.toml").write_text(
        '[vomiting]\nexclude = "maybe"\n["Bad Key"]\nguidance = "x"\n'
    )
    with pytest.raises(RosterInvalid) as invalid:
        read_setting_folder(folder)
    assert {(e.file, e.column) for e in invalid.value.errors} >= {
        ("illness.toml", "vomiting"),
        ("illness.toml", "Bad Key"),
    }
    assert all(isinstance(e, RowError) for e in invalid.value.errors)
