"""Care instructions by timing, clinic info (open now / next opening), urgent guidance, handoff."""

from __future__ import annotations

import pytest

from actions.care import ActionPostTreatmentCare, ActionPreTreatmentCare
from actions.clinic_info import ActionClinicInfo
from actions.handoff import ActionHandoff, ActionResumeBot
from actions.safety import ActionUrgentCare
from clinic.profile import profile
from tests.harness.conversations import AIRWAY_SIGNS
from tests.harness.trackers import make_tracker, run_action, slot_values, texts


def when(value: str):
    return [{"entity": "treatment_time", "value": value, "start": 0, "end": len(value)}]


def care_reply(action, message: str, intent: str, said: str) -> str:
    """What a care action tells a patient whose message gives the treatment's or appointment's time as `said`."""
    return texts(run_action(action, make_tracker(message, intent, entities=when(said)))[0])


# ---- care ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said, expected",
    [
        ("today", "Your treatment was today"),
        ("yesterday", "Monday 23 November, yesterday"),
        ("last night", "Monday 23 November, yesterday"),
        ("4 days ago", "4 days ago. My source gives no set day"),
        ("3 weeks ago", "21 days ago, so the precautions"),
    ],
)
def test_aftercare_speaks_to_how_long_ago(clock_at, said, expected):
    clock_at(2026, 11, 24, 19, 0)
    messages, events = run_action(
        ActionPostTreatmentCare(),
        make_tracker(f"had meso {said} can i go to the gym", "ask_post_treatment_care", entities=when(said)),
    )
    text = texts(messages)
    assert expected in text
    assert "Keep the treated skin out of the sun" in text
    assert profile().urgent_phone in text and f"call {profile().emergency_number} now" in text
    assert [b["title"] for b in messages[0]["buttons"]][:2] == ["Is there any downtime?", "What are the side effects?"]
    assert slot_values(events) == {"treatment_time": None}


def test_aftercare_without_a_time_is_the_general_checklist(clock_at):
    clock_at(2026, 11, 24, 19, 0)
    text = texts(run_action(ActionPostTreatmentCare(), make_tracker("aftercare?", "ask_post_treatment_care"))[0])
    assert "ask your practitioner how long" in text and "ago" not in text


@pytest.mark.parametrize(
    "said, expected",
    [
        ("tomorrow", "Your appointment is tomorrow (Wednesday 25 November)"),
        ("friday", "Friday 27 November, in 3 days"),
        ("the 20th", "Sunday 20 December, in 26 days. My source gives no exact number of days"),
    ],
)
def test_preparation_speaks_to_how_soon(clock_at, said, expected):
    clock_at(2026, 11, 24, 19, 0)
    text = care_reply(ActionPreTreatmentCare(), f"my appointment is {said}", "ask_pre_treatment_care", said)
    assert expected in text and "Leave out alcohol" in text
    assert "Never stop a prescribed medicine on your own" in text


def test_a_past_appointment_gets_aftercare_instead(clock_at):
    clock_at(2026, 11, 24, 19, 0)
    text = care_reply(ActionPreTreatmentCare(), "my appointment was yesterday", "ask_pre_treatment_care", "yesterday")
    assert "already happened" in text and "Aftercare for mesotherapy" in text


def test_care_uses_the_clinic_day_not_the_servers(clock_at):
    # 00:30 in London on a summer Wednesday is still Tuesday 23:30 UTC.
    clock_at(2026, 7, 1, 0, 30)
    text = care_reply(ActionPostTreatmentCare(), "had it yesterday", "ask_post_treatment_care", "yesterday")
    assert "Tuesday 30 June, yesterday" in text


# ---- clinic info -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, status",
    [
        ((2026, 11, 24, 10, 0), "We're open now, until 18:00"),
        ((2026, 11, 24, 17, 59), "We're open now, until 18:00"),  # just before closing
        ((2026, 11, 24, 18, 0), "closed right now and open again tomorrow at 09:00"),  # closing minute
        ((2026, 11, 28, 15, 0), "open again on Monday 30 November at 09:00"),  # Saturday after 14:00
        ((2026, 12, 24, 19, 0), "open again on Monday 28 December at 09:00"),  # over the closures
        ((2026, 3, 29, 9, 30), "closed right now and open again tomorrow at 09:00"),  # Sunday, clocks change
    ],
)
def test_clinic_info_says_open_now_or_when_it_opens(clock_at, now, status):
    clock_at(*now)
    text = texts(run_action(ActionClinicInfo(), make_tracker("are you open", "ask_clinic_info"))[0])
    assert status in text
    assert profile().address in text and profile().phone in text and profile().email in text
    assert "Wednesday: 09:00-20:00" in text and "Sunday: closed" in text


# ---- urgent safety ------------------------------------------------------------------------------


@pytest.mark.parametrize("message", AIRWAY_SIGNS)
def test_airway_signs_mean_call_emergency_services_now(message):
    # The level comes from the Rasa server's warning-sign check (tests/test_warning_signs.py checks it there).
    tracker = make_tracker(message, "report_adverse_reaction", warning_level="emergency")
    text = texts(run_action(ActionUrgentCare(), tracker)[0])
    assert text.startswith("This needs help straight away") and f"call {profile().emergency_number} now" in text


