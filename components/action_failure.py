"""When the action server cannot be reached, the patient is told so, with the clinic's phone number.

Rasa 3.6 logs a failed custom action and carries on without its events, so the patient gets silence.
This wraps RemoteAction.run (the one place every custom action call goes through) so that instead:
  - action_session_start falls back to Rasa's default session start (the domain's contact slots
    keep their real values from clinic.yml, a test keeps them equal);
  - action_urgent_care, the safety answer, falls back to the warning-sign catalogue's urgent reply
    (data/content/warning_signs.yml, filled from the contact slots), which gives the urgent line and
    the emergency number: safety advice never depends on the action server;
  - any other action (booking form checks included) answers with `utter_technical_problem`: sorry,
    try again shortly, or phone. A form check that fails accepts nothing, so the form asks again.
ActionExecutionRejection (a form rejecting input) is Rasa's normal flow and is left alone. The Rasa
server itself keeps running and uses the action server again as soon as it answers.
Written for Rasa 3.6.21. Importing this changes nothing; install() is called by components/patches.py.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction, create_bot_utterance
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

DEFAULT_RESPONSE = "utter_technical_problem"
CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "content" / "warning_signs.yml"
SAFETY_ACTION = "action_urgent_care"
LAST_RESORT = "Sorry, I've hit a technical problem. Please call {phone}. If a reaction to a treatment worries you: "

_original_run = RemoteAction.run


def urgent_reply(tracker: Any) -> str:
    """The catalogue's urgent reply with the clinic's numbers from the conversation's contact slots."""
    text = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["warning_signs"]["levels"]["urgent"]["reply"]
    return text.format(
        urgent_phone=tracker.get_slot("clinic_urgent_phone") or "the clinic",
        emergency_number=tracker.get_slot("emergency_number") or "999",
        clinic_name=tracker.get_slot("clinic_name") or "the clinic",
        phone=tracker.get_slot("clinic_phone") or "the clinic",
    )


async def run_or_explain(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Any]:
    if output_channel is None:
        # Rasa's trigger_intent (a check-in, days after the last message) starts the new session
        # without an output channel, and the session start's messages would crash on it, losing its
        # events. Run it with nowhere to send: the events stay, nothing is claimed as said.
        events = await run_or_explain(self, CollectingOutputChannel(), nlg, tracker, domain)
        return [event for event in events if not isinstance(event, BotUttered)]
    try:
        return await _original_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except RasaException as error:
        logger.error("custom action %s failed, the patient was told: %s", self.name(), error)
        if self.name() == "action_session_start":
            return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
        if self.name() == SAFETY_ACTION:
            return [create_bot_utterance({"text": urgent_reply(tracker)})]
        message = await nlg.generate(DEFAULT_RESPONSE, tracker, output_channel.name())
        if not message:  # a model trained before these responses existed: say it plainly anyway
            message = {
                "text": LAST_RESORT.format(phone=tracker.get_slot("clinic_phone") or "the clinic")
                + urgent_reply(tracker)
            }
        return [create_bot_utterance(message)]


def install() -> None:
    """Route every custom action call through run_or_explain; a second call changes nothing."""
    if getattr(RemoteAction.run, "__name__", "") != "run_or_explain":
        RemoteAction.run = run_or_explain
