"""The dashboard in a real browser (Debian's Chromium through Playwright), as a key person, the
safeguarding lead and a manager, at phone and desktop sizes. Layout is checked on element boxes
(nothing off-screen, nothing overlapping), not pixels; screenshots are saved under each test's
tmp dir for a person to look at."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    Child,
    Guardian,
    HandoffItem,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    Outbox,
    Staff,
)
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from parentbot.web import create_app
from tests.conftest import DEMO
from tests.core.helpers import say
from tests.dashboard.support import (
    DISCLOSURE,
    JESS,
    MAGDA,
    POLISH_CONCERN,
    SARAH,
    TOM,
    latest_code,
)
from tests.i18n.fake_translator import FakeTranslator
from tests.web.test_webchat_browser import SIZES, _free_port, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
PRIYA = "+447700900001"
LIVE_WAIT_MS = 15_000  # the page polls every 3 s


@pytest.fixture
def translated_engine(sessions: sessionmaker[Session], demo_setting: int) -> Engine:
    """The demo nursery on Monday morning, with the fake translator ("[pl] ...")."""
    now = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
    return Engine(sessions, demo_setting, clock=lambda: now, translator=FakeTranslator())


@pytest.fixture
def served(translated_engine: Engine) -> Iterator[str]:
    """The app as deployed (sign-in by code) on a loopback port in a background thread."""
    port = _free_port()
    app = create_app(demo=False, engine=translated_engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/staff/"
    server.should_exit = True
    thread.join(timeout=10)


def _page(browser: Browser, size: str) -> Page:  # noqa: F811
    phone = size == "phone"
    context = browser.new_context(viewport=SIZES[size], is_mobile=phone, has_touch=phone)
    return context.new_page()


def _sign_in(page: Page, served: str, sessions: sessionmaker[Session], phone: str) -> None:
    """As a member of staff does: type their number, read the code their phone got, type it."""
    page.goto(served)
    expect(page.locator("h1")).to_have_text("Staff sign-in")
    page.get_by_label("Your mobile number or e-mail address").fill(phone.replace("+44", "0"))
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_label("Code").fill(latest_code(sessions, phone))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1").first).to_contain_text("Today")


LAYOUT_PROBLEMS = """() => {
  const seen = [...document.querySelectorAll(
    'button, a, input, select, textarea, h1, h2, .words, .english, code, .summary, .detail, .room')]
    .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden, .skip'));
  const name = el => el.outerHTML.slice(0, 70);
  const rects = el => [...el.getClientRects()];  // one per line of an inline element
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push('sideways scroll');
  for (const el of seen) {
    for (const r of rects(el)) {
      if (r.left < -0.5 || r.right > width + 0.5) problems.push('off-screen: ' + name(el));
    }
  }
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
                         Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  for (let i = 0; i < seen.length; i++) for (let j = i + 1; j < seen.length; j++) {
    const [p, q] = [seen[i], seen[j]];
    if (p.contains(q) || q.contains(p)) continue;
    if (rects(p).some(a => rects(q).some(b => meet(a, b)))) {
      problems.push('overlap: ' + name(p) + ' / ' + name(q));
    }
  }
  return problems;
}"""


def _assert_layout(page: Page, screenshot: Path) -> None:
    """Nothing off-screen or overlapping, at this size (a full-page screenshot is kept)."""
    page.screenshot(path=screenshot, full_page=True)
    assert page.evaluate(LAYOUT_PROBLEMS) == []


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_key_person_sees_an_absence_arrive_live_and_acknowledges_it(
    browser: Browser,  # noqa: F811
    served: str,
    translated_engine: Engine,
    sessions: sessionmaker[Session],
    size: str,
    tmp_path: Path,
) -> None:
    page = _page(browser, size)
    _sign_in(page, served, sessions, JESS)
    expect(page).to_have_title(re.compile(r"^Today · Bramble Lane Nursery$"))
    _assert_layout(page, tmp_path / f"today-empty-{size}.png")
    say(translated_engine, SARAH, "Maya is off today, she has a temperature")
    absent = page.locator("#panel li.row", has=page.get_by_text("temperature"))
    expect(absent).to_contain_text("Maya Thompson", timeout=LIVE_WAIT_MS)
    expect(page).to_have_title(re.compile(r"^\(1\) Today"), timeout=LIVE_WAIT_MS)
    _assert_layout(page, tmp_path / f"today-absence-{size}.png")
    absent.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(page.locator("#panel .note")).to_contain_text("Acknowledged A")
    expect(absent).to_contain_text("Seen by Jess Hughes")
    expect(page).to_have_title(re.compile(r"^Today"), timeout=LIVE_WAIT_MS)
    page.get_by_role("button", name=re.compile("Mark in Isla")).click()
    expect(page.locator("#panel .note")).to_contain_text("Marked in at")
    _assert_layout(page, tmp_path / f"today-acknowledged-{size}.png")
    page.context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_safeguarding_lead_replies_to_a_polish_parent_who_gets_it_in_polish(
    browser: Browser,  # noqa: F811
    served: str,
    translated_engine: Engine,
    sessions: sessionmaker[Session],
    size: str,
    tmp_path: Path,
) -> None:
    say(translated_engine, MAGDA, POLISH_CONCERN)  # about Kuba: Tom is his key person
    say(translated_engine, SARAH, DISCLOSURE)  # safeguarding: the leads and the manager
    page = _page(browser, size)
    _sign_in(page, served, sessions, TOM)
    page.get_by_role("link", name="Inbox").click()
    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("URGENT, safeguarding")
    expect(cards.nth(1)).to_contain_text(POLISH_CONCERN)
    expect(cards.nth(1)).to_contain_text("English (machine translated)")
    _assert_layout(page, tmp_path / f"inbox-{size}.png")
    cards.nth(1).get_by_role("link").click()
    page.get_by_label("Your answer to Magda Kowalska").fill("Thank you, we will talk at pick-up.")
    _assert_layout(page, tmp_path / f"handoff-{size}.png")
    page.get_by_role("button", name="Send and close").click()
    expect(page.locator(".note")).to_contain_text("Sent to Magda Kowalska")
    expect(page.locator(".note")).to_contain_text("machine translated into Polish")
    with sessions() as session:
        sent = session.scalars(select(Outbox).where(Outbox.recipient_id == MAGDA)).all()[-1]
    assert sent.kind == "staff_reply"
    assert "[pl] Thank you, we will talk at pick-up." in sent.text
    assert "Bramble Lane Nursery" in sent.text.splitlines()[0], "the Polish heading"
    page.context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_manager_uploads_a_roster_with_an_error_and_sees_it_reported(
    browser: Browser,  # noqa: F811
    served: str,
    sessions: sessionmaker[Session],
    size: str,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    for name in ("staff.csv", "guardians.csv", "emergency_contacts.csv"):
        (folder / name).write_bytes((DEMO / name).read_bytes())
    children = (DEMO / "children.csv").read_text(encoding="utf-8")
    (folder / "children.csv").write_text(children.replace(",Oaks,Tom", ",Oak,Tom", 1))
    page = _page(browser, size)
    _sign_in(page, served, sessions, PRIYA)
    page.get_by_role("link", name="Roster").click()
    page.get_by_label("The setting folder's CSV files").set_input_files(sorted(folder.iterdir()))
    page.get_by_role("button", name="Check and import").click()
    problems = page.locator(".problems")
    expect(problems).to_contain_text("1 problem(s): nothing was changed")
    expect(problems).to_contain_text("children.csv:3: room: unknown room 'Oak'")
    _assert_layout(page, tmp_path / f"roster-{size}.png")
    page.context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_other_screen_lays_out_at_phone_and_desktop_sizes(
    browser: Browser,  # noqa: F811
    served: str,
    translated_engine: Engine,
    sessions: sessionmaker[Session],
    demo_setting: int,
    size: str,
    tmp_path: Path,
) -> None:
    """A manager's Meetings (with a meeting; the tab title counts the absence and the
    question), Policies (an unanswered question, a synonym, an upload), a child's page, Delivery
    problems and the Audit log: nothing off-screen or overlapping."""
    say(translated_engine, SARAH, "Maya is off today, she has a temperature")
    _a_meeting_and_a_question(sessions, demo_setting)
    page = _page(browser, size)
    _sign_in(page, served, sessions, PRIYA)
    page.get_by_role("link", name="Meetings").click()
    expect(page.locator(".meeting")).to_contain_text("Maya Thompson")
    expect(page).to_have_title(re.compile(r"^\(2\) Meetings · Bramble Lane Nursery$"))
    _assert_layout(page, tmp_path / f"meetings-{size}.png")
    page.get_by_role("link", name="Policies").click()
    expect(page.locator(".card")).to_contain_text("Czy mogę przynieść tort")
    page.get_by_label("A parent's word or phrase").fill("birthday cake")
    page.get_by_label("The policies' words for it").fill("celebrations, food")
    page.get_by_role("button", name="Add synonym").click()
    expect(page.locator(".note")).to_contain_text("is now also searched as celebrations, food")
    upload = tmp_path / "birthdays.md"
    upload.write_text("# Birthdays\n\nWe celebrate birthdays with songs; no cakes please.\n")
    page.get_by_label("A policy document").set_input_files(upload)
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator(".summary-note")).to_contain_text("Imported birthdays.md")
    _assert_layout(page, tmp_path / f"policies-{size}.png")
    page.get_by_role("link", name="Today").click()
    page.get_by_role("link", name="Maya Thompson").first.click()
    expect(page.locator("h1")).to_contain_text("Maya Thompson")
    _assert_layout(page, tmp_path / f"child-{size}.png")
    for screen in ("Delivery problems", "Audit log"):
        page.get_by_role("link", name=screen).click()
        expect(page.locator("h1")).to_contain_text(screen)
        _assert_layout(page, tmp_path / f"{screen.split()[0].lower()}-{size}.png")
    page.context.close()


def _a_meeting_and_a_question(sessions: sessionmaker[Session], setting_id: int) -> None:
    """Jess's meeting with Sarah about Maya this afternoon, and Magda's unanswered question."""
    with transaction(sessions) as session:
        jess = session.scalars(select(Staff).where(Staff.phone == JESS)).one()
        maya = session.scalars(select(Child).where(Child.first_name == "Maya")).one()
        sarah = session.scalars(select(Guardian).where(Guardian.phone == SARAH)).one()
        magda = session.scalars(select(Guardian).where(Guardian.phone == MAGDA)).one()
        start = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
        meeting = Meeting(
            setting_id=setting_id,
            staff_id=jess.id,
            start=start,
            end=start + timedelta(minutes=20),
            topic="Settling in after the holiday",
            ics_token="browser-test-token",
        )
        session.add(meeting)
        session.flush()
        session.add_all(
            [
                MeetingChild(meeting_id=meeting.id, child_id=maya.id),
                MeetingGuardian(meeting_id=meeting.id, guardian_id=sarah.id),
                HandoffItem(
                    setting_id=setting_id,
                    kind="policy_unanswered",
                    guardian_id=magda.id,
                    text="Czy mogę przynieść tort na urodziny?",
                    english_text="Can I bring a cake for the birthday?",
                    language="pl",
                ),
            ]
        )