@pytest.mark.parametrize(
    "message",
    [
        "my cheek is hot red and the redness is spreading",
        "there's pus coming out of one injection point",
        "I've had a fever since yesterday's treatment",
        "hard lumps under the skin",
        "the skin on my chin is turning dark",
    ],
)
def test_other_warning_signs_mean_the_urgent_line_now(message):
    text = texts(
        run_action(ActionUrgentCare(), make_tracker(message, "report_adverse_reaction", warning_level="urgent"))[0]
    )
    assert f"urgent line on {profile().urgent_phone} now" in text and "mesotherapy" in text
    assert "normal" not in text.lower() and "probably" not in text.lower()


def test_a_report_without_a_level_gets_the_urgent_line_now():
    """The check-in's "Something worries me" button carries no text to judge: urgent, never less."""
    messages, _ = run_action(ActionUrgentCare(), make_tracker("/report_adverse_reaction", "report_adverse_reaction"))
    assert f"urgent line on {profile().urgent_phone} now" in texts(messages)


@pytest.mark.parametrize("hour, expected", [(11, "the team is in now"), (22, "when it opens tomorrow at")])
def test_effects_lasting_days_mean_a_call_to_the_clinic_in_opening_hours_with_the_signs_to_watch(
    clock_at, hour, expected
):
    clock_at(2026, 11, 24, hour, 0)
    messages, _ = run_action(
        ActionUrgentCare(),
        make_tracker("it's been 2 days and it's still a bit red", "report_adverse_reaction", warning_level="clinic"),
    )
    assert profile().phone in messages[0]["text"] and expected in messages[0]["text"]
    assert "urgent line" not in messages[0]["text"] and "normal" not in messages[0]["text"].lower()
    assert f"call {profile().emergency_number} now" in messages[1]["text"]
    assert profile().urgent_phone in messages[1]["text"] and "pus" in messages[1]["text"]


def test_what_to_watch_for_lists_every_kind_of_warning_sign_by_whom_to_call():
    from actions.safety import ActionWarningSigns
    from clinic.warning_signs import catalogue

    text = texts(
        run_action(ActionWarningSigns(), make_tracker("what should I watch out for after?", "ask_warning_signs"))[0]
    )
    for kind in catalogue()["kinds"].values():
        assert kind["signs"] in text
    assert text.index(f"call {profile().emergency_number} now") < text.index(profile().urgent_phone)


def test_a_reaction_mid_booking_stops_the_form_and_forgets_the_details():
    tracker = make_tracker(
        "my lips are swelling up",
        "report_adverse_reaction",
        active_loop="booking_form",
        slots={"patient_name": "Sam Taylor", "booking_consent": True},
        warning_level="emergency",
    )
    messages, events = run_action(ActionUrgentCare(), tracker)
    assert f"call {profile().emergency_number} now" in texts(messages)
    assert "nothing from it was saved" in texts(messages)
    assert slot_values(events)["patient_name"] is None


# ---- handoff ------------------------------------------------------------------------------------


def test_handoff_in_opening_hours_hands_over_and_goes_quiet(clock_at, bookings_db):
    from clinic import live_chats

    clock_at(2026, 11, 24, 11, 0)
    tracker = make_tracker("can i talk to a person", "request_human")
    messages, events = run_action(ActionHandoff(), tracker)
    assert profile().phone in texts(messages) and "back to the bot" in texts(messages)
    assert "join this chat" in texts(messages)
    assert slot_values(events) == {"handoff_active": True, "request_kind": None}
    # the chat waits in the staff app's live chats until someone takes it
    [chat] = live_chats.listing()
    assert chat.status == "waiting" and chat.sender_id == tracker.sender_id


def test_handoff_after_hours_offers_a_call_back(clock_at):
    clock_at(2026, 11, 24, 23, 0)
    messages, events = run_action(ActionHandoff(), make_tracker("can i talk to a person", "request_human"))
    assert "away right now" in texts(messages) and "tomorrow at 09:00" in texts(messages)
    assert slot_values(events) == {"handoff_active": False, "request_kind": "callback"}


def test_patient_can_have_the_bot_back(bookings_db):
    from clinic import live_chats

    tracker = make_tracker("back to the bot", "resume_bot")
    live_chats.open_chat(tracker.sender_id, "socketio")
    messages, events = run_action(ActionResumeBot(), tracker)
    assert messages[0]["response"] == "utter_bot_back" and slot_values(events) == {"handoff_active": False}
    [chat] = live_chats.listing()
    assert chat.status == "closed" and chat.closed_how == "patient_asked_bot" and chat.sender_id is None


def test_a_warning_sign_during_a_live_chat_gets_the_urgent_reply_and_is_flagged_to_the_staff(bookings_db):
    from clinic import live_chats

    tracker = make_tracker(
        "my lips are swelling and I can't breathe",
        "report_adverse_reaction",
        warning_level="emergency",
        slots={"handoff_active": True},
    )
    live_chats.open_chat(tracker.sender_id, "socketio")
    messages, _ = run_action(ActionUrgentCare(), tracker)
    assert f"call {profile().emergency_number} now" in texts(messages)
    [chat] = live_chats.listing()
    assert chat.warning_at is not None and chat.warning_level == "emergency"
