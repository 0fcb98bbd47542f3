"""The staff app in a real headless Chromium (Debian's, through Playwright) beside patients in the widget.

Starts the action server, the Rasa server (widget, REST and Telegram with the loopback Bot API
stand-in; HTTP API on with a token), the clinic page and the staff app, all on loopback. A patient
books in the widget and a practitioner confirms it in the browser; a patient asks for a person and a
staff member takes the chat, two messages each way, a warning sign meanwhile, hand-back; the same on
Telegram; nobody taking a chat means a call-back offer; the insights page. Saves
results/staff-inbox.png and results/staff-takeover.png (docs/ holds copies for the README) and the
time from "can I talk to someone" to the chat in the inbox (results/staff-handoff-latency.txt).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time

import pytest
import requests
import yaml

from clinic.profile import profile
from tests.harness.conversations import telegram_update
from tests.harness.paths import ROOT
from tests.harness.servers import TELEGRAM_SECRET, TUESDAY_TEN, running_staff_app
from tests.test_browser import ARGS, CHROMIUM, bot_texts, open_chat_with_keyboard, wait_for_bot

pytestmark = [pytest.mark.slow, pytest.mark.clock(TUESDAY_TEN)]  # open
WAIT_MINUTES = 0.4  # nobody takes a chat within 24 s: the call-back offer
PASSWORD = "correct horse battery staple"
ADMIN, PRACTITIONER = "lead@riverside.example", "nurse@riverside.example"
RESULTS = ROOT / "results"
PATIENT = {"name": "Sam Taylor", "phone": "020 7946 0123"}


@pytest.fixture(scope="module")
def stack(servers, tmp_path_factory):
    """The shared servers at Tuesday 10:00 (tests/conftest.py), emptied, with the staff app on their stores."""
    folder = tmp_path_factory.mktemp("staff-browser")
    clinic_file = folder / "clinic.yml"
    clinic = yaml.safe_load((ROOT / "clinic.yml").read_text())
    clinic["handoff"] = {"wait_minutes": WAIT_MINUTES}
    clinic_file.write_text(yaml.safe_dump(clinic))
    servers.empty_stores()  # the inbox and the screenshots show this file's patients only
    servers.open_page()
    staff_env = {
        "CLINIC_CLOCK": servers.clock,
        "BOOKINGS_DB_URL": servers.bookings_db_url,
        "TRACKER_DB_URL": servers.tracker_db_url,
        "CLINIC_PROFILE": str(clinic_file),
        "RASA_URL": servers.rasa_url,
        "RASA_API_TOKEN": servers.api_token,
    }
    with running_staff_app(RESULTS / "staff-browser-logs", staff_env) as staff:
        staff.add_account(ADMIN, "admin", PASSWORD)
        staff.add_account(PRACTITIONER, "practitioner", PASSWORD)
        yield servers, staff


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def new_page(browser, width: int = 1280, height: int = 860, phone: bool = False):
    """A new browser context (its own cookies and storage): a staff member's desk, or a patient's phone."""
    size = {"width": 390, "height": 844} if phone else {"width": width, "height": height}
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("dialog", lambda dialog: dialog.dismiss())
    return page


@pytest.fixture
def patient(browser):
    page = new_page(browser, phone=True)
    yield page
    page.context.close()


@pytest.fixture
def staff_page(browser, stack):
    _, staff = stack
    page = new_page(browser)
    log_in(page, staff.url, PRACTITIONER)
    yield page
    page.context.close()


def log_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Log in')")


def say(page, text: str) -> None:
    page.locator(".rw-new-message").fill(text)
    page.keyboard.press("Enter")


def patient_opens_chat(page, servers) -> None:
    open_chat_with_keyboard(page, servers.page_url)
    wait_for_bot(page, "automated assistant")


def test_log_in_and_out(browser, stack):
    _, staff = stack
    page = new_page(browser)
    log_in(page, staff.url, PRACTITIONER, "not the password")
    page.locator(".error", has_text="Wrong e-mail or password.").wait_for()
    log_in(page, staff.url, PRACTITIONER)
    page.locator("h1", has_text="Requests").wait_for()
    assert "Audit log" not in page.locator("header").inner_text()  # a practitioner: no admin pages
    page.click("button:has-text('Log out')")
    page.locator("h1", has_text="Staff log-in").wait_for()
    page.goto(f"{staff.url}/requests")
    assert "/login" in page.url
    page.context.close()


def seed_other_requests(db_url: str) -> str:
    """Two earlier requests (a call-back, a declined booking) so the inbox looks like a working day."""
    from clinic import booking_requests, store
    from clinic.when import When

    clinic = profile()
    callback = booking_requests.create_request(
        clinic, booking_requests.NewRequest("callback", "Alex Morgan", "+442079460456"), db_url
    )
    declined = booking_requests.create_request(
        clinic,
        booking_requests.NewRequest(
            "booking",
            "Priya Shah",
            "priya@example.com",
            When(dt.date(2026, 11, 28), dt.time(11, 0)),
            "dull skin",
            False,
        ),
        db_url,
    )
    booking_requests.set_status(declined.reference, store.DECLINED, "Fully booked that day", db_url)
    with store.session(db_url) as db:  # received before the widget booking
        for hours, reference in ((1, callback.reference), (3, declined.reference)):
            store.find_request(db, reference).created_at -= dt.timedelta(hours=hours)
    return declined.reference


def test_a_widget_booking_confirmed_in_the_browser_reaches_the_patient(stack, patient, staff_page):
    servers, staff = stack
    patient_opens_chat(patient, servers)
    for message, answer in [
        ("I'd like to book an appointment", "Is that OK?"),
        ("yes that's fine", "What name"),
        (PATIENT["name"], "phone number or e-mail"),
        (PATIENT["phone"], "Which day and time"),
        ("friday at 10am", "What would you like the visit to be for"),
        ("fine lines on my forehead", "first visit"),
        ("first visit", "Name: Sam Taylor"),
    ]:
        say(patient, message)
        wait_for_bot(patient, answer)
    patient.locator(".rw-reply", has_text="Confirm").last.click()
    wait_for_bot(patient, "BR-")
    reference = re.search(r"BR-[A-Z0-9]{6}", bot_texts(patient)).group(0)

    declined = seed_other_requests(staff.env["BOOKINGS_DB_URL"])
    staff_page.goto(f"{staff.url}/requests")
    row = staff_page.locator("tr", has_text=reference)
    row.wait_for()
    assert "pending" in row.inner_text() and "Sam Taylor" in row.inner_text()
    assert staff_page.locator("table.requests tbody tr").first.inner_text().startswith(reference)  # newest first
    staff_page.screenshot(path=str(RESULTS / "staff-inbox.png"))
    staff_page.select_option("select[name=status]", "pending")
    staff_page.click("button:has-text('Filter')")
    staff_page.locator("tr", has_text=reference).wait_for()
    assert staff_page.locator("tr", has_text=declined).count() == 0
    row.locator("a", has_text=reference).click()
    staff_page.locator("#transcript li.patient", has_text="fine lines on my forehead").wait_for()
    staff_page.fill("input[name=note]", "Friday 10:00 with the lead practitioner")
    staff_page.click("button:has-text('Confirm')")
    staff_page.locator("#status", has_text="confirmed").wait_for()

    say(patient, f"what's the status of my booking {reference}")
    wait_for_bot(patient, "has been confirmed by the clinic")
    assert "Note from the clinic: Friday 10:00 with the lead practitioner" in bot_texts(patient)


def test_take_over_a_widget_chat_two_messages_each_way_warning_sign_and_hand_back(stack, patient, staff_page):
    servers, staff = stack
    patient_opens_chat(patient, servers)
    staff_page.goto(f"{staff.url}/live")
    staff_page.locator("#live-chats").wait_for()
    before = staff_page.locator("#live-chats tr.waiting").count()
    say(patient, "can I talk to someone from the clinic please")
    asked = time.monotonic()
    staff_page.locator("#live-chats tr.waiting").nth(before).wait_for(timeout=20_000)
    latency = time.monotonic() - asked
    (RESULTS / "staff-handoff-latency.txt").write_text(f"{latency:.1f} s from the patient's message to the inbox\n")
    wait_for_bot(patient, "join this chat")
    staff_page.locator("#live-chats tr.waiting a").last.click()
    staff_page.locator("#transcript li.patient", has_text="can I talk to someone").wait_for()
    staff_page.click("#take")

    wait_for_bot(patient, "has joined the chat")
    staff_page.fill("#message", "Hello, this is the clinic's nurse. How can I help?")
    staff_page.keyboard.press("Enter")
    wait_for_bot(patient, "How can I help?")
    say(patient, "Can I come in on Thursday instead of Friday?")
    staff_page.locator("#transcript li.patient", has_text="Thursday instead").wait_for()
    staff_page.fill("#message", "Yes, Thursday at 11:00 is free. Shall I move it?")
    staff_page.keyboard.press("Enter")
    wait_for_bot(patient, "Shall I move it?")
    say(patient, "Yes please, thank you")
    staff_page.locator("#transcript li.patient", has_text="Yes please").wait_for()
    staff_page.locator("#transcript li.staff", has_text="Shall I move it?").wait_for()
    patient.wait_for_timeout(1500)
    # the assistant stayed quiet: the patient's replies are the greeting, the handoff, and the staff's
    responses = patient.locator(".rw-response").all_inner_texts()
    after_join = responses[[i for i, text in enumerate(responses) if "has joined the chat" in text][-1] :]
    assert len(after_join) == 3, after_join
    staff_page.screenshot(path=str(RESULTS / "staff-takeover.png"))

    # a warning sign during the takeover: the urgent reply at once, and the staff member sees a flag
    say(patient, "my lips are swelling up and I can't breathe properly")
    wait_for_bot(patient, f"call {profile().emergency_number}")
    staff_page.locator("#warning-banner").wait_for(state="visible")
    staff_page.locator("#transcript li.patient.warning", has_text="lips are swelling").wait_for()

    staff_page.click("#hand-back")
    wait_for_bot(patient, "I'm here.")
    say(patient, "does it hurt?")
    wait_for_bot(patient, "pinch")
    staff_page.locator("#chat-status", has_text="closed").wait_for()


def test_take_over_a_telegram_chat(stack, apis, staff_page):
    servers, staff = stack
    chat_id = 4242

    def post(update_id: int, text: str) -> None:
        update = telegram_update(update_id, chat_id, text)
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        assert requests.post(
            f"{servers.rasa_url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=60
        ).ok

    def sent_to_patient() -> list[str]:
        return [str(c.get("text")) for c in apis.sent("telegram") if str(c.get("chat_id")) == str(chat_id)]

    def wait_for_telegram(text: str) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(text in sent for sent in sent_to_patient()):
            time.sleep(0.3)
        assert any(text in sent for sent in sent_to_patient()), sent_to_patient()

    post(1, "can I talk to a person?")
    wait_for_telegram("join this chat")
    staff_page.goto(f"{staff.url}/live")
    staff_page.locator("#live-chats tr.waiting", has_text="telegram").first.locator("a").click()
    staff_page.click("#take")
    wait_for_telegram("has joined the chat")
    staff_page.fill("#message", "Hi Sam, the clinic here on Telegram.")
    staff_page.keyboard.press("Enter")
    wait_for_telegram("the clinic here on Telegram")
    post(2, "great, I have a question about my aftercare")
    staff_page.locator("#transcript li.patient", has_text="question about my aftercare").wait_for()
    staff_page.fill("#message", "Of course, go ahead.")
    staff_page.keyboard.press("Enter")
    wait_for_telegram("go ahead")
    post(3, "does it hurt?")
    staff_page.locator("#transcript li.patient", has_text="does it hurt?").wait_for()
    assert not any("pinch" in sent for sent in sent_to_patient())  # the assistant stayed quiet
    # this time the patient asks for the bot back: the chat closes in the staff app
    post(4, "back to the bot")
    wait_for_telegram("I'm here.")
    staff_page.locator("#chat-status", has_text="closed").wait_for()
    post(5, "does it hurt?")
    wait_for_telegram("pinch")


def test_nobody_takes_the_chat_in_time_and_the_patient_is_offered_a_call_back(stack, patient, browser):
    servers, staff = stack
    patient_opens_chat(patient, servers)
    say(patient, "I'd like to speak to a real person")
    wait_for_bot(patient, "join this chat")
    patient.locator(".rw-response", has_text="nobody from the team is free").wait_for(
        timeout=int((WAIT_MINUTES * 60 + 30) * 1000)
    )
    wait_for_bot(patient, "phone you back")
    say(patient, "yes")
    wait_for_bot(patient, "What name")
    admin = new_page(browser)
    log_in(admin, staff.url, ADMIN)
    admin.goto(f"{staff.url}/live")
    admin.locator("#live-chats tr.closed", has_text="callback_offered").first.wait_for()
    admin.goto(f"{staff.url}/admin/audit")
    admin.locator("tr", has_text="callback_offered").first.wait_for()
    assert PRACTITIONER in admin.locator("table.audit").inner_text()  # the earlier actions, by whom
    admin.context.close()


def test_insights_page_and_export(stack, staff_page):
    _, staff = stack
    staff_page.goto(f"{staff.url}/insights")
    report = staff_page.frame_locator("#report")
    report.locator("h2", has_text="Conversations").first.wait_for(timeout=60_000)
    report.locator("img[alt='Conversations per day']").wait_for()
    assert report.locator("img").count() >= 4
    with staff_page.expect_download() as download:
        staff_page.click("#export")
    exported = download.value.path().read_text()
    assert 'version: "3.1"' in exported and "nlu" in exported


def test_no_patient_details_in_any_server_log(stack):
    servers, staff = stack
    logs = [*servers.logs.values(), staff.log]
    for log in logs:
        text = log.read_text() if log.exists() else ""
        for detail in (PATIENT["name"], "7946 0123", "+442079460123", "lips are swelling"):
            assert detail not in text, (log.name, detail)


def test_screenshots_for_the_readme_exist():
    for name in ("staff-inbox.png", "staff-takeover.png"):
        assert (RESULTS / name).stat().st_size > 10_000
        if not (ROOT / "docs" / name).exists():
            shutil.copy(RESULTS / name, ROOT / "docs" / name)
