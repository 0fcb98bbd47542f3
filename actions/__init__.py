"""Action server package for the mesotherapy clinic assistant, one module per capability.

Importing the package validates clinic.yml, so `rasa run actions` refuses to start on a bad profile
with a message naming the field, instead of failing later in front of a patient.
"""
from actions.profile import profile

profile()
