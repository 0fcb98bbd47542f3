"""Post-treatment check-ins end to end: Telegram conversation, practitioner, scheduler, real servers.

The Rasa server runs with the Telegram channel pointed at the loopback Bot API stand-in
(tests/harness/fake_apis.py) and its HTTP API on (token). A patient books on Telegram and taps "Yes, check in
on me"; the practitioner records the treatment (`clinic.practitioner treated`); the scheduler
(`clinic.checkins run --once`, a new process each time, with an injected clock) sends each check-in
through Rasa's trigger_intent to the patient's Telegram chat. Checked: exactly its check-ins, on their
days and only once; "All fine" gets the reminders for that stage; a described warning sign gets the
urgent line; "stop check-ins" stops the rest; a Rasa restart between check-ins changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from clinic.profile import profile
from tests.harness.conversations import BOOKING, telegram_update
from tests.harness.paths import ROOT, VENV_BIN
from tests.harness.polling import wait_until
from tests.harness.servers import TELEGRAM_SECRET, TUESDAY_TEN, TWILIO_TOKEN, TWILIO_WEBHOOK, WHATSAPP_NUMBER

pytestmark = [pytest.mark.slow, pytest.mark.clock(TUESDAY_TEN)]
PY = str(VENV_BIN / "python")
SECRET = TELEGRAM_SECRET
_update_ids = iter(range(1000, 100000))


def telegram(servers, chat: int, text: str = None, button: str = None) -> None:
    import requests

    update_id = next(_update_ids)
    sender = {"id": chat, "is_bot": False, "first_name": "Sam"}
    if button is not None:
        payload = {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "data": button,
                "chat_instance": "1",
                "from": sender,
                "message": {
                    "message_id": update_id,
                    "date": int(time.time()),
                    "text": "x",
                    "chat": {"id": chat, "type": "private"},
                },
            },
        }
    else:
        payload = telegram_update(update_id, chat, text, chat_name=None)
    answer = requests.post(
        f"{servers.rasa_url}/webhooks/telegram/webhook",
        json=payload,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=60,
    )
    assert answer.ok, answer.text


def sent_to(apis, chat: int):
    return [c for c in apis.sent("telegram") if str(c.get("chat_id")) == str(chat)]


def new_text(apis, chat: int, before: int, seconds: float = 20) -> str:
    """What the bot sent to the chat since `before`. The webhook answers once the turn is over, so the
    turn's messages are all in by then: this waits only in case they are not."""
    wait_until(lambda: sent_to(apis, chat)[before:], seconds)
    return "\n".join(m.get("text", "") for m in sent_to(apis, chat)[before:])


def say(servers, apis, chat: int, text: str = None, button: str = None) -> str:
    before = len(sent_to(apis, chat))
    telegram(servers, chat, text, button)
    return new_text(apis, chat, before)


def book(servers, apis, chat: int) -> str:
    reply = ""
    for message, expected in BOOKING:
        reply = say(servers, apis, chat, message)
        assert expected in reply, (message, reply)
    return re.search(r"BR-[A-Z0-9]{6}", reply).group(0)


