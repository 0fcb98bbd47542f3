"""What the tests and the benchmarks share; neither imports the other's files for it.

paths.py          the project's folders, the model, the venv, load_yaml
polling.py        free ports and bounded waits (wait_until, wait_for_port): nothing sleeps blind
servers.py        the action server and Rasa server (and the clinic page) on loopback, and ServerSets:
                  one set for each clock setting, shared by every test file that pins that clock
infra.py          PostgreSQL, Redis and nginx on loopback
cluster.py        N Rasa servers and N action servers behind nginx, on PostgreSQL and Redis
smtp.py           an SMTP server that keeps what it receives
fake_apis.py      the Telegram Bot API and Twilio stand-ins
trackers.py       the Tracker an action sees, without a Rasa server
conversations.py  the patient scripts and messages more than one file sends (the booking above all,
                  Telegram's updates) and readers of replies and database rows
lock_race.py      replicas taking one conversation's lock at once (tests/test_lock_store.py and
                  benchmarks/lock_race.py)
nlu.py            NLU examples from YAML, the full label of a parse, MiniLM's sentence embedding
blind_sets.py     which blind warning-sign set is development, reporting or the reserve (the registry)
inprocess.py      `rasa test nlu` / `rasa test core --e2e` on the session's loaded model (no second load)

The one way round is benchmarks -> tests.harness. Tests import benchmarks/ only to test the benchmarks'
own code (test_bench_scoring.py, test_benchmarks_readme.py).
"""
