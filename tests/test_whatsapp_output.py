"""What a WhatsApp patient reads when a reply has buttons (channels/twilio.py), without a server."""

from __future__ import annotations

import asyncio

from channels.twilio import ClinicTwilioOutput


class Recorded(ClinicTwilioOutput):
    def __init__(self) -> None:
        super().__init__("AC" + "0" * 32, "token", "whatsapp:+442079460321", "http://127.0.0.1:9")
        self.sent = []

    async def send_text_message(self, recipient_id, text, **kwargs) -> None:
        self.sent.append((recipient_id, text))


def test_buttons_become_one_message_with_the_titles_to_type_back_and_no_payloads():
    output = Recorded()
    asyncio.run(
        output.send_text_with_buttons(
            "whatsapp:+447700900555",
            "How is your skin doing?",
            [
                {"title": "All fine", "payload": "/checkin_fine"},
                {"title": "Some redness", "payload": "/checkin_redness"},
            ],
        )
    )
    assert output.sent == [
        ("whatsapp:+447700900555", "How is your skin doing?\nYou can reply:\n• All fine\n• Some redness")
    ]


def test_a_reply_without_buttons_is_just_its_text():
    output = Recorded()
    asyncio.run(output.send_text_with_buttons("whatsapp:+447700900555", "Hello", []))
    assert output.sent == [("whatsapp:+447700900555", "Hello")]


# ---- a choice typed back is the button it names (channels/typed_choices.py) ----------------------

CHECK_IN = [
    {"title": "All fine", "payload": "/checkin_fine"},
    {"title": "Some redness", "payload": "/checkin_redness"},
    {"title": "Something worries me", "payload": "/report_adverse_reaction"},
]


def typed_after(events, text: str) -> str:
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from channels.typed_choices import as_typed_choice

    class Agent:
        tracker_store = InMemoryTrackerStore(Domain.empty())

    asyncio.run(Agent.tracker_store.save(DialogueStateTracker.from_events("whatsapp:+447700900555", events)))
    return asyncio.run(as_typed_choice(Agent(), "whatsapp:+447700900555", text))


def check_in_asked():
    from rasa.shared.core.events import BotUttered, UserUttered

    return [
        UserUttered("hi"),
        BotUttered("Hello", data={}),
        BotUttered("How is your skin doing?", data={"buttons": CHECK_IN}),
    ]


def test_typed_titles_of_the_offered_buttons_are_their_choices_whatever_the_case_or_punctuation():
    assert typed_after(check_in_asked(), "All fine") == "/checkin_fine"
    assert typed_after(check_in_asked(), "• all fine!") == "/checkin_fine"
    assert typed_after(check_in_asked(), "SOMETHING WORRIES ME") == "/report_adverse_reaction"


def test_other_words_and_titles_nobody_offered_go_to_the_model_untouched():
    from rasa.shared.core.events import UserUttered

    assert typed_after(check_in_asked(), "all fine but my lip is swelling") == "all fine but my lip is swelling"
    assert typed_after(check_in_asked() + [UserUttered("thanks")], "All fine") == "All fine"
    assert typed_after([], "All fine") == "All fine"
