"""The demo web chat in a real browser: Debian's Chromium driven by Playwright, at phone and
desktop sizes. Layout is checked on element boxes, not pixels; each test saves a screenshot
under its pytest tmp dir for a person to look at."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Locator, Page, Request, Route, sync_playwright

from bot.pipeline.engine import Engine
from parentbot.web import create_app

pytestmark = pytest.mark.browser

SARAH = "+447700900101"  # mother of Maya and Leo, English
LAYLA = "+447700900201"  # mother of Yusuf, Arabic
NADIA = "+447700900131"  # mother of Ayaan and Fatima, Urdu
JESS = "+447700900002"  # key person, Saplings room (Maya's key person)
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


def _chromium() -> str:
    path = (
        os.environ.get("PARENTBOT_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(engine: Engine) -> Iterator[str]:
    """The app on a loopback port in a background thread."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(demo=True, engine=engine), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module, kept off the network."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, served: str) -> Iterator[Page]:
    """The chat page at a phone or desktop size (`indirect` parameter; desktop by default)."""
    size = getattr(request, "param", "desktop")
    phone = size == "phone"
    context = browser.new_context(viewport=SIZES[size], is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.goto(served)
    page.wait_for_selector("#who option", state="attached")
    yield page
    page.unroute_all(behavior="ignoreErrors")  # a test's slowed request may still be waiting
    context.close()


def _say(page: Page, text: str) -> None:
    """Send a message and wait for the bot's answer."""
    replies = page.locator(".msg.bot").count()
    page.fill("#text", text)
    page.click("#compose button")
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length > {replies}")


def _speak_as(page: Page, phone: str) -> None:
    page.select_option("#who", phone)


def _assert_in_view(page: Page, element: Locator) -> None:
    """The element lies wholly between the header and the compose bar, inside the viewport,
    and nothing is drawn over its middle."""
    box = element.bounding_box()
    header = page.locator("header").bounding_box()
    compose = page.locator("#compose").bounding_box()
    viewport = page.viewport_size
    assert box and header and compose and viewport
    top = max(0.0, header["y"] + header["height"])
    assert box["y"] >= top - 0.5, f"{box} is under the header ({header})"
    assert box["y"] + box["height"] <= compose["y"] + 0.5, f"{box} is under the compose bar"
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, box
    assert compose["y"] >= 0 and compose["y"] + compose["height"] <= viewport["height"] + 0.5
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert element.evaluate(
        "(el, [x, y]) => el.contains(document.elementFromPoint(x, y))", centre
    ), f"something is drawn over {box}"


def _assert_newest_reply_in_view(page: Page, screenshot: Path | None = None) -> None:
    """The newest reply and each of its buttons are in view (after saving a screenshot)."""
    if screenshot:
        page.screenshot(path=screenshot)
    newest = page.locator(".msg.bot").last
    _assert_in_view(page, newest)
    for button in newest.locator(".choices button").all():
        _assert_in_view(page, button)


def _conversation(page: Page) -> None:
    """Sarah: a greeting (long reply), a policy question, then an absence that asks which child."""
    _speak_as(page, SARAH)
    _say(page, "hello")
    _say(page, "how long must a child stay off after vomiting?")
    _say(page, "not coming in tomorrow")
    assert page.locator(".msg.bot").last.locator(".choices button").count() >= 2


def test_demo_parent_saying_hello_gets_the_help_reply(page: Page) -> None:
    _speak_as(page, SARAH)
    _say(page, "hello")
    reply = page.locator(".msg.bot").first
    assert "Hi Sarah" in reply.inner_text()
    assert "absence" in reply.inner_text()


def test_choices_are_buttons_that_answer_the_question(page: Page) -> None:
    _speak_as(page, SARAH)
    _say(page, "not coming in tomorrow")
    page.locator(".choices button", has_text="Leo").click()
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 2")
    assert "Leo is marked absent tomorrow" in page.locator(".msg.bot").nth(1).inner_text()


def test_right_to_left_messages_display_in_their_own_direction(page: Page) -> None:
    _speak_as(page, LAYLA)
    page.fill("#text", "مرحبا")
    page.click("#compose button")
    bubble = page.locator(".msg.me").first
    assert bubble.get_attribute("dir") == "auto"
    assert page.evaluate("getComputedStyle(document.querySelector('.msg.me')).direction") == "rtl"


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_newest_reply_and_its_buttons_sit_above_the_compose_bar(page: Page, tmp_path: Path) -> None:
    _conversation(page)
    _assert_newest_reply_in_view(page, tmp_path / "conversation.png")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_newest_reply_stays_in_view_when_the_keyboard_takes_half_the_screen(
    page: Page, tmp_path: Path
) -> None:
    _conversation(page)
    page.focus("#text")
    page.set_viewport_size({"width": 360, "height": 400})  # the on-screen keyboard is open
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    _assert_newest_reply_in_view(page, tmp_path / "keyboard.png")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_long_message_wraps_inside_the_screen_and_its_reply_is_in_view(
    page: Page, tmp_path: Path
) -> None:
    _speak_as(page, SARAH)
    _say(page, "hello")
    _say(page, "Maya has a cough " * 40 + "https://example.com/" + "a" * 120)
    _assert_newest_reply_in_view(page, tmp_path / "long.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    mine = page.locator(".msg.me").last.bounding_box()
    assert mine and mine["x"] >= 0 and mine["x"] + mine["width"] <= 360


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_right_to_left_conversation_keeps_its_buttons_in_view(page: Page, tmp_path: Path) -> None:
    _speak_as(page, NADIA)
    _say(page, "السلام علیکم")
    _say(page, "کل بچہ نہیں آئے گا")
    _assert_newest_reply_in_view(page, tmp_path / "urdu.png")
    assert page.evaluate("getComputedStyle(document.querySelector('.msg.bot')).direction") == "rtl"


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_switching_sender_and_back_keeps_each_history(page: Page, tmp_path: Path) -> None:
    _speak_as(page, SARAH)
    _say(page, "hello")
    sarah = page.locator(".msg").all_inner_texts()
    _speak_as(page, LAYLA)
    assert page.locator(".msg").count() == 0
    _say(page, "مرحبا")
    layla = page.locator(".msg").all_inner_texts()
    _speak_as(page, SARAH)
    assert page.locator(".msg").all_inner_texts() == sarah
    _assert_newest_reply_in_view(page, tmp_path / "back-to-sarah.png")
    _speak_as(page, LAYLA)
    assert page.locator(".msg").all_inner_texts() == layla


def test_a_reloaded_page_keeps_the_person_and_their_conversation(page: Page) -> None:
    _speak_as(page, LAYLA)
    _say(page, "مرحبا")
    before = page.locator(".msg").all_inner_texts()
    page.reload()
    page.wait_for_selector("#who option", state="attached")
    assert page.locator("#who").input_value() == LAYLA
    assert page.locator(".msg").all_inner_texts() == before


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_refused_or_lost_message_says_so_in_view(page: Page) -> None:
    _speak_as(page, SARAH)
    page.fill("#text", "x" * 70_000)  # over the 64 KiB body cap: refused with 413
    page.click("#compose button")
    refused = page.locator(".msg.error").last
    refused.wait_for()
    assert refused.inner_text().startswith("Not sent (4")
    _assert_in_view(page, refused)
    page.route("**/api/messages", lambda route: route.abort())
    page.fill("#text", "hello")
    page.click("#compose button")
    page.wait_for_function("document.querySelectorAll('.msg.error').length == 2")
    assert "no answer from the server" in page.locator(".msg.error").last.inner_text()


def test_replies_are_shown_once_when_the_inbox_is_slow(page: Page) -> None:
    """The server marks a turn's replies shown only after the turn: reading the same person's
    inbox meanwhile would show them twice. The page never overlaps the two."""
    reading: list[str] = []  # inbox reads the page is still waiting for
    overlaps: list[str] = []

    def slow_inbox(route: Route) -> None:
        reading.append(route.request.url)
        answer = route.fetch()
        page.wait_for_timeout(600)
        reading.remove(route.request.url)
        route.fulfill(response=answer)

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/messages") and reading:
            overlaps.append(request.url)

    page.route("**/api/inbox*", slow_inbox)
    page.on("request", on_request)
    _speak_as(page, SARAH)
    for text in ("hello", "how long must a child stay off after vomiting?"):
        _say(page, text)
    page.wait_for_timeout(3500)  # a poll or two more
    assert overlaps == []
    texts = page.locator(".msg").all_inner_texts()
    assert len(texts) == len(set(texts)), texts


def test_staff_see_notices_sent_while_they_were_away(page: Page) -> None:
    _speak_as(page, JESS)
    _say(page, "hello")
    assert "Hi Jess" in page.locator(".msg.bot").first.inner_text()
    _speak_as(page, SARAH)
    _say(page, "Maya is off today, she has a temperature")
    _speak_as(page, JESS)
    notice = page.locator(".msg", has_text="Maya Thompson")
    notice.wait_for()
    assert "Hi Jess" in page.locator(".msg.bot").first.inner_text()
    assert "Absence" in notice.inner_text()


def test_picker_says_whose_children_are_whose(page: Page) -> None:
    def options(group: str) -> list[str]:
        return page.locator(f"#who optgroup[label='{group}'] option").all_inner_texts()

    parents, staff, strangers = options("Parents"), options("Staff"), options("Not on the roster")
    assert "Sarah Thompson — mother of Maya and Leo (English)" in parents
    assert "Magda Kowalska — mother of Kuba and Zosia (Polish)" in parents
    assert "Nadia Hussain — mother of Ayaan and Fatima (Urdu)" in parents
    assert parents[:3] == [
        "Sarah Thompson — mother of Maya and Leo (English)",
        "Mark Thompson — father of Maya and Leo (English)",
        "Linda Thompson — grandmother of Maya and Leo (English)",
    ], "a family's guardians sit together"
    assert "Jess Hughes — key person, Saplings room" in staff
    assert "Priya Shah — manager, safeguarding lead" in staff
    assert strangers == ["Someone not on the roster"]
    assert page.locator("#who").input_value() == SARAH


def test_favicon_is_a_small_icon(page: Page, served: str) -> None:
    response = page.request.get(served + "favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert len(response.body()) < 4096
    assert page.locator("link[rel=icon]").get_attribute("href") == "favicon.ico"
