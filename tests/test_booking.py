"""The booking form, step by step: what the patient is told, and the request row that lands.

Validators and actions are called directly with a pinned clock and a fresh SQLite database.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import select

from actions import booking, lookup
from clinic import booking_requests, store
from clinic.profile import profile
from clinic.when import When
from tests.harness.trackers import DOMAIN, make_tracker, run_action, slot_values, texts

FORM = booking.ValidateBookingForm()


def validate(slot: str, text: str, intent: str = "inform", **kwargs):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent, active_loop="booking_form", requested_slot=slot, **kwargs)
    result = asyncio.run(getattr(FORM, f"validate_{slot}")(text, dispatcher, tracker, DOMAIN))
    return result, texts(dispatcher.messages)


# ---- consent ---------------------------------------------------------------------------------


def test_consent_yes_and_no_are_understood(clock_at):
    clock_at(2026, 11, 24, 10, 0)
    assert validate("booking_consent", "/affirm", "affirm")[0] == {"booking_consent": True}
    assert validate("booking_consent", "no thanks", "deny")[0] == {"booking_consent": False}


def test_consent_other_answer_is_asked_again(clock_at):
    result, said = validate("booking_consent", "maybe later who knows", "out_of_scope")
    assert result["booking_consent"] is None and "yes or no" in said


def test_no_consent_keeps_nothing_and_gives_the_phone(bookings_db, clock_at):
    clock_at(2026, 11, 24, 10, 0)
    tracker = make_tracker("no", "deny", slots={"booking_consent": False})
    assert asyncio.run(FORM.required_slots([], None, tracker, DOMAIN)) == []
    messages, events = run_action(booking.ActionSubmitBooking(), tracker)
    assert profile().phone in texts(messages) and "haven't kept anything" in texts(messages)
    assert slot_values(events)["booking_consent"] is None
    with store.session(bookings_db) as db:
        assert db.execute(select(store.BookingRequest)).first() is None


# ---- each answer, and its specific re-prompt -----------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sam Taylor", "Sam Taylor"),
        ("my name is priya patel", "Priya Patel"),
        ("it's Siobhán O'Neill", "Siobhán O'Neill"),
    ],
)
def test_names_are_accepted(text, expected):
    assert validate("patient_name", text)[0] == {"patient_name": expected}


@pytest.mark.parametrize("text", ["020 7946 0123", "<script>alert(1)</script>", "🙂🙂", ""])
def test_not_a_name_is_asked_again_with_an_example(text):
    result, said = validate("patient_name", text)
    assert result["patient_name"] is None and "Sam Taylor" in said


@pytest.mark.parametrize(
    "text, expected",
    [
        ("020 7946 0123", "+442079460123"),
        ("call me on +44 20 7946 0456", "+442079460456"),
        ("Sam.Taylor@Example.com", "Sam.Taylor@example.com"),
    ],
)
def test_phone_or_email_is_validated_and_normalised(text, expected):
    assert validate("patient_contact", text)[0]["patient_contact"] == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("12345", "phone number doesn't look complete"),
        ("sam@", "e-mail address doesn't look complete"),
        ("whenever", "phone number or an e-mail"),
    ],
)
def test_bad_contact_gets_a_specific_reprompt(text, reason):
    result, said = validate("patient_contact", text)
    assert result["patient_contact"] is None and reason in said and "020 7946 0123" in said


def test_call_back_needs_a_phone_not_an_email():
    result, said = validate("patient_contact", "sam@example.com", slots={"request_kind": "callback"})
    assert result["patient_contact"] is None and "phone number" in said


def test_second_miss_offers_the_clinic_phone():
    result, said = validate("patient_contact", "whenever", slots={"form_misses": {"patient_contact": 1}})
    assert profile().phone in said and "cancel" in said


# The clinic (clinic.yml): Mon-Thu 09-18 (Wed to 20), Fri 09-17, Sat 10-14, Sun closed, 24 h notice,
# closed 25-26 Dec and 1 Jan. 2026-11-24 is a Tuesday.
@pytest.mark.parametrize(
    "now, text, problem",
    [
        ((2026, 11, 24, 10, 0), "sunday at 11am", "closed on Sundays"),
        ((2026, 12, 20, 10, 0), "25 december at 10am", "closed that day"),
        ((2026, 11, 24, 10, 0), "thursday at 7pm", "outside our hours"),
        ((2026, 11, 24, 10, 0), "tomorrow at 9am", "24 hours' notice"),
        ((2026, 11, 24, 10, 0), "yesterday", "already passed"),
        ((2026, 11, 24, 10, 0), "sometime soon", "couldn't work out a day"),
        ((2026, 11, 24, 10, 0), "saturday evening", "not in the evening"),
        ((2026, 11, 24, 10, 0), "sundays", "not open at those times"),  # a standing wish the clinic can't meet
        ((2026, 11, 24, 10, 0), "any weekday after 9pm", "not open at those times"),
        ((2026, 11, 24, 10, 0), "I can't do mornings", "couldn't work out a day"),  # a wish against a time: not guessed
    ],
)
def test_impossible_times_are_asked_again_with_a_real_example(clock_at, now, text, problem):
    clock_at(*now)
    result, said = validate("preferred_time", text)
    assert result["preferred_time"] is None and problem in said
    assert "for example" in said and "Saturday morning" in said


@pytest.mark.parametrize(
    "now, text, start",
    [
        ((2026, 11, 24, 10, 0), "friday at 10am", "2026-11-27T10:00:00"),
        ((2026, 11, 24, 10, 0), "next tuesday afternoon", "2026-12-01T12:00:00"),
        ((2026, 11, 24, 10, 0), "wed 5:30pm", "2026-11-25T17:30:00"),  # just before the late closing
        ((2026, 11, 24, 16, 0), "tomorrow", "2026-11-25T16:00:00"),  # the part of the day after the lead time
        ((2026, 12, 23, 10, 0), "the 26th", None),  # a closure date: refused
        ((2026, 11, 24, 10, 0), "monday morning if possible", "2026-11-30T09:00:00"),  # words around the day
        ((2026, 11, 24, 10, 0), "friday would be great", "2026-11-27T09:00:00"),
        # a standing wish: the first opening that fits it (only Wednesdays are open after 6)
        ((2026, 11, 24, 10, 0), "any weekday after 6", "2026-11-25T18:00:00"),
        ((2026, 11, 24, 10, 0), "weekends", "2026-11-28T10:00:00"),
        ((2026, 11, 24, 10, 0), "tuesdays or thursdays after 3pm", "2026-11-26T15:00:00"),  # Tuesday 3pm is within 24 h
    ],
)
def test_good_times_are_stored_in_clinic_time(clock_at, now, text, start):
    clock_at(*now)
    result, said = validate("preferred_time", text)
    if start is None:
        assert result["preferred_time"] is None and "closed" in said
    else:
        assert result["preferred_start"] == start, said
        if re.search(r"\bafter\b|^weekends$", text):  # the practitioner sees the patient's own words
            assert f'"{text}"' in result["preferred_time"]


def test_first_visit_and_returning(clock_at):
    assert validate("first_visit", "first visit")[0] == {"first_visit": True}
    assert validate("first_visit", "I've been before")[0] == {"first_visit": False}
    assert validate("first_visit", "yes", "affirm")[0] == {"first_visit": True}
    result, said = validate("first_visit", "banana")
    assert result["first_visit"] is None and "been before" in said


def test_a_question_mid_form_is_answered_and_the_step_asked_again():
    result, said = validate("patient_name", "does it hurt?", "faq", faq_response="utter_faq/pain")
    assert result == {"patient_name": None}
    assert "utter_faq/pain" in said and "utter_back_to_form" in said


def test_a_statement_classified_as_faq_is_still_an_answer():
    result, _ = validate("concern", "acne scars on my cheeks", "faq", faq_response="utter_faq/acne_scars")
    assert result == {"concern": "acne scars on my cheeks"}


@pytest.mark.parametrize(
    "text, intent, choice",
    [
        ("/affirm", "affirm", "confirm"),
        ("Change something", "inform", "change"),
        ("/stop", "stop", "cancel"),
    ],
)
def test_summary_buttons(text, intent, choice):
    assert validate("booking_confirm", text, intent)[0] == {"booking_confirm": choice}


def test_change_forgets_one_answer_and_asks_it_again(clock_at):
    tracker = make_tracker("Change something", slots={"booking_confirm": "change"})
    steps = asyncio.run(FORM.required_slots([], None, tracker, DOMAIN))
    assert steps[0] == "booking_change"
    result, _ = validate("booking_change", "Day and time")
    assert result["preferred_time"] is None and result["booking_confirm"] is None


def test_call_back_asks_fewer_questions():
    tracker = make_tracker("yes", "affirm", slots={"request_kind": "callback"})
    assert asyncio.run(FORM.required_slots([], None, tracker, DOMAIN)) == booking.CALLBACK_STEPS


# ---- questions whose wording depends on the clinic -----------------------------------------------


def test_consent_question_says_what_is_kept_and_for_how_long():
    messages, _ = run_action(booking.AskBookingConsent(), make_tracker("book", "book_appointment"))
    assert f"{profile().data_retention_days} days" in texts(messages)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_time_question_gives_a_bookable_example(clock_at):
    clock_at(2026, 11, 24, 10, 0)
    messages, _ = run_action(booking.AskPreferredTime(), make_tracker("x"))
    assert "Thursday 26 November at 10am" in texts(messages) and "24 hours' notice" in texts(messages)


# ---- submit: the row, the practitioner, the e-mail, the reply ---------------------------------------

FILLED = {
    "booking_consent": True,
    "patient_name": "Sam Taylor",
    "patient_contact": "+442079460123",
    "preferred_time": "Tuesday 1 December (afternoon)",
    "preferred_start": "2026-12-01T12:00:00",
    "preferred_window": "afternoon",
    "concern": "fine lines",
    "first_visit": False,
    "booking_confirm": "confirm",
}


def test_confirmed_request_is_stored_routed_and_emailed(bookings_db, smtp_server, clock_at):
    clock_at(2026, 11, 24, 10, 0)  # Tuesday, open
    messages, events = run_action(booking.ActionSubmitBooking(), make_tracker("/affirm", "affirm", slots=FILLED))
    said = texts(messages)
    with store.session(bookings_db) as db:
        row = db.execute(select(store.BookingRequest)).scalar_one()
        assert row.reference in said and row.name == "Sam Taylor" and row.status == "pending"
        # Tuesday: the nurse practitioner works Tuesdays and does mesotherapy
        assert row.practitioner_role == "Aesthetic nurse practitioner"
        assert str(row.preferred_start) == "2026-12-01 12:00:00"  # 12:00 London in winter is 12:00 UTC
    assert "today's opening hours" in said and "not booked until they do" in said
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "nurse@riverside-skin.example" and row.reference in mail["Subject"]
    assert "fine lines" in smtp_server.bodies()[0]
    assert slot_values(events)["patient_name"] is None  # personal details leave the conversation


def test_the_same_confirmation_delivered_twice_books_once(bookings_db, smtp_server, clock_at):
    """A client retry (e.g. after a Rasa replica died mid-message) re-runs the submit action for the
    same confirming message: the patient gets the same reference and the practitioner one e-mail."""
    clock_at(2026, 11, 24, 10, 0)
    tracker = make_tracker("/affirm", "affirm", slots=FILLED)
    tracker.latest_message["message_id"] = "m-123"
    first = texts(run_action(booking.ActionSubmitBooking(), tracker)[0])
    again = texts(run_action(booking.ActionSubmitBooking(), tracker)[0])
    with store.session(bookings_db) as db:
        [row] = db.execute(select(store.BookingRequest)).scalars().all()
    assert row.reference in first and row.reference in again
    assert len(smtp_server.messages) == 1
    tracker.latest_message["message_id"] = "m-456"  # a new confirmation is a new request
    run_action(booking.ActionSubmitBooking(), tracker)
    with store.session(bookings_db) as db:
        assert len(db.execute(select(store.BookingRequest)).scalars().all()) == 2


def test_a_bookings_database_from_an_older_version_gets_the_new_column(tmp_path):
    import sqlalchemy

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = sqlalchemy.create_engine(url)
    with old.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "CREATE TABLE booking_requests (id INTEGER PRIMARY KEY, reference VARCHAR(16) NOT NULL UNIQUE, "
                "kind VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL, "
                "updated_at DATETIME NOT NULL, name VARCHAR(80) NOT NULL, contact VARCHAR(254) NOT NULL, "
                "contact_kind VARCHAR(8) NOT NULL, preferred_start DATETIME, preferred_text VARCHAR(120), "
                "concern TEXT, first_visit BOOLEAN, practitioner_role VARCHAR(80) NOT NULL, "
                "practitioner_email VARCHAR(254) NOT NULL, clinic_note TEXT, conversation_key VARCHAR(64))"
            )
        )
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO booking_requests VALUES (1, 'BR-ABCDEF', 'booking', 'pending', "
                "'2026-01-01 10:00:00', '2026-01-01 10:00:00', 'Old Patient', '+447700900123', 'phone', "
                "NULL, NULL, NULL, NULL, 'nurse', 'n@example.org', NULL, NULL)"
            )
        )
    old.dispose()
    with store.session(url) as db:
        row = db.execute(select(store.BookingRequest)).scalar_one()
        assert row.reference == "BR-ABCDEF" and row.submission_key is None


def test_a_hanging_mail_server_does_not_stall_other_patients(bookings_db, clock_at, monkeypatch):
    """SMTP that accepts the connection and then says nothing: the booking still lands, its e-mail
    waits in the outbox, and meanwhile the action server's event loop keeps serving others."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(listener.getsockname()[1]))
    monkeypatch.setenv("SMTP_TIMEOUT", "2")
    clock_at(2026, 11, 24, 10, 0)

    async def submit_while_others_chat():
        ticks = 0

        async def other_patients():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        other = asyncio.create_task(other_patients())
        from rasa_sdk.executor import CollectingDispatcher

        dispatcher = CollectingDispatcher()
        start = time.perf_counter()
        await booking.ActionSubmitBooking().run(dispatcher, make_tracker("/affirm", "affirm", slots=FILLED), DOMAIN)
        other.cancel()
        return dispatcher.messages, ticks, time.perf_counter() - start

    try:
        messages, ticks, seconds = asyncio.run(submit_while_others_chat())
    finally:
        listener.close()
    assert seconds >= 1.5  # it really waited for the silent server
    assert ticks >= 15  # the loop ran other work all along (a blocked loop gives 0-1)
    with store.session(bookings_db) as db:
        row = db.execute(select(store.BookingRequest)).scalar_one()
        email = db.execute(select(store.OutboxEmail)).scalar_one()
    assert row.reference in texts(messages)
    assert email.sent_at is None and email.attempts == 1


