"""The Broadcasts and Parents' evenings screens in a real browser (Debian's Chromium through
Playwright) as a manager, at phone and desktop sizes, checked on element boxes (nothing
off-screen, nothing overlapping) as tests/dashboard/test_browser.py checks the other screens."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session, sessionmaker

from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from tests.core.helpers import say
from tests.dashboard.support import PRIYA, SARAH
from tests.dashboard.test_browser import (  # noqa: F401 (fixtures)
    _assert_layout,
    _page,
    _sign_in,
    served,
    translated_engine,
)
from tests.web.test_webchat_browser import browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
EVENING = "parents evening Tue 8 Dec, Wed 9 Dec 15:30-19:00 10 min by Fri 4 Dec"
SCHEDULE = next(job for job in JOBS if job.name == "evening_schedule")
SATURDAY = datetime(2026, 12, 5, 8, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_broadcasts_and_parents_evenings_lay_out_at_phone_and_desktop_sizes(
    browser: Browser,  # noqa: F811
    served: str,  # noqa: F811
    translated_engine: Engine,  # noqa: F811
    sessions: sessionmaker[Session],
    demo_setting: int,
    size: str,
    tmp_path: Path,
) -> None:
    """A manager previews a scheduled room broadcast, sends it, opens a sent one's status, then
    a scheduled parents' evening's grid: nothing off-screen or overlapping on each."""
    say(translated_engine, PRIYA, EVENING)
    say(translated_engine, PRIYA, "", choice_id="evening:send:1")
    say(translated_engine, SARAH, "1")
    run_job(sessions, demo_setting, SCHEDULE, SATURDAY)
    page = _page(browser, size)
    _sign_in(page, served, sessions, PRIYA)
    page.get_by_role("link", name="Broadcasts").click()
    expect(page.locator("h1")).to_have_text("Broadcasts")
    page.get_by_label("To", exact=True).select_option("Oaks")
    page.get_by_label("When (optional)").fill("Fri 9:00")
    page.get_by_label("Message (in English").fill("Wellies on Friday please, we are going out")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".note")).to_contain_text("nothing is sent yet")
    _assert_layout(page, tmp_path / f"broadcast-preview-{size}.png")
    page.locator("#send-draft").click()
    expect(page.locator("#scheduled-heading")).to_contain_text("Scheduled (1)")
    page.get_by_label("Message (in English").fill("The heating is fixed")
    page.get_by_role("button", name="Preview").click()
    page.locator("#send-draft").click()
    _assert_layout(page, tmp_path / f"broadcasts-{size}.png")
    page.get_by_role("link", name="B2").click()
    expect(page.locator(".summary")).to_contain_text("Totals:")
    _assert_layout(page, tmp_path / f"broadcast-status-{size}.png")
    page.get_by_role("link", name="Parents' evenings").click()
    expect(page.locator("h1")).to_contain_text("Parents' evenings")
    _assert_layout(page, tmp_path / f"evenings-{size}.png")
    page.get_by_role("link", name="E1").click()
    expect(page.locator("table.grid")).to_contain_text("Maya Thompson")
    _assert_layout(page, tmp_path / f"evening-{size}.png")
    page.context.close()
