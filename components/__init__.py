"""Custom NLU components, policies and stores used by config.yml and endpoints.yml.

The one place where the project's changes to Rasa itself are applied is the call below. Rasa imports
this package when it loads the model's custom components (and the stores named in endpoints.yml), so
the server has them before its first message. What they are, why, and how to remove each:
components/patches.py and README.md, "Changes to Rasa".
"""

from components import patches

patches.install()  # checks the installed Rasa is patches.RASA_VERSION first; a second call does nothing
