"""The clinic page and its chat widget in a real headless Chromium (Debian's), driven by Playwright.

Starts the action server, the Rasa server (socket.io channel) and the page server on loopback, then
does what a patient does on a phone-sized screen. Saves results/chat-page.png (docs/chat-page.png in
the README is a copy of it).
"""

from __future__ import annotations

import contextlib
import shutil

import pytest
import requests

from clinic.profile import profile
from tests.harness.paths import ROOT
from tests.harness.servers import TUESDAY_TEN

pytestmark = [pytest.mark.slow, pytest.mark.clock(TUESDAY_TEN)]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ROOT / "results" / "chat-page.png"  # copied to docs/ for the README when the page changes


@pytest.fixture(scope="module", autouse=True)
def clinic_page(servers):
    """The clinic page with the widget, served for the shared servers (servers.page_url)."""
    return servers.open_page()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium") and not (ROOT / CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: `make test` installs it (scripts/ensure_chromium.sh)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(30_000)
    yield page
    context.close()


def bot_texts(page) -> str:
    return "\n".join(page.locator(".rw-response").all_inner_texts())


def wait_for_bot(page, text: str) -> None:
    # Locators, not wait_for_function: the page's Content-Security-Policy forbids eval, rightly.
    page.locator(".rw-response", has_text=text).first.wait_for(timeout=30_000)


def open_chat_with_keyboard(page, url: str) -> None:
    page.goto(url)
    launcher = page.locator(".rw-launcher")
    launcher.wait_for()
    assert launcher.get_attribute("aria-label") == "Open the chat"
    launcher.focus()
    page.keyboard.press("Enter")
    page.locator(".rw-new-message").wait_for()


def test_widget_greets_answers_and_keeps_the_conversation(servers, page):
    open_chat_with_keyboard(page, servers.page_url)
    assert page.locator(".rw-new-message").get_attribute("aria-label") == "Your message"
    wait_for_bot(page, "automated assistant")
    assert "not medical advice" in bot_texts(page) and profile().name in bot_texts(page)
    # a quick reply from the greeting
    page.locator(".rw-reply", has_text="Does it hurt?").first.click()
    wait_for_bot(page, "pinch")
    # a typed question, sent with the keyboard
    page.locator(".rw-new-message").fill("how many sessions will I need for my face")
    page.keyboard.press("Enter")
    wait_for_bot(page, "4 to 6 sessions")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    # a reload keeps the conversation (session persistence: same session id, same history)
    page.reload()
    page.locator(".rw-launcher, .rw-new-message").first.wait_for()
    if page.locator(".rw-new-message").count() == 0:
        page.locator(".rw-launcher").click()
    wait_for_bot(page, "4 to 6 sessions")
    page.locator(".rw-new-message").fill("and does it hurt?")
    page.keyboard.press("Enter")
    page.locator(".rw-response", has_text="pinch").nth(1).wait_for()
    assert "automated assistant" in bot_texts(page)


def test_markup_in_a_message_shows_as_text_and_never_runs(servers, page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    open_chat_with_keyboard(page, servers.page_url)
    wait_for_bot(page, "automated assistant")
    page.locator(".rw-new-message").fill("<script>alert('x')</script><img src=x onerror=alert(1)> hello")
    page.keyboard.press("Enter")
    page.locator(".rw-client", has_text="<script>").wait_for()
    # No fixed pause: once the bot's answer to it is shown, any script in the message would have run.
    with contextlib.suppress(PlaywrightTimeout):
        page.locator(
            "xpath=//*[contains(@class, 'rw-client')][contains(., '<script>')]"
            "/following::*[contains(@class, 'rw-response')]"
        ).first.wait_for(timeout=15_000)
    assert page.dialogs == []
    assert (
        page.locator(".rw-client img").count() == 0
        and page.locator("#webchat script, .rw-conversation-container script").count() == 0
    )


def test_page_serves_the_pinned_widget_with_a_strict_policy(servers):
    page = requests.get(servers.page_url, timeout=10)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "cdn" not in page.text.lower()
    widget = requests.get(servers.page_url + "vendor/webchat.js", timeout=10)
    assert (
        widget.ok
        and widget.content == (ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js").read_bytes()
    )


def test_socketio_accepts_only_the_clinic_site(servers):
    url = servers.rasa_url + "/socket.io/?EIO=4&transport=polling"
    own = requests.get(url, headers={"Origin": servers.page_url.rstrip("/")}, timeout=10)
    assert own.ok and own.headers["Access-Control-Allow-Origin"] == servers.page_url.rstrip("/")
    foreign = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=10)
    assert foreign.status_code == 400
