"""End to end: the real action server and Rasa server on loopback, a patient over the REST channel."""

from __future__ import annotations

import re
import uuid

import pytest

from clinic import topics
from clinic.profile import profile
from tests.harness.conversations import said as texts
from tests.harness.servers import SUNDAY_NOON  # the clinic is closed on Sundays

pytestmark = [pytest.mark.slow, pytest.mark.clock(SUNDAY_NOON)]


def new_patient() -> str:
    return f"patient-{uuid.uuid4().hex[:8]}"


def test_first_reply_carries_the_disclaimer_once_then_greets_with_topic_buttons(servers):
    patient = new_patient()
    first = servers.send(patient, "hello")
    assert "automated assistant" in first[0]["text"] and "not medical advice" in first[0]["text"]
    assert profile().name in first[0]["text"]
    buttons = [b["title"] for r in first for b in r.get("buttons", [])]
    assert "What is mesotherapy?" in buttons and "Book an appointment" in buttons
    second = servers.send(patient, "does it hurt?")
    assert "automated assistant" not in texts(second)
    assert "pinch" in texts(second)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("how many sessions do i need for my face", "4 to 6 sessions"),
        ("how much does meso cost?", "I don't have this clinic's prices"),
        ("what's actually in the injections", "hyaluronic acid"),
        ("who invented mesotherapy", "1952"),
        ("how long will the results last", "several months"),
        ("can mesotherapy replace my botox", "Botox relaxes muscles"),
    ],
)
def test_faq_answers(servers, question, expected):
    replies = servers.send(new_patient(), question)
    assert expected in texts(replies)


def test_follow_up_button_leads_to_the_next_answer(servers):
    patient = new_patient()
    replies = servers.send(patient, "how many sessions will I need?")
    follow_up = [b for r in replies for b in r.get("buttons", [])]
    assert follow_up and follow_up[0]["title"] == topics.titles()["faq/results_duration"]
    clicked = servers.send(patient, follow_up[0]["payload"])
    assert "several months" in texts(clicked)


def test_a_reported_reaction_gets_urgent_care_guidance(servers):
    replies = servers.send(new_patient(), "my face is really swollen and hot two days after meso")
    text = texts(replies)
    assert f"call {profile().emergency_number}" in text
    assert profile().urgent_phone in text


def test_asking_what_to_watch_for_gets_the_signs_by_whom_to_call(servers):
    text = texts(servers.send(new_patient(), "What should I watch out for after?"))
    assert f"call {profile().emergency_number} now" in text and profile().urgent_phone in text
    assert "pus" in text and "slurred" in text


def test_redness_days_later_on_a_sunday_is_a_call_to_the_clinic_when_it_opens(servers):
    text = texts(servers.send(new_patient(), "It's been 2 days and it's still a bit red"))
    assert f"ring the clinic on {profile().phone} when it opens tomorrow at" in text
    # then the signs that can't wait
    assert text.index("when it opens") < text.index(f"call {profile().emergency_number} now")


def test_out_of_scope_gets_a_polite_refusal_and_an_offer(servers):
    replies = servers.send(new_patient(), "who won the football last night?")
    assert "I can only help with questions about facial mesotherapy" in texts(replies)
    assert profile().phone in texts(replies)


def test_unclear_message_gets_did_you_mean_then_an_honest_cannot_answer(servers):
    patient = new_patient()
    servers.send(patient, "hi")
    unclear = servers.send(patient, "the thing")
    assert "Did you mean" in texts(unclear) or "not sure I understood" in texts(unclear)
    buttons = [b for r in unclear for b in r.get("buttons", [])]
    assert 2 <= len(buttons) <= 4 and buttons[-1]["payload"] == "/out_of_scope"
    again = servers.send(patient, "hmm that other one")
    assert "I can't answer that one" in texts(again)
    assert profile().phone in texts(again)


def test_a_stray_statement_outside_a_form_gets_suggestions(servers):
    unclear = servers.send(new_patient(), "and the thing with my friend")
    assert "not sure I understood" in texts(unclear)
    assert [b for r in unclear for b in r.get("buttons", [])][-1]["payload"] == "/out_of_scope"


def test_clicking_a_suggested_topic_answers_it(servers):
    patient = new_patient()
    unclear = servers.send(patient, "and the thing with my friend")
    buttons = [b for r in unclear for b in r.get("buttons", []) if b["payload"] != "/out_of_scope"]
    assert buttons
    answer = servers.send(patient, buttons[0]["payload"])
    assert answer and "Did you mean" not in texts(answer)


def test_bot_challenge_thanks_and_goodbye(servers):
    patient = new_patient()
    assert "automated assistant, not a person" in texts(servers.send(patient, "am I talking to a bot?"))
    assert "You're welcome" in texts(servers.send(patient, "thanks a lot"))
    assert "Goodbye" in texts(servers.send(patient, "bye"))


