"""Details given before the form asks (issue 18, item 3): each slot filled early, and asked when not given.

Every slot is tested both ways: a patient who wrote it earlier is not asked again (the form is told the
value and the patient is told what was noted), and one who did not, or wrote it malformed, is asked.
"""

from __future__ import annotations

import asyncio

import pytest

from actions import booking, lookup
from clinic import early_details
from clinic.profile import profile
from tests.harness.trackers import DOMAIN, make_tracker, texts

BOOKING = booking.ValidateBookingForm()
LOOKUP = lookup.ValidateLookupForm()


@pytest.fixture
def tuesday_ten(clock_at):
    """Tuesday 24 November 2026, 10:00: the clinic is open and the days the patients name are ahead."""
    return clock_at(2026, 11, 24, 10, 0)


def consent_given(earlier, slots=None):
    """The patient says "yes" to the consent question after `earlier` messages: slots set, and what was said."""
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "yes", "affirm", active_loop="booking_form", requested_slot="booking_consent", earlier=earlier, slots=slots
    )
    result = asyncio.run(BOOKING.validate_booking_consent("yes", dispatcher, tracker, DOMAIN))
    return result, texts(dispatcher.messages)


@pytest.mark.parametrize(
    "message, name",
    [
        ("hi i'm Priya Shah, i want to book mesotherapy", "Priya Shah"),
        ("Hi, Daniel Okafor here, id like to book", "Daniel Okafor"),
        ("hey its Hannah Clarke, how much does it cost?", "Hannah Clarke"),
        ("can i come saturday morning? name's Chloe Martin", "Chloe Martin"),
        ("my name is sam taylor and i'd like an appointment", "Sam Taylor"),
    ],
)
def test_a_name_given_early_is_kept_and_confirmed(tuesday_ten, message, name):
    result, said = consent_given([(message, "book_appointment")])
    assert result["booking_consent"] is True and result["patient_name"] == name
    assert name in said


@pytest.mark.parametrize(
    "message, contact",
    [
        ("want to book, my email is tom.becker@example.com", "tom.becker@example.com"),
        ("can i book tues 10am? my number is +44 7700 900587", "+447700900587"),
        ("does it hurt? btw you can text me on 07700 900644", "+447700900644"),
    ],
)
def test_a_contact_given_early_is_kept(tuesday_ten, message, contact):
    result, said = consent_given([(message, "faq")])
    assert result["patient_contact"] == contact and contact in said


def test_a_call_back_takes_a_phone_number_only(tuesday_ten):
    result, _ = consent_given(
        [("can someone call me, sam@example.com", "request_human")], slots={"request_kind": "callback"}
    )
    assert "patient_contact" not in result
    result, _ = consent_given(
        [("can someone call me on 020 7946 0123", "request_human")], slots={"request_kind": "callback"}
    )
    assert result["patient_contact"] == "+442079460123"


@pytest.mark.parametrize(
    "message, described",
    [
        ("can i book thursday at 5pm", "Thursday 26 November at 5pm"),
        ("can i come saturday morning?", "Saturday 28 November at 10am"),  # as for a typed answer: opening time
        ("I'd like to book for the 1st of December at 11am", "Tuesday 1 December at 11am"),
    ],
)
def test_a_day_asked_for_when_booking_is_kept(tuesday_ten, message, described):
    result, said = consent_given([(message, "book_appointment")])
    assert result["preferred_time"] == described and described in said
    assert result["preferred_start"].startswith("2026-")


# The detail the form still asks for -> opening messages (asking to book) that do not give it usably.
NOT_GIVEN = {
    "patient_name": [  # no name is made up
        "i want to book please",
        "I'm looking to book something",
        "im worried it will hurt, can i book",
        "can i come here on Friday",
        "This Is Great can I book",
    ],
    "patient_contact": [  # malformed or missing
        "book me in pls, email sophie.w@examplecom",
        "i want an appointment, call me on 0770",
        "my email is j.doe@@example.com",
        "i want to book",
    ],
}


@pytest.mark.parametrize("asked, message", [(slot, text) for slot, messages in NOT_GIVEN.items() for text in messages])
def test_a_name_or_contact_not_given_usably_is_asked(tuesday_ten, asked, message):
    result, _ = consent_given([(message, "book_appointment")])
    assert asked not in result


@pytest.mark.parametrize(
    "message, intent",
    [
        ("can i book for sunday", "book_appointment"),  # closed on Sundays: the form asks and says so then
        ("I had it last thursday, can i book again", "book_appointment"),  # a past treatment, not a wish
        ("is it ok to have it on friday before a party?", "faq"),  # not a booking message
        ("can i book please", "book_appointment"),
    ],
)
def test_a_day_not_wished_for_or_not_bookable_is_asked(tuesday_ten, message, intent):
    result, _ = consent_given([(message, intent)])
    assert "preferred_time" not in result


def test_a_day_that_cant_be_booked_is_explained_before_the_form_asks(tuesday_ten):
    result, said = consent_given([("I'm Sam Taylor, can i book for sunday?", "book_appointment")])
    assert "preferred_time" not in result and "closed on Sundays" in said and "Sam Taylor" in said


def test_no_consent_takes_nothing(tuesday_ten):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "no thanks",
        "deny",
        active_loop="booking_form",
        requested_slot="booking_consent",
        earlier=[("I'm Priya Shah, sam@example.com, can i book", "book_appointment")],
    )
    assert asyncio.run(BOOKING.validate_booking_consent("no thanks", dispatcher, tracker, DOMAIN)) == {
        "booking_consent": False
    }


def test_a_detail_already_answered_is_not_overwritten(tuesday_ten):
    result, _ = consent_given(
        [("I'm Priya Shah, can i book", "book_appointment")], slots={"patient_name": "Priya Shah-Jones"}
    )
    assert "patient_name" not in result


def test_only_this_sessions_messages_count(tuesday_ten):
    tracker = make_tracker("yes", "affirm", earlier=[("my name is Sam Taylor", "inform")])
    tracker.events.insert(1, {"event": "session_started"})
    assert (
        early_details.booking_details(
            tracker, profile(), __import__("clinic").clock.now(), False, booking.BOOKING_INTENTS
        )
        == {}
    )


# ---- look-up: reference and contact -------------------------------------------------------------


def lookup_reference(text, earlier, slots=None):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "check_booking_status", active_loop="lookup_form", earlier=earlier, slots=slots)
    return asyncio.run(LOOKUP.validate_booking_reference(text, dispatcher, tracker, DOMAIN))


def test_a_contact_in_the_lookup_message_is_kept():
    result = lookup_reference("whats the status of BR-7KQ4XP? i booked with k.ivanova@example.com", [])
    assert result == {"booking_reference": "BR-7KQ4XP", "lookup_contact": "k.ivanova@example.com"}


def test_a_contact_from_an_earlier_message_is_kept():
    result = lookup_reference(
        "its BR-7KQ4XP", [("i booked last week with anna.k@example.com, any update?", "check_booking_status")]
    )
    assert result["lookup_contact"] == "anna.k@example.com"


@pytest.mark.parametrize("text", ["check BR-7KQ4XP please", "check BR-7KQ4XP, email is j.doe@@example.com"])
def test_without_a_valid_contact_it_is_asked(text):
    assert lookup_reference(text, []) == {"booking_reference": "BR-7KQ4XP"}


def test_a_malformed_reference_is_asked_again():
    result = lookup_reference("check booking BR-7K2 please", [])
    assert result["booking_reference"] is None
