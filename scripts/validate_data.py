"""`rasa data validate --fail-on-warnings`, except that external-event intents, and the intent the
other-language check sets, need no examples.

Rasa's documented pattern for events sent by a program (`POST /conversations/<id>/trigger_intent`)
is an intent named `EXTERNAL_...`; such an intent must have no training examples, or a patient could
type their way into it. Rasa's validator still warns that it has none, which --fail-on-warnings
turns into a failure. The same holds for `other_language`, which components/other_languages.py sets
after detecting the language: English training phrasings for it would only teach the classifier to
send English messages there. This runs Rasa's own command with that one check narrowed to the other
intents; every other check and warning is Rasa's, unchanged.
"""
from __future__ import annotations

import sys
from typing import List

from rasa.validator import Validator

EXTERNAL_PREFIX = "EXTERNAL_"
SET_BY_A_COMPONENT = {"other_language", "several_questions"}  # components/other_languages.py, message_parts.py
_all_intents = Validator._non_default_intents


def _intents_that_need_examples(self: Validator) -> List[str]:
    return [intent for intent in _all_intents(self)
            if not intent.startswith(EXTERNAL_PREFIX) and intent not in SET_BY_A_COMPONENT]


def main() -> None:
    Validator._non_default_intents = _intents_that_need_examples
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "data", "validate", "--fail-on-warnings", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