def test_after_hours_a_person_becomes_a_call_back_request(servers):
    patient = new_patient()
    reply = texts(servers.send(patient, "can I speak to someone from the clinic?"))
    assert "away right now" in reply and "tomorrow at 09:00" in reply
    assert "phone you back" in reply and "Is that OK?" in reply
    texts(servers.send(patient, "yes"))
    assert "Which phone number" in texts(servers.send(patient, "Sam Taylor"))
    assert "Shall I send it?" in texts(servers.send(patient, "020 7946 0123"))
    done = texts(servers.send(patient, "/affirm"))
    assert "BR-" in done and "when they open tomorrow at 09:00" in done


def test_clinic_info_when_closed_says_when_it_opens(servers):
    reply = texts(servers.send(new_patient(), "are you open now?"))
    assert "We're closed right now and open again tomorrow at 09:00" in reply


def test_the_http_api_is_off_by_default(servers):
    """Without a configured secret nobody can read or rewrite conversations over Rasa's HTTP API."""
    import requests

    assert requests.get(f"{servers.rasa_url}/status", timeout=10).status_code == 404
    tracker = requests.get(f"{servers.rasa_url}/conversations/{new_patient()}/tracker", timeout=10)
    assert tracker.status_code == 404
    assert servers.send(new_patient(), "hello")  # the chat channel itself still answers


# ---- Bad input against the real servers: a 4xx or a polite reply, and the servers keep answering ----


def post_raw(servers, data, content_type="application/json"):
    import requests

    return requests.post(
        f"{servers.rasa_url}/webhooks/rest/webhook", data=data, headers={"Content-Type": content_type}, timeout=60
    )


@pytest.mark.parametrize(
    "data,content_type,status",
    [
        ('{"sender": "a", "message": ', "application/json", 400),
        ("sender=a&message=hi", "application/x-www-form-urlencoded", 415),
        ('{"message": "hi"}', "application/json", 400),
        ('{"sender": "' + "s" * 5000 + '", "message": "hi"}', "application/json", 400),
        ('{"sender": "a", "message": 12}', "application/json", 400),
    ],
    ids=["broken JSON", "wrong content type", "no sender", "5000-char sender", "message not text"],
)
def test_malformed_requests_get_a_4xx(servers, data, content_type, status):
    reply = post_raw(servers, data, content_type)
    assert reply.status_code == status and reply.json()["error"]
    assert servers.send(new_patient(), "does it hurt")  # and the server still answers others


@pytest.mark.parametrize(
    "message",
    [
        "",
        "    ",
        "\U0001f600\U0001f44d\U0001f489",
        "x" * 10_000,
        "مرحبا، هل يؤلم العلاج؟",
        "注射疼吗？",
        "<script>alert('x')</script> does it hurt?",
        "'; DROP TABLE booking_requests; --",
        "hello\x00\x07\x1b[31m",
    ],
    ids=[
        "empty",
        "blank",
        "emoji only",
        "10,000 characters",
        "Arabic (RTL)",
        "Chinese",
        "script tag",
        "SQL injection",
        "control characters",
    ],
)
def test_odd_messages_get_a_polite_reply(servers, message):
    replies = servers.send(new_patient(), message)
    said = texts(replies)
    assert said.strip(), "every message gets an answer"
    assert "<script>" not in said and "Traceback" not in said and "Error" not in said


def test_sql_injection_in_booking_fields_is_refused_or_stored_as_plain_text(servers, db_url):
    """Each field gets an injection string. Fields with rules (name, contact, day) refuse it (or the
    patient's "stop"-like message ends the form, keeping nothing); free text (the visit's purpose)
    keeps it as data. The tables survive and a real booking still lands."""
    import sqlalchemy as sa

    patient = new_patient()
    injection = "Robert'); DROP TABLE booking_requests;--"
    concern = "fine lines' OR '1'='1"  # free text: kept as typed, as data
    steps = [
        ("I'd like to book an appointment", "Is that OK?"),
        ("yes", "What name"),
        ("Sam Taylor", "phone number or e-mail"),
        ("020 7946 0123", "Which day and time"),
        ("friday at 10am", "What would you like the visit to be for"),
        (concern, "first visit"),
        ("first visit", "Name: Sam Taylor"),
    ]
    probes = {2: injection, 3: "1' OR '1'='1", 4: "1 OR 1=1; --"}  # at the name, contact and day questions
    for i, (answer, expected) in enumerate(steps):
        if i in probes:
            reply = texts(servers.send(patient, probes[i])).lower()
            if "haven't kept any of the details" in reply:  # read as "stop": nothing kept, start again
                for earlier, _ in steps[:i]:
                    texts(servers.send(patient, earlier))
            else:
                assert "?" in reply  # refused and asked again
        assert expected in texts(servers.send(patient, answer))
    reference = re.search(r"BR-[A-Z0-9]{6}", texts(servers.send(patient, "/affirm"))).group(0)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("select name, contact, concern from booking_requests where reference = :r"), {"r": reference}
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [("Sam Taylor", "+442079460123", concern)]
