"""Every change this project makes to Rasa's own code: one module, applied by explicit calls only.

Written for Rasa Open Source 3.6.21 (RASA_VERSION). Each patch replaces an internal of that version,
so both install functions first check the installed Rasa and refuse to run on any other version
rather than change code they were not written for. README.md, "Changes to Rasa", lists each change,
the Rasa limitation behind it and how to remove it.

  install()            the Rasa server's patches (see its body). Called once, explicitly, by
                       components/__init__.py: Rasa imports the `components` package when it loads
                       the model's custom components (rasa run, rasa shell, Agent.load in the tests),
                       so they are in place before the first message. A second call does nothing.
  install_validator()  scripts/validate_data.py only: `rasa data validate` without the warning about
                       intents that must have no training examples.

Importing a patch module (action_failure, action_result_check, duplicate_messages, parse_in_thread)
changes nothing; only its install() does (tests/test_patches.py checks both).
Not here: channels/socketio.py, a subclass of Rasa's socket.io channel that credentials.yml names;
it changes only its own server object (allowed origins, its session_request handler), no Rasa class.
"""

from __future__ import annotations

from collections.abc import Callable

RASA_VERSION = "3.6.21"

_installed = False


def check_rasa_version() -> None:
    """Raise RuntimeError unless the installed Rasa is the version these patches were written for."""
    import rasa

    installed = getattr(rasa, "__version__", "unknown")
    if installed != RASA_VERSION:
        raise RuntimeError(
            f"Rasa {installed} is installed, but the project's changes to Rasa (components/patches.py) "
            f"were written for Rasa {RASA_VERSION}. Install rasa=={RASA_VERSION} (requirements/rasa.txt), or "
            f"check each change listed in README.md, 'Changes to Rasa', against Rasa {installed} and "
            f"then set RASA_VERSION in components/patches.py."
        )


def install() -> None:
    """Check the Rasa version, then apply the Rasa server's patches; idempotent."""
    global _installed
    check_rasa_version()
    if _installed:
        return
    # Imported only after the check: on another Rasa they might not even import.
    from components import action_failure, action_result_check, duplicate_messages, parse_in_thread

    action_failure.install()  # RemoteAction.run: a polite answer when the action server is down
    action_result_check.install()  # RemoteAction._validate_action_result: the reply check compiled once
    duplicate_messages.install()  # MessageProcessor.handle_message, ._handle_message_with_tracker
    parse_in_thread.install()  # MessageProcessor.parse_message: the NLU graph in a worker thread
    _installed = True


def install_validator(needs_examples: Callable[[str], bool]) -> None:
    """Rasa's validator warns only about the intents `needs_examples` accepts (scripts/validate_data.py).

    Narrows Validator._non_default_intents, the list behind the validator's "not found in the NLU
    training data" and "not used in any story or rule" warnings. Idempotent: a second call keeps the
    first predicate.
    """
    check_rasa_version()
    from rasa.validator import Validator

    if getattr(Validator._non_default_intents, "_clinic_narrowed", False):
        return
    all_intents = Validator._non_default_intents

    def _intents_that_need_examples(self: Validator) -> list[str]:
        return [intent for intent in all_intents(self) if needs_examples(intent)]

    _intents_that_need_examples._clinic_narrowed = True  # type: ignore[attr-defined]
    Validator._non_default_intents = _intents_that_need_examples
