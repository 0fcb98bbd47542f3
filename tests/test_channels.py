"""Telegram and WhatsApp (Twilio) against the real Rasa server, with loopback stand-ins for their APIs.

Real update payloads are posted to the webhooks; the bot's replies are captured by tests/harness/fake_apis.py.
Wrong secrets and forged signatures must be refused with nothing processed.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.harness.conversations import telegram_update
from tests.harness.polling import wait_until as wait_for
from tests.harness.servers import TELEGRAM_SECRET, TUESDAY_TEN, TWILIO_TOKEN, TWILIO_WEBHOOK, WHATSAPP_NUMBER

# No reply here depends on the time: the shared set at Tuesday 10:00 (one Rasa start fewer than a real-clock set).
pytestmark = [pytest.mark.slow, pytest.mark.clock(TUESDAY_TEN)]
SECRET = TELEGRAM_SECRET
_later = itertools.count(1)  # senders and ids of the messages sent after a refused one


# ---- Telegram ----------------------------------------------------------------------------------------


def button_press(update_id: int, chat_id: int, data: str) -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "data": data,
            "chat_instance": "1",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
            "message": {
                "message_id": update_id,
                "date": int(time.time()),
                "text": "x",
                "chat": {"id": chat_id, "type": "private"},
            },
        },
    }


def post_telegram(servers, payload: dict, secret: str = SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(f"{servers.rasa_url}/webhooks/telegram/webhook", json=payload, headers=headers, timeout=30)


def replies_to(apis, chat_id: int):
    return [c for c in apis.sent("telegram") if str(c.get("chat_id")) == str(chat_id)]


def a_later_telegram_message_is_answered(servers, apis) -> None:
    """Rather than a fixed pause for what a refused update might wrongly set off: wait (bounded) until
    an update sent after it, with the secret, is answered; by then the refused one would have been."""
    n = next(_later)
    post_telegram(servers, telegram_update(900 + n, 5900 + n, "hello"))
    wait_for(lambda: replies_to(apis, 5900 + n))


def test_telegram_webhook_was_registered_with_the_secret(servers, apis):
    """Once per Rasa start: a test at the same clock may have restarted the shared server before."""
    registrations = apis.sent("telegram", "setWebhook")
    assert registrations
    for registration in registrations:
        assert registration["secret_token"] == SECRET
        assert registration["url"].endswith("/webhooks/telegram/webhook")


def test_telegram_question_gets_the_answer_and_buttons_as_an_inline_keyboard(servers, apis):
    chat = 5001
    assert post_telegram(servers, telegram_update(1, chat, "hello")).ok
    assert wait_for(lambda: any("reply_markup" in c for c in replies_to(apis, chat)))
    texts = " ".join(c["text"] for c in replies_to(apis, chat))
    assert "automated assistant" in texts
    keyboard = json.loads(next(c["reply_markup"] for c in replies_to(apis, chat) if "reply_markup" in c))
    buttons = [b for row in keyboard["inline_keyboard"] for b in row]
    assert {"text": "Does it hurt?", "callback_data": "Does it hurt?"} in buttons
    before = len(replies_to(apis, chat))
    assert post_telegram(servers, button_press(2, chat, "Does it hurt?")).ok
    assert wait_for(lambda: any("pinch" in c["text"] for c in replies_to(apis, chat)[before:]))


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_telegram_update_without_the_right_secret_is_refused_and_ignored(servers, apis, secret):
    chat = 5002 if secret is None else 5003
    answer = post_telegram(servers, telegram_update(10, chat, "how much does it cost?"), secret=secret)
    assert answer.status_code == 403
    a_later_telegram_message_is_answered(servers, apis)
    assert replies_to(apis, chat) == []


# ---- WhatsApp through Twilio -------------------------------------------------------------------------

WEBHOOK = TWILIO_WEBHOOK


def post_twilio(servers, form: dict, signature: str = None):
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return requests.post(f"{servers.rasa_url}/webhooks/twilio/webhook", data=form, headers=headers, timeout=30)


def whatsapp_form(sender: str, text: str) -> dict:
    return {
        "From": sender,
        "To": WHATSAPP_NUMBER,
        "Body": text,
        "MessageSid": "SM" + "1" * 32,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }


def a_later_whatsapp_message_is_answered(servers, apis) -> None:
    """As for Telegram: a signed message sent after the refused post is answered (bounded wait)."""
    n = next(_later)
    sender = f"whatsapp:+4420794609{n:02d}"
    form = {**whatsapp_form(sender, "hello"), "MessageSid": f"SM{n:032d}"}
    post_twilio(servers, form, RequestValidator(TWILIO_TOKEN).compute_signature(WEBHOOK, form))
    wait_for(lambda: [c for c in apis.sent("twilio") if c.get("To") == sender])


def test_signed_whatsapp_message_is_answered(servers, apis):
    sender = "whatsapp:+442079460111"
    form = whatsapp_form(sender, "how many sessions will I need?")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(WEBHOOK, form)
    assert post_twilio(servers, form, signature).status_code == 204
    assert wait_for(
        lambda: any("4 to 6 sessions" in (c.get("Body") or "") for c in apis.sent("twilio") if c.get("To") == sender)
    )
    assert all(c["From"] == "whatsapp:+442079460321" for c in apis.sent("twilio"))


@pytest.mark.parametrize("how", ["unsigned", "forged", "tampered"])
def test_unsigned_or_forged_whatsapp_posts_are_refused(servers, apis, how):
    sender = {
        "unsigned": "whatsapp:+442079460112",
        "forged": "whatsapp:+442079460113",
        "tampered": "whatsapp:+442079460114",
    }[how]
    form = whatsapp_form(sender, "what is mesotherapy?")
    signature = {
        "unsigned": None,
        "forged": RequestValidator("not-the-token").compute_signature(WEBHOOK, form),
        "tampered": RequestValidator(TWILIO_TOKEN).compute_signature(WEBHOOK, form),
    }[how]
    if how == "tampered":
        form = {**form, "Body": "what does it cost?"}
    assert post_twilio(servers, form, signature).status_code == 403
    a_later_whatsapp_message_is_answered(servers, apis)
    assert not [c for c in apis.sent("twilio") if c.get("To") == sender]