def test_database_down_at_confirm_says_so_keeps_the_answers_and_a_retry_books(bookings_db, clock_at, monkeypatch):
    """Nothing is silently dropped: the patient hears it failed, gets the phone number, and can confirm
    again once the database is back, without typing everything again."""
    clock_at(2026, 11, 24, 10, 0)
    good_url = bookings_db
    monkeypatch.setenv("BOOKINGS_DB_URL", "postgresql+psycopg2://clinic:x@127.0.0.1:1/clinic")  # refused
    messages, events = run_action(booking.ActionSubmitBooking(), make_tracker("/affirm", "affirm", slots=FILLED))
    assert "couldn't save your request" in texts(messages) and profile().phone in texts(messages)
    assert "BR-" not in texts(messages)
    assert slot_values(events) == {"booking_confirm": None}  # name, contact, day... are all kept
    monkeypatch.setenv("BOOKINGS_DB_URL", good_url)
    messages, _ = run_action(booking.ActionSubmitBooking(), make_tracker("/affirm", "affirm", slots=FILLED))
    with store.session(good_url) as db:
        row = db.execute(select(store.BookingRequest)).scalar_one()
    assert row.reference in texts(messages)


def test_after_hours_request_says_when_the_clinic_will_see_it(bookings_db, clock_at):
    clock_at(2026, 11, 28, 22, 0)  # Saturday night; closed Sunday
    slots = {**FILLED, "preferred_start": "2026-12-02T10:00:00", "preferred_window": None}
    messages, _ = run_action(booking.ActionSubmitBooking(), make_tracker("/affirm", "affirm", slots=slots))
    assert "closed right now" in texts(messages) and "on Monday 30 November at 09:00" in texts(messages)
    with store.session(bookings_db) as db:
        row = db.execute(select(store.BookingRequest)).scalar_one()
        assert row.practitioner_role == "Lead aesthetic practitioner"  # Wednesday
        waiting = db.execute(select(store.OutboxEmail)).scalar_one()
        assert waiting.sent_at is None  # SMTP not configured: the e-mail waits in the outbox


