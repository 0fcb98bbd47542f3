"""The staff app's security, against the real server (waitress on loopback, python -m staff.app).

Every route of the app without a session, a wrong password and then the rate limit, a post without
its CSRF token, an admin page for a practitioner, session fixation, log-out and the idle timeout,
and the cookie's flags (Secure behind https). Needs no Rasa server: it starts in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import requests

from clinic import booking_requests, store
from clinic.profile import load_profile
from clinic.when import When
from tests.harness.paths import ROOT
from tests.harness.servers import running_staff_app

pytestmark = pytest.mark.slow  # starts real servers, like the other end-to-end tests

PASSWORD = "correct horse battery staple"
ADMIN, PRACTITIONER = "admin@riverside.example", "nurse@riverside.example"


@pytest.fixture(scope="module")
def db_env(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("staff")
    return {
        "BOOKINGS_DB_URL": f"sqlite:///{folder / 'bookings.db'}",
        "TRACKER_DB_URL": f"sqlite:///{folder / 'conversations.db'}",
        "STAFF_LOGIN_LIMIT": "100 per minute",
    }


@pytest.fixture(scope="module")
def app(db_env):
    with running_staff_app(ROOT / "results" / "staff-security-logs", db_env) as running:
        running.add_account(ADMIN, "admin", PASSWORD)
        running.add_account(PRACTITIONER, "practitioner", PASSWORD)
        yield running


@pytest.fixture(scope="module")
def reference(db_env, monkeypatch_module) -> str:
    monkeypatch_module.setenv("BOOKINGS_DB_URL", db_env["BOOKINGS_DB_URL"])
    view = booking_requests.create_request(
        load_profile(),
        booking_requests.NewRequest(
            "booking",
            "Sam Taylor",
            "+442079460123",
            When(dt.date(2026, 11, 27), dt.time(10, 0)),
            "fine lines",
            True,
            "patient-1",
        ),
        db_env["BOOKINGS_DB_URL"],
    )
    return view.reference


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(url: str, email: str, password: str = PASSWORD) -> requests.Session:
    client = requests.Session()
    token = csrf_of(client.get(f"{url}/login", timeout=10).text)
    reply = client.post(f"{url}/login", data={"csrf_token": token, "email": email, "password": password}, timeout=10)
    assert reply.ok and "Requests" in reply.text, reply.status_code
    return client


def every_route(reference: str) -> list[tuple[str, str]]:
    """(method, path) of every route the app has, from its own URL map, with sample values."""
    from staff.app import create_app

    samples = {"reference": reference, "chat_id": "1"}
    routes = []
    for rule in create_app().url_map.iter_rules():
        if rule.endpoint in ("static", "healthz", "login"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m.group(1)], rule.rule)
        routes += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_every_page_and_api_without_a_session_gets_a_redirect_or_401(app, reference):
    routes = every_route(reference)
    assert len(routes) >= 20
    for method, path in routes:
        reply = requests.request(method, app.url + path, allow_redirects=False, timeout=10)
        if path.startswith("/api/"):
            assert reply.status_code == 401, (method, path, reply.status_code)
        else:
            assert reply.status_code == 302 and "/login" in reply.headers["Location"], (method, path)
        assert "Sam Taylor" not in reply.text and "+442079460123" not in reply.text


def test_a_wrong_password_is_refused_and_says_nothing_about_the_account(app):
    client = requests.Session()
    token = csrf_of(client.get(f"{app.url}/login", timeout=10).text)
    for email in (ADMIN, "nobody@riverside.example"):
        reply = client.post(
            f"{app.url}/login", data={"csrf_token": token, "email": email, "password": "wrong"}, timeout=10
        )
        assert reply.status_code == 401 and "Wrong e-mail or password." in reply.text
    assert client.get(f"{app.url}/requests", allow_redirects=False, timeout=10).status_code == 302


def test_log_in_attempts_are_rate_limited(db_env):
    env = {**db_env, "STAFF_LOGIN_LIMIT": "3 per minute"}
    with running_staff_app(ROOT / "results" / "staff-security-logs" / "limited", env) as limited:
        limited.add_account("limit@riverside.example", "practitioner", PASSWORD)
        client = requests.Session()
        token = csrf_of(client.get(f"{limited.url}/login", timeout=10).text)
        codes = [
            client.post(
                f"{limited.url}/login",
                data={"csrf_token": token, "email": "limit@riverside.example", "password": f"guess {n}"},
                timeout=10,
            ).status_code
            for n in range(5)
        ]
        assert codes == [401, 401, 401, 429, 429]
        # the right password does not get through the limit either
        right = client.post(
            f"{limited.url}/login",
            data={"csrf_token": token, "email": "limit@riverside.example", "password": PASSWORD},
            timeout=10,
        )
        assert right.status_code == 429 and "staff_session" not in right.headers.get("Set-Cookie", "sid")


def test_a_post_without_its_csrf_token_is_refused(app, reference):
    client = log_in(app.url, PRACTITIONER)
    page = client.get(f"{app.url}/requests/{reference}", timeout=10)
    assert page.ok and "Sam Taylor" in page.text
    refused = client.post(
        f"{app.url}/requests/{reference}/decision", data={"decision": "decline", "note": "x"}, timeout=10
    )
    assert refused.status_code == 400
    forged = client.post(
        f"{app.url}/requests/{reference}/decision",
        data={"decision": "decline", "csrf_token": "forged"},
        timeout=10,
    )
    assert forged.status_code == 400
    api = client.post(f"{app.url}/api/live/1/messages", json={"text": "hello"}, timeout=10)
    assert api.status_code == 400
    with store.session(app.env["BOOKINGS_DB_URL"]) as db:
        assert store.find_request(db, reference).status == store.PENDING
    # the log-in form has its token too
    fresh = requests.post(f"{app.url}/login", data={"email": ADMIN, "password": PASSWORD}, timeout=10)
    assert fresh.status_code == 400


def test_a_practitioner_cannot_open_the_admin_pages(app, reference):
    nurse = log_in(app.url, PRACTITIONER)
    token = csrf_of(nurse.get(f"{app.url}/requests/{reference}", timeout=10).text)
    for path in ("/admin/audit", "/admin/privacy"):
        assert nurse.get(app.url + path, timeout=10).status_code == 403
    assert nurse.post(f"{app.url}/admin/purge", data={"csrf_token": token, "confirm": "purge"}).status_code == 403
    forget = nurse.post(f"{app.url}/requests/{reference}/forget", data={"csrf_token": token, "confirm": reference})
    assert forget.status_code == 403
    assert "Audit log" not in nurse.get(f"{app.url}/requests", timeout=10).text
    admin = log_in(app.url, ADMIN)
    audit = admin.get(f"{app.url}/admin/audit", timeout=10)
    assert audit.ok and PRACTITIONER in audit.text and "logged_in" in audit.text


def test_the_session_id_changes_at_log_in_and_dies_at_log_out(app):
    client = requests.Session()
    token = csrf_of(client.get(f"{app.url}/login", timeout=10).text)
    before = client.cookies.get("staff_session")
    assert before  # an anonymous session (it holds the CSRF token)
    # an attacker who planted `before` in the victim's browser
    attacker = requests.Session()
    attacker.cookies.set("staff_session", before)
    client.post(f"{app.url}/login", data={"csrf_token": token, "email": ADMIN, "password": PASSWORD}, timeout=10)
    after = client.cookies.get("staff_session")
    assert after and after != before
    assert attacker.get(f"{app.url}/requests", allow_redirects=False, timeout=10).status_code == 302
    assert client.get(f"{app.url}/requests", allow_redirects=False, timeout=10).status_code == 200
    # a second log-in gets yet another id
    second = log_in(app.url, ADMIN).cookies.get("staff_session")
    assert second not in (before, after)
    # log-out ends the session on the server: a copy of the cookie is worth nothing afterwards
    copy = requests.Session()
    copy.cookies.set("staff_session", after)
    token = csrf_of(client.get(f"{app.url}/requests", timeout=10).text)
    client.post(f"{app.url}/logout", data={"csrf_token": token}, timeout=10)
    assert copy.get(f"{app.url}/requests", allow_redirects=False, timeout=10).status_code == 302
    assert copy.get(f"{app.url}/api/live", timeout=10).status_code == 401


def test_cookie_flags_and_security_headers(app):
    client = requests.Session()
    token = csrf_of(client.get(f"{app.url}/login", timeout=10).text)
    reply = client.post(
        f"{app.url}/login",
        data={"csrf_token": token, "email": ADMIN, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http on loopback
    page = client.get(f"{app.url}/requests", timeout=10)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_behind_https_the_cookie_is_secure_and_sessions_time_out(db_env):
    env = {**db_env, "STAFF_HTTPS": "true", "STAFF_SESSION_MINUTES": "0.05"}
    with running_staff_app(ROOT / "results" / "staff-security-logs" / "https", env) as secure:
        secure.add_account("https@riverside.example", "practitioner", PASSWORD)
        proxy = {"X-Forwarded-Proto": "https"}
        first = requests.get(f"{secure.url}/login", headers=proxy, timeout=10)
        cookie = first.headers["Set-Cookie"]
        assert cookie.startswith("__Host-staff=") and "Secure" in cookie and "HttpOnly" in cookie
        anonymous = cookie.split(";")[0]
        reply = requests.post(
            f"{secure.url}/login",
            headers={**proxy, "Cookie": anonymous, "Referer": f"https://127.0.0.1:{secure.url.rsplit(':', 1)[1]}/"},
            data={"csrf_token": csrf_of(first.text), "email": "https@riverside.example", "password": PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert reply.status_code == 302, reply.text[:300]
        session = reply.headers["Set-Cookie"].split(";")[0]
        assert "Secure" in reply.headers["Set-Cookie"] and session != anonymous
        inside = requests.get(f"{secure.url}/requests", headers={**proxy, "Cookie": session}, allow_redirects=False)
        assert inside.status_code == 200
        time.sleep(4)  # idle longer than STAFF_SESSION_MINUTES (3 s)
        late = requests.get(f"{secure.url}/requests", headers={**proxy, "Cookie": session}, allow_redirects=False)
        assert late.status_code == 302 and "/login" in late.headers["Location"]


def test_accounts_need_a_real_password_and_a_known_role(db_env, monkeypatch):
    from staff import accounts

    monkeypatch.setenv("BOOKINGS_DB_URL", db_env["BOOKINGS_DB_URL"])
    with pytest.raises(accounts.AccountError, match="12 characters"):
        accounts.add_user("short@riverside.example", "admin", "password")
    with pytest.raises(accounts.AccountError, match="role"):
        accounts.add_user("boss@riverside.example", "owner", PASSWORD)
    with store.session() as db:
        from staff.models import StaffUser

        stored = db.query(StaffUser).filter_by(email=ADMIN).one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_admins_forget_a_patient_and_run_the_purge_only_after_confirming(app, db_env, monkeypatch):
    from tests.test_live_chats import _tracker_db

    monkeypatch.setenv("BOOKINGS_DB_URL", db_env["BOOKINGS_DB_URL"])
    tracker_path = db_env["TRACKER_DB_URL"][len("sqlite:///") :]
    _tracker_db(tracker_path, "patient-9", ["can someone call me back", "Of course"])
    view = booking_requests.create_request(
        load_profile(),
        booking_requests.NewRequest("callback", "Alex Morgan", "+442079460456", sender_id="patient-9"),
    )
    admin = log_in(app.url, ADMIN)
    page = admin.get(f"{app.url}/requests/{view.reference}", timeout=10)
    assert "can someone call me back" in page.text  # the conversation, found by the request's hash
    token = csrf_of(page.text)
    unconfirmed = admin.post(
        f"{app.url}/requests/{view.reference}/forget", data={"csrf_token": token, "confirm": "yes"}, timeout=10
    )
    assert unconfirmed.ok and f"Type {view.reference} in the box" in unconfirmed.text
    with store.session() as db:
        assert store.find_request(db, view.reference) is not None
    done = admin.post(
        f"{app.url}/requests/{view.reference}/forget",
        data={"csrf_token": token, "confirm": view.reference},
        timeout=10,
    )
    assert done.ok and "Deleted 1 request(s) and 1 conversation(s)." in done.text
    with store.session() as db:
        assert store.find_request(db, view.reference) is None
    assert admin.get(f"{app.url}/requests/{view.reference}", timeout=10).status_code == 404
    purge = admin.post(f"{app.url}/admin/purge", data={"csrf_token": token, "confirm": "no"}, timeout=10)
    assert "Type the word purge in the box" in purge.text
    purge = admin.post(f"{app.url}/admin/purge", data={"csrf_token": token, "confirm": "purge"}, timeout=10)
    assert "Deleted 0 request(s), 0 conversation(s) older than 180 days." in purge.text
    audit = admin.get(f"{app.url}/admin/audit", timeout=10).text
    assert "patient_forgotten" in audit and "retention_purge" in audit and "Alex Morgan" not in audit


def test_a_practitioner_declines_with_a_note_and_records_treated_on(app, db_env, monkeypatch):
    monkeypatch.setenv("BOOKINGS_DB_URL", db_env["BOOKINGS_DB_URL"])
    view = booking_requests.create_request(
        load_profile(),
        booking_requests.NewRequest(
            "booking", "Jo Lee", "jo@example.com", When(dt.date(2026, 12, 4), dt.time(11, 0)), "pores", False
        ),
    )
    nurse = log_in(app.url, PRACTITIONER)
    token = csrf_of(nurse.get(f"{app.url}/requests/{view.reference}", timeout=10).text)
    treated = nurse.post(
        f"{app.url}/requests/{view.reference}/treated",
        data={"csrf_token": token, "treated_on": "2026-12-04"},
        timeout=10,
    )
    assert f"{view.reference} treated on 04 Dec 2026" in treated.text
    declined = nurse.post(
        f"{app.url}/requests/{view.reference}/decision",
        data={"csrf_token": token, "decision": "decline", "note": "Fully booked that day"},
        timeout=10,
    )
    assert f"{view.reference} is now declined" in declined.text and "Fully booked that day" in declined.text
    patient_sees = booking_requests.find_for_patient(load_profile(), view.reference, "jo@example.com")
    assert patient_sees.status == "declined" and patient_sees.clinic_note == "Fully booked that day"
    inbox = nurse.get(f"{app.url}/requests", params={"status": "declined"}, timeout=10).text
    assert view.reference in inbox
    admin = log_in(app.url, ADMIN)
    audit = admin.get(f"{app.url}/admin/audit", timeout=10).text
    assert "request_declined" in audit and "treated_on" in audit
