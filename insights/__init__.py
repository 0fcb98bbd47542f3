"""Clinic insights: what patients asked, where the assistant failed, and how bookings went.

Read-only over the two stores the assistant already writes (Rasa's SQL tracker store and the
bookings database), so a clinic can review a month without touching the running servers. Every text
is masked when it is read (`insights.privacy`), so no later step can leak a name, phone or e-mail.
`python -m insights.report --help` is the entry point (`make report`).
"""
