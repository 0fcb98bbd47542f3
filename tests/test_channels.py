"""Telegram and WhatsApp (Twilio) against the real Rasa server, with loopback stand-ins for their APIs.

Real update payloads are posted to the webhooks; the bot's replies are captured by tests/fake_apis.py.
Wrong secrets and forged signatures must be refused with nothing processed.
"""

from __future__ import annotations

import json
import time

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.conftest import ROOT
from tests.fake_apis import FakeApis
from tests.servers import running_servers

pytestmark = pytest.mark.slow
SECRET = "s3cret-token-for-tests"
TWILIO_TOKEN = "twilio-auth-token-for-tests"


@pytest.fixture(scope="module")
def apis():
    with FakeApis() as fake:
        yield fake


@pytest.fixture(scope="module")
def servers(model_path, apis, tmp_path_factory):
    env = {
        "TELEGRAM_TOKEN": "123456:TEST-token",
        "TELEGRAM_BOT_NAME": "clinic_test_bot",
        "TELEGRAM_WEBHOOK_URL": "https://clinic.example/webhooks/telegram/webhook",
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_API_BASE_URL": apis.url,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_NUMBER": "whatsapp:+442079460321",
        "TWILIO_WEBHOOK_URL": "https://clinic.example/webhooks/twilio/webhook",
        "TWILIO_API_BASE_URL": apis.url,
        "BOOKINGS_DB_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'bookings.db'}",
    }
    with running_servers(
        model_path, ROOT / "results" / "channel-logs", env, credentials="tests/credentials_channels.yml"
    ) as running:
        yield running


def wait_for(predicate, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


# ---- Telegram ----------------------------------------------------------------------------------------


def update(update_id: int, chat_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": "private", "first_name": "Sam"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
        },
    }


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


def test_telegram_webhook_was_registered_with_the_secret(servers, apis):
    [registration] = apis.sent("telegram", "setWebhook")
    assert registration["secret_token"] == SECRET
    assert registration["url"].endswith("/webhooks/telegram/webhook")


def test_telegram_question_gets_the_answer_and_buttons_as_an_inline_keyboard(servers, apis):
    chat = 5001
    assert post_telegram(servers, update(1, chat, "hello")).ok
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
    answer = post_telegram(servers, update(10, chat, "how much does it cost?"), secret=secret)
    assert answer.status_code == 403
    time.sleep(2)
    assert replies_to(apis, chat) == []


# ---- WhatsApp through Twilio -------------------------------------------------------------------------

WEBHOOK = "https://clinic.example/webhooks/twilio/webhook"


def post_twilio(servers, form: dict, signature: str = None):
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return requests.post(f"{servers.rasa_url}/webhooks/twilio/webhook", data=form, headers=headers, timeout=30)


def whatsapp_form(sender: str, text: str) -> dict:
    return {
        "From": sender,
        "To": "whatsapp:+442079460321",
        "Body": text,
        "MessageSid": "SM" + "1" * 32,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }


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
    time.sleep(2)
    assert not [c for c in apis.sent("twilio") if c.get("To") == sender]