def _sams_booking(contact: str) -> booking_requests.RequestView:
    """Sam Taylor's first visit on Tuesday 1 December at 10:00, stored as the form would store it."""
    return booking_requests.create_request(
        profile(),
        booking_requests.NewRequest(
            kind="booking",
            name="Sam Taylor",
            contact=contact,
            when=When(__import__("datetime").date(2026, 12, 1), __import__("datetime").time(10)),
            concern="dull skin",
            first_visit=True,
        ),
    )


def test_outbox_waits_while_smtp_is_down_and_delivers_later(bookings_db, clock_at):
    import os

    from tests.harness.smtp import LoopbackSmtp

    clock_at(2026, 11, 24, 10, 0)
    server = LoopbackSmtp()  # not started yet: connection refused
    os.environ["SMTP_HOST"], os.environ["SMTP_PORT"] = "127.0.0.1", str(server.port)
    try:
        view = _sams_booking("sam@example.com")
        with store.session(bookings_db) as db:
            email = db.execute(select(store.OutboxEmail)).scalar_one()
            assert email.sent_at is None and email.attempts == 1 and "Refused" in email.last_error
        server.start()
        from clinic import notify

        assert notify.deliver_pending(profile().email) == 1
        assert view.reference in server.messages[0]["Subject"]
        assert notify.waiting_count() == 0
    finally:
        server.stop()
        del os.environ["SMTP_HOST"], os.environ["SMTP_PORT"]