def practitioner(db_url: str, *args: str) -> str:
    done = subprocess.run(
        [PY, "-m", "clinic.practitioner", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "BOOKINGS_DB_URL": db_url},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def scheduler_pass(servers, db_url: str, clock: str) -> None:
    """One scheduler run in a fresh process (so every pass is also a restart)."""
    env = {
        **os.environ,
        "BOOKINGS_DB_URL": db_url,
        "CLINIC_CLOCK": clock,
        "RASA_URL": servers.rasa_url,
        "RASA_API_TOKEN": servers.api_token,
    }
    done = subprocess.run(
        [PY, "-m", "clinic.checkins", "run", "--once"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]


def checkin_questions(apis, chat: int):
    return [m for m in sent_to(apis, chat) if "how is your skin doing" in m.get("text", "")]


def test_a_treated_patient_gets_exactly_their_check_ins_and_the_answers_fit(servers, apis, db_url):
    chat = 7101
    reference = book(servers, apis, chat)
    offer = sent_to(apis, chat)[-1]
    assert "check in with you here after your treatment" in offer["text"]
    buttons = [b for row in json.loads(offer["reply_markup"])["inline_keyboard"] for b in row]
    assert buttons == [{"text": "Yes, check in on me", "callback_data": "/start_checkins"}]
    assert "I'll message you here 2 days and 21 days after it" in say(servers, apis, chat, button="/start_checkins")
    assert "2 check-in(s) scheduled" in practitioner(db_url, "treated", reference, "--on", "2026-11-24")

    scheduler_pass(servers, db_url, "2026-11-25T11:00:00+00:00")  # day 1: nothing due
    assert checkin_questions(apis, chat) == []
    scheduler_pass(servers, db_url, "2026-11-26T11:00:00+00:00")  # day 2
    scheduler_pass(servers, db_url, "2026-11-26T11:30:00+00:00")  # again: nothing new
    [question] = checkin_questions(apis, chat)
    assert "2 days since your mesotherapy session on Tuesday 24 November" in question["text"]
    keyboard = [b["text"] for row in json.loads(question["reply_markup"])["inline_keyboard"] for b in row]
    assert keyboard == ["All fine", "Some redness", "Something worries me"]

    fine = say(servers, apis, chat, button="/checkin_fine")
    assert "Good to hear" in fine and "Tuesday 24 November, 2 days ago" in fine
    assert "Keep the treated skin out of the sun" in fine

    servers.restart_rasa()  # a restart between check-ins
    scheduler_pass(servers, db_url, "2026-12-15T03:00:00+00:00")  # day 21, at night: waits
    assert len(checkin_questions(apis, chat)) == 1
    scheduler_pass(servers, db_url, "2026-12-15T10:30:00+00:00")
    assert len(checkin_questions(apis, chat)) == 2
    assert "21 days since" in checkin_questions(apis, chat)[1]["text"]
    urgent = say(servers, apis, chat, "the injection spot on my cheek is hot and there is pus")
    assert profile().urgent_phone in urgent
    listing = practitioner(db_url, "checkins")
    assert listing.count(reference) == 2 and listing.count("sent") == 2


def test_stop_check_ins_means_no_more_messages(servers, apis, db_url):
    chat = 7102
    reference = book(servers, apis, chat)
    assert "Once the clinic records your treatment date" in say(
        servers, apis, chat, "please check in with me after my treatment"
    )
    practitioner(db_url, "treated", reference, "--on", "2026-11-24")
    # The "Something worries me" quick reply is the urgent-care answer wherever it is tapped.
    assert profile().urgent_phone in say(servers, apis, chat, button="/report_adverse_reaction")
    assert "no more check-ins" in say(servers, apis, chat, "stop check-ins")
    scheduler_pass(servers, db_url, "2026-11-26T12:00:00+00:00")
    scheduler_pass(servers, db_url, "2026-12-15T12:00:00+00:00")
    assert checkin_questions(apis, chat) == []


def test_the_website_chat_cannot_sign_up_for_check_ins(servers):
    reply = " ".join(r.get("text", "") for r in servers.send("web-visitor-1", "send me check-ins"))
    assert "Telegram or WhatsApp" in reply


# ---- WhatsApp (Twilio): the same check-in, with the choices shown as words to type back ----

WHATSAPP_WEBHOOK = TWILIO_WEBHOOK
_message_sids = iter(range(1, 10**6))


def whatsapp(servers, sender: str, text: str) -> None:
    import requests
    from twilio.request_validator import RequestValidator

    form = {
        "From": sender,
        "To": WHATSAPP_NUMBER,
        "Body": text,
        "MessageSid": f"SM{next(_message_sids):032d}",
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(WHATSAPP_WEBHOOK, form)
    answer = requests.post(
        f"{servers.rasa_url}/webhooks/twilio/webhook", data=form, headers={"X-Twilio-Signature": signature}, timeout=60
    )
    assert answer.ok, answer.text


def whatsapp_sent(apis, sender: str):
    return [c.get("Body") or "" for c in apis.sent("twilio") if c.get("To") == sender]


def whatsapp_say(servers, apis, sender: str, text: str, seconds: float = 20) -> str:
    before = len(whatsapp_sent(apis, sender))
    whatsapp(servers, sender, text)
    wait_until(lambda: len(whatsapp_sent(apis, sender)) > before, seconds)  # in already: see new_text
    return "\n".join(whatsapp_sent(apis, sender)[before:])


def test_on_whatsapp_the_check_in_choices_are_words_the_patient_types_back(servers, apis, db_url):
    sender = "whatsapp:+447700900555"
    reply = ""
    for message, expected in BOOKING[:-1] + [("Confirm", "BR-")]:
        reply = whatsapp_say(servers, apis, sender, message)
        assert expected in reply, (message, reply)
    reference = re.search(r"BR-[A-Z0-9]{6}", reply).group(0)
    assert "You can reply:\n• Yes, check in on me" in reply and "(/" not in reply
    assert "I'll message you here 2 days and 21 days after it" in whatsapp_say(
        servers, apis, sender, "Yes, check in on me"
    )
    practitioner(db_url, "treated", reference, "--on", "2026-11-24")
    scheduler_pass(servers, db_url, "2026-11-26T11:00:00+00:00")
    [question] = [m for m in whatsapp_sent(apis, sender) if "how is your skin doing" in m]
    assert question.endswith(
        "how is your skin doing?\nYou can reply:\n• All fine\n• Some redness\n• Something worries me"
    )  # one message, the choices with the question
    assert "Good to hear" in whatsapp_say(servers, apis, sender, "All fine")
    assert profile().phone in whatsapp_say(servers, apis, sender, "Some redness")
    assert profile().urgent_phone in whatsapp_say(servers, apis, sender, "Something worries me")


def test_a_check_in_that_starts_a_new_session_arrives_and_keeps_the_session_start(servers, apis):
    """Days after the last message the session has expired: Rasa's trigger_intent starts a new one
    without an output channel (a crash in Rasa 3.6 that lost the session's events; see
    components/action_failure.py). A conversation the server has never seen takes the same path."""
    import datetime as dt

    import requests

    from clinic.checkins import Due, rasa_trigger

    chat = 7199
    rasa_trigger(servers.rasa_url, servers.api_token)(Due(0, str(chat), "telegram", 21, dt.date(2026, 11, 24), 21))
    [question] = checkin_questions(apis, chat)
    assert "21 days since your mesotherapy session on Tuesday 24 November" in question["text"]
    tracker = requests.get(
        f"{servers.rasa_url}/conversations/{chat}/tracker", params={"token": servers.api_token}, timeout=30
    ).json()
    assert "session_started" in [e["event"] for e in tracker["events"]]
    assert tracker["slots"]["clinic_phone"] == profile().phone
    assert [m["text"] for m in sent_to(apis, chat)][0].startswith("Hello from")  # no stray disclaimer
