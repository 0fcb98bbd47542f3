"""`rasa data validate --fail-on-warnings`, except that external-event intents, and the intent the
other-language check sets, need no examples.

Rasa's documented pattern for events sent by a program (`POST /conversations/<id>/trigger_intent`)
is an intent named `EXTERNAL_...`; such an intent must have no training examples, or a patient could
type their way into it. Rasa's validator still warns that it has none, which --fail-on-warnings
turns into a failure. The same holds for `other_language`, which components/other_languages.py sets
after detecting the language: English training phrasings for it would only teach the classifier to
send English messages there. This runs Rasa's own command with that one check narrowed to the other
intents; every other check and warning is Rasa's, unchanged. The narrowing is a change to Rasa's
Validator, written for Rasa 3.6.21: components/patches.py, install_validator(), applies it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the project's packages

from components import patches  # noqa: E402

EXTERNAL_PREFIX = "EXTERNAL_"
SET_BY_A_COMPONENT = {"other_language", "several_questions"}  # components/other_languages.py, message_parts.py


def needs_examples(intent: str) -> bool:
    return not intent.startswith(EXTERNAL_PREFIX) and intent not in SET_BY_A_COMPONENT


def main() -> None:
    patches.install_validator(needs_examples)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "data", "validate", "--fail-on-warnings", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