def test_cancel_at_the_summary_keeps_nothing(bookings_db, clock_at):
    clock_at(2026, 11, 24, 10, 0)
    messages, _ = run_action(
        booking.ActionSubmitBooking(), make_tracker("/stop", "stop", slots={**FILLED, "booking_confirm": "cancel"})
    )
    assert "haven't kept any of the details" in DOMAIN["responses"]["utter_booking_cancelled"][0]["text"]
    assert messages[0]["response"] == "utter_booking_cancelled"
    with store.session(bookings_db) as db:
        assert db.execute(select(store.BookingRequest)).first() is None


# ---- status and cancel by reference ------------------------------------------------------------


def _stored(bookings_db) -> str:
    return _sams_booking("+442079460123").reference


def lookup_reply(reference: str, contact: str, purpose: str = "status") -> str:
    tracker = make_tracker(
        contact, slots={"booking_reference": reference, "lookup_contact": contact, "lookup_purpose": purpose}
    )
    return texts(run_action(lookup.ActionLookupRequest(), tracker)[0])


def test_status_needs_the_matching_contact(bookings_db):
    reference = _stored(bookings_db)
    assert "waiting for a practitioner" in lookup_reply(reference, "020 7946 0123")
    assert "couldn't find" in lookup_reply(reference, "020 7946 0999")
    assert "couldn't find" in lookup_reply("BR-ZZZZZZ", "020 7946 0123")


