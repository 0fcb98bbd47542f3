""" "Did you mean ...?" when the model is unsure (first stage of Rasa's two-stage fallback).

Overrides action_default_ask_affirmation: instead of one yes/no question it offers the two or three
most likely topics as buttons, taken from the intent ranking and, for FAQ questions, from the
FAQ topic ranking (response_selector), plus "Something else", which sends Rasa's deny signal (/out_of_scope) so the
built-in fallback asks the patient to rephrase and gives up honestly on a second miss.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic import content, topics

MAX_SUGGESTIONS = 3
MIN_SCORE = 0.05  # suggestions scoring below this are noise, not "maybe"
NOT_SUGGESTED = {"nlu_fallback", "out_of_scope", "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge"}


def likely_topics(parse_data: dict[str, Any], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Most likely labels for an unclear message, best first: 'faq/<topic>' or a plain intent."""
    scored: list[tuple[float, str]] = []
    faq_ranking = parse_data.get("response_selector", {}).get("faq", {}).get("ranking") or []
    for intent in parse_data.get("intent_ranking") or []:
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        if not name or name in NOT_SUGGESTED:
            continue
        if name == "faq":
            # Spread the FAQ intent's confidence over the FAQ topics.
            scored.extend(
                (confidence * float(r.get("confidence") or 0.0), r.get("intent_response_key"))
                for r in faq_ranking
                if r.get("intent_response_key")
            )
        else:
            scored.append((confidence, name))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    known = topics.titles()
    picked = [label for score, label in scored if label in known and score >= MIN_SCORE]
    return picked[:limit]


class ActionAskWhichTopic(ClinicAction):
    action_name = "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        labels = likely_topics(tracker.latest_message or {})
        buttons = topics.buttons(labels)
        buttons.append(content.entry("replies", "did_you_mean.something_else"))
        if labels:
            text = content.text("replies", "did_you_mean.likely")
        else:
            text = content.text("replies", "did_you_mean.unsure")
            buttons = topics.buttons(content.entry("replies", "did_you_mean.default_topics")) + buttons
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
