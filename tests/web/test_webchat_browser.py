"""The demo web chat in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright

from bot.engine import Engine
from parentbot.web import create_app

pytestmark = pytest.mark.browser


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


@pytest.fixture
def page(served: str) -> Iterator[Page]:
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
        page = browser.new_page()
        page.goto(served)
        yield page
        browser.close()


def test_demo_parent_saying_hello_gets_the_help_reply(page: Page) -> None:
    page.wait_for_selector("#who option", state="attached")
    page.select_option("#who", "+447700900101")
    page.fill("#text", "hello")
    page.click("form button")
    reply = page.locator(".msg.bot").first
    reply.wait_for()
    assert "Hi Sarah" in reply.inner_text()
    assert "absence" in reply.inner_text()


def test_choices_are_buttons_that_answer_the_question(page: Page) -> None:
    page.wait_for_selector("#who option", state="attached")
    page.select_option("#who", "+447700900101")
    page.fill("#text", "not coming in tomorrow")
    page.click("form button")
    page.locator(".choices button", has_text="Leo").click()
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 2")
    assert "Leo is marked absent tomorrow" in page.locator(".msg.bot").nth(1).inner_text()


def test_right_to_left_messages_display_in_their_own_direction(page: Page) -> None:
    page.wait_for_selector("#who option", state="attached")
    page.select_option("#who", "+447700900201")  # Layla Haddad, Arabic
    page.fill("#text", "مرحبا")
    page.click("form button")
    bubble = page.locator(".msg.me").first
    assert bubble.get_attribute("dir") == "auto"
    assert page.evaluate("getComputedStyle(document.querySelector('.msg.me')).direction") == "rtl"