def test_practitioner_decision_is_what_the_patient_sees(bookings_db, capsys):
    from clinic import practitioner

    reference = _stored(bookings_db)
    assert practitioner.main(["list"]) == 0
    assert reference in capsys.readouterr().out
    assert practitioner.main(["confirm", reference.lower(), "--note", "Tue 1 Dec 10:00 with the nurse"]) == 0
    reply = lookup_reply(reference, "+44 20 7946 0123")
    assert "has been confirmed" in reply and "Tue 1 Dec 10:00 with the nurse" in reply
    assert practitioner.main(["decline", "BR-ZZZZZZ"]) == 1


def test_patient_can_cancel_and_the_practitioner_is_told(bookings_db):
    reference = _stored(bookings_db)
    assert "is cancelled" in lookup_reply(reference, "020 7946 0123", "cancel")
    with store.session(bookings_db) as db:
        row = store.find_request(db, reference)
        assert row.status == "cancelled"
        assert any("Cancelled by the patient" in e.subject for e in row.notifications)


def test_reference_is_found_in_what_the_patient_types():
    from rasa_sdk.executor import CollectingDispatcher

    form = lookup.ValidateLookupForm()
    tracker = make_tracker("it's br 7kq4xp", active_loop="lookup_form", requested_slot="booking_reference")
    result = asyncio.run(form.validate_booking_reference("it's br 7kq4xp", CollectingDispatcher(), tracker, DOMAIN))
    assert result == {"booking_reference": "BR-7KQ4XP"}
    dispatcher = CollectingDispatcher()
    result = asyncio.run(form.validate_booking_reference("no idea", dispatcher, make_tracker("no idea"), DOMAIN))
    assert result["booking_reference"] is None and "BR-" in texts(dispatcher.messages)


def test_old_requests_are_purged_after_the_retention_period(bookings_db):
    import datetime as dt

    _stored(bookings_db)
    with store.session(bookings_db) as db:
        assert store.purge_expired(db, 180, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=181)) == 1
        assert db.execute(select(store.OutboxEmail)).first() is None


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("yes", "deny", True),
        ("yeah go on", "out_of_scope", True),
        ("no thanks", "affirm", False),
        ("sure thing", "affirm", True),
        ("rather not", "deny", False),
        ("hmm", "affirm", True),
        ("hmm", None, None),
    ],
)
def test_plain_yes_and_no_win_over_a_misread_intent(text, intent, expected):
    from clinic.validators import yes_no

    assert yes_no(text, intent) is expected
