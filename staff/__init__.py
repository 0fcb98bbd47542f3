"""The clinic's side in a browser: requests inbox, live chats, insights, audit log and privacy tools.

A Flask app (staff/app.py) on its own port beside the clinic page (`make run`, STAFF_PORT 8090,
127.0.0.1 by default), over the same library as the terminal commands (clinic/). Accounts are made
with `make staff ARGS="add name@clinic --role practitioner|admin"` (staff/cli.py).
"""
