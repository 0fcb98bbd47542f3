"""Action server package for the clinic's assistant, one module per capability.

Importing the package validates clinic.yml, so `rasa run actions` refuses to start on a bad profile
with a message naming the field, instead of failing later in front of a patient. It also starts the
outbox retry worker when OUTBOX_RETRY_SECONDS is set (scripts/run.sh sets it).
"""

from clinic.notify import start_worker
from clinic.profile import profile

start_worker(profile().email)
