"""Custom NLU components and policies used by config.yml, plus one speed fix for Rasa itself.

Importing the package (which Rasa does when it loads the model's custom components) installs the
compiled check of action-server replies (components/action_result_check.py).
"""
from components import action_failure  # noqa: F401  (a polite answer when the action server is down)
from components import action_result_check  # noqa: F401  (installs the faster check)
from components import duplicate_messages  # noqa: F401  (a retried message id is answered, not redone)
from components import parse_in_thread  # noqa: F401  (NLU off the event loop: patients don't queue)
