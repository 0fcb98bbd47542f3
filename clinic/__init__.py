"""The clinic's own library: profile, hours, times, validators, bookings, e-mail, texts, check-ins.

Used by the action server (actions/, thin Rasa SDK actions on top of this), by the Rasa server's
components and by the insights report, and run on its own as two processes:
    python -m clinic.practitioner ...     the practitioner's terminal (make bookings / outbox)
    python -m clinic.checkins run ...     the post-treatment check-in scheduler (make checkins)
It imports neither Rasa nor rasa_sdk (tests/test_library_layout.py checks it), so these run from the
action server's image and start without loading the Rasa server or TensorFlow. Importing the package
does nothing by itself.
"""
