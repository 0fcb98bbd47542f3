"""The staff web app (Flask): log-in, requests inbox, live chats, insights, audit log, privacy tools.

Security comes from maintained libraries: argon2-cffi (passwords, staff/accounts.py), Flask's signed
session cookie (itsdangerous), Flask-WTF (CSRF on every form and every API post), Flask-Limiter
(log-in attempts). Every page and API needs a log-in except /login, /healthz and /static; admin pages
need the admin role. Served by waitress (`python -m staff.app`), on 127.0.0.1 by default.

Settings (environment): STAFF_SECRET_KEY (else a random key kept in var/staff-secret.key),
STAFF_HTTPS=true behind https (Secure cookies, and X-Forwarded-* trusted from one proxy),
STAFF_SESSION_MINUTES (30, idle timeout), STAFF_LOGIN_LIMIT ("5 per minute" per address),
BOOKINGS_DB_URL and TRACKER_DB_URL (as the servers), RASA_URL and RASA_API_TOKEN (live chats).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select
from werkzeug.wrappers import Response

from clinic import booking_requests, live_chats, store, tracker_db
from clinic.profile import ClinicProfile, load_profile
from staff import accounts, live
from staff.rasa_api import RasaApi, RasaUnavailable

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = ROOT / "var" / "staff-secret.key"
PUBLIC_ENDPOINTS = {"login", "healthz", "static"}
_report_lock = threading.Lock()  # matplotlib's pyplot state is not thread-safe


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def _secret_key() -> str:
    """STAFF_SECRET_KEY, or a random key made once and kept (0600) so restarts keep sessions."""
    key = os.environ.get("STAFF_SECRET_KEY", "").strip()
    if key:
        return key
    if not SECRET_FILE.is_file():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRET_FILE.touch(mode=0o600)
        SECRET_FILE.write_text(secrets.token_urlsafe(48))
    return SECRET_FILE.read_text().strip()


def create_app(clinic: ClinicProfile | None = None, rasa: RasaApi | None = None) -> Flask:
    """The app with its settings from the environment (see the module's docstring)."""
    clinic = clinic or load_profile()
    rasa = rasa or RasaApi.from_env()
    app = Flask(__name__)
    https = _truthy("STAFF_HTTPS")
    app.config.update(
        SECRET_KEY=_secret_key(),
        SESSION_COOKIE_NAME="__Host-staff" if https else "staff_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session; the session times out
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    if https:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    idle = dt.timedelta(minutes=float(os.environ.get("STAFF_SESSION_MINUTES", "30")))
    limiter = Limiter(app, key_func=get_remote_address, storage_uri="memory://")
    login_limit = os.environ.get("STAFF_LOGIN_LIMIT", "5 per minute")
    zone = ZoneInfo(clinic.timezone)

    @app.template_filter("local")
    def local(moment: dt.datetime | None, fmt: str = "%a %d %b %Y %H:%M") -> str:
        """A stored UTC time in the clinic's time zone."""
        if moment is None:
            return ""
        return moment.replace(tzinfo=dt.timezone.utc).astimezone(zone).strftime(fmt)

    @app.template_filter("epoch")
    def epoch(seconds: float | None) -> str:
        if seconds is None:
            return ""
        return dt.datetime.fromtimestamp(float(seconds), zone).strftime("%d %b %H:%M")

    @app.context_processor
    def globals_() -> dict[str, Any]:
        return {"clinic": clinic, "me": g.get("staff"), "timezone": clinic.timezone, "live_on": rasa is not None}

    @app.before_request
    def require_login() -> Response | None:
        g.staff = accounts.session_user(session.get("sid"), idle)
        if g.staff is None and session.get("sid"):
            session.clear()  # timed out or logged out elsewhere
        if request.endpoint in PUBLIC_ENDPOINTS or g.staff is not None:
            return None
        if request.path.startswith("/api/"):
            return jsonify(error="log in first"), 401  # type: ignore[return-value]
        return redirect(url_for("login", next=request.full_path if request.method == "GET" else None))

    CSRFProtect(app)  # after require_login: a post without a session is sent to log in, not told about tokens

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> tuple[str, int]:
        return render_template(
            "message.html", title="Refused", text="The form was out of date: go back and try again."
        ), 400

    @app.errorhandler(429)
    def too_many(error: Any) -> tuple[str, int]:
        return render_template("message.html", title="Too many attempts", text="Wait a minute, then try again."), 429

    def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not g.staff.is_admin:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    def need_rasa() -> RasaApi:
        if rasa is None:
            abort(503, "Live chats need RASA_API_TOKEN (Rasa's HTTP API).")
        return rasa

    # ---- log-in ---------------------------------------------------------------------------------

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(ok=True)

    @app.route("/login", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def login() -> Any:
        error = None
        if request.method == "POST":
            staff = accounts.check_password(request.form.get("email", ""), request.form.get("password", ""))
            if staff is not None:
                old = session.get("sid")
                session.clear()  # a new session (and CSRF token) at every log-in: no fixation
                accounts.end_session(old)
                session["sid"] = accounts.start_session(staff)
                session.permanent = True
                accounts.audit(staff.email, "logged_in")
                target = request.args.get("next") or ""
                return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("inbox"))
            error = "Wrong e-mail or password."
            logger.info("failed staff log-in")
        return render_template("login.html", error=error), (401 if error else 200)

    @app.post("/logout")
    def logout() -> Response:
        accounts.audit(g.staff.email, "logged_out")
        accounts.end_session(session.get("sid"))
        session.clear()
        return redirect(url_for("login"))

    # ---- requests inbox -------------------------------------------------------------------------

    @app.get("/")
    def home() -> Response:
        return redirect(url_for("inbox"))

    @app.get("/requests")
    def inbox() -> str:
        status = request.args.get("status", "")
        kind = request.args.get("kind", "")
        query = select(store.BookingRequest).order_by(store.BookingRequest.created_at.desc())
        if status in store.STATUSES:
            query = query.where(store.BookingRequest.status == status)
        if kind in ("booking", "callback"):
            query = query.where(store.BookingRequest.kind == kind)
        with store.session() as db:
            rows = list(db.execute(query.limit(500)).scalars())
        return render_template("inbox.html", rows=rows, status=status, kind=kind, statuses=store.STATUSES)

    def _request_or_404(reference: str) -> store.BookingRequest:
        with store.session() as db:
            row = store.find_request(db, reference)
            if row is None:
                abort(404)
            row.checkins  # noqa: B018 (loaded before the session ends)
            return row

    @app.get("/requests/<reference>")
    def request_page(reference: str) -> str:
        row = _request_or_404(reference)
        sender = tracker_db.sender_for_key(row.conversation_key) if row.conversation_key else None
        lines = tracker_db.transcript(sender) if sender else []
        today = dt.datetime.now(zone).date()
        return render_template("request.html", r=row, lines=lines, today=today)

    @app.post("/requests/<reference>/decision")
    def decide(reference: str) -> Response:
        status = {"confirm": store.CONFIRMED, "decline": store.DECLINED}.get(request.form.get("decision", ""))
        if status is None:
            abort(400)
        view = booking_requests.set_status(reference, status, request.form.get("note", "").strip() or None)
        if view is None:
            abort(404)
        accounts.audit(g.staff.email, f"request_{view.status}", reference, request.form.get("note", "").strip())
        flash(f"{reference} is now {view.status}. The patient sees it when they ask about the reference.")
        return redirect(url_for("request_page", reference=reference))

    @app.post("/requests/<reference>/treated")
    def treated(reference: str) -> Response:
        from clinic import checkins

        try:
            day = dt.date.fromisoformat(request.form.get("treated_on", ""))
        except ValueError:
            flash("Give the treatment date as a date.")
            return redirect(url_for("request_page", reference=reference))
        line = checkins.mark_treated(reference, day, clinic)
        if line is None:
            abort(404)
        accounts.audit(g.staff.email, "treated_on", reference, day.isoformat())
        flash(line)
        return redirect(url_for("request_page", reference=reference))

    @app.post("/requests/<reference>/forget")
    @admin_only
    def forget(reference: str) -> Response:
        if request.form.get("confirm") != reference:
            flash(f"Type {reference} in the box to confirm.")
            return redirect(url_for("request_page", reference=reference))
        purged = booking_requests.forget_patient(reference)
        if purged is None:
            abort(404)
        accounts.audit(
            g.staff.email,
            "patient_forgotten",
            reference,
            f"{purged.requests} request(s), {purged.conversations} conversation(s) deleted",
        )
        flash(f"Deleted {purged.requests} request(s) and {purged.conversations} conversation(s).")
        return redirect(url_for("inbox"))

    # ---- live chats -----------------------------------------------------------------------------

    def chat_json(chat: live_chats.ChatView) -> dict[str, Any]:
        return {
            "id": chat.id,
            "status": chat.status,
            "channel": chat.channel,
            "requested": local(chat.requested_at, "%H:%M:%S"),
            "taken_by": chat.taken_by,
            "closed_how": chat.closed_how,
            "warning": chat.warning_level if chat.warning_at else None,
            "url": url_for("chat_page", chat_id=chat.id),
        }

    @app.get("/live")
    def live_page() -> str:
        return render_template("live.html", chats=live_chats.listing())

    @app.get("/api/live")
    def live_list() -> Response:
        return jsonify(chats=[chat_json(chat) for chat in live_chats.listing()])

    def _chat_or_404(chat_id: int) -> live_chats.ChatView:
        chat = live_chats.get(chat_id)
        if chat is None:
            abort(404)
        return chat

    @app.get("/live/<int:chat_id>")
    def chat_page(chat_id: int) -> str:
        chat = _chat_or_404(chat_id)
        lines = tracker_db.transcript(chat.sender_id) if chat.sender_id else []
        return render_template("chat.html", chat=chat, lines=lines)

    @app.get("/api/live/<int:chat_id>")
    def chat_state(chat_id: int) -> Response:
        chat = _chat_or_404(chat_id)
        lines = tracker_db.transcript(chat.sender_id) if chat.sender_id else []
        for line in lines:
            line["at"] = epoch(line["at"])
        return jsonify(chat=chat_json(chat), lines=lines, mine=chat.taken_by == g.staff.email)

    @app.post("/live/<int:chat_id>/take")
    def take_chat(chat_id: int) -> Response:
        try:
            live.take(need_rasa(), clinic, chat_id, g.staff.email)
        except (live.ChatError, RasaUnavailable) as exc:
            flash(str(exc))
        return redirect(url_for("chat_page", chat_id=chat_id))

    @app.post("/api/live/<int:chat_id>/messages")
    def chat_send(chat_id: int) -> tuple[Response, int]:
        text = (request.get_json(silent=True) or {}).get("text") or request.form.get("text", "")
        try:
            live.send(need_rasa(), chat_id, g.staff.email, str(text))
        except live.ChatError as exc:
            return jsonify(error=str(exc)), 409
        except RasaUnavailable as exc:
            return jsonify(error=str(exc)), 502
        return jsonify(ok=True), 200

    @app.post("/live/<int:chat_id>/hand-back")
    def hand_back(chat_id: int) -> Response:
        try:
            live.hand_back(need_rasa(), chat_id, g.staff.email)
            flash("Handed back to the assistant.")
        except (live.ChatError, RasaUnavailable) as exc:
            flash(str(exc))
        return redirect(url_for("chat_page", chat_id=chat_id))

    # ---- insights -------------------------------------------------------------------------------

    def _period() -> tuple[dt.date, dt.date]:
        today = dt.datetime.now(zone).date()
        try:
            last = dt.date.fromisoformat(request.args.get("to") or today.isoformat())
            first = dt.date.fromisoformat(request.args.get("from") or (last - dt.timedelta(days=29)).isoformat())
        except ValueError:
            abort(400)
        if first > last or (last - first).days > 366:
            abort(400)
        return first, last

    @app.get("/insights")
    def insights_page() -> str:
        first, last = _period()
        return render_template("insights.html", first=first, last=last)

    def _report_module() -> Any:
        """insights.report, which draws with matplotlib: Rasa's image and the development venv have it."""
        try:
            from insights import report
        except ImportError:
            abort(503, "The insights need matplotlib, which comes with Rasa: run the staff app beside it.")
        return report

    @app.get("/insights/report")
    def insights_report() -> str:
        report = _report_module()
        first, last = _period()
        with _report_lock:
            return report.render_html(report.collect(first, last, clinic=clinic), clinic.name)

    @app.get("/insights/export")
    def insights_export() -> Response:
        from insights import export

        report = _report_module()
        first, last = _period()
        with _report_lock:
            groups = report.collect(first, last, clinic=clinic).groups
        accounts.audit(g.staff.email, "fallbacks_exported", None, f"{first} to {last}")
        return Response(
            export.render(groups, f"{first} to {last}"),
            mimetype="text/yaml",
            headers={"Content-Disposition": f'attachment; filename="unanswered-{first}-{last}.yml"'},
        )

    # ---- admin ----------------------------------------------------------------------------------

    @app.get("/admin/audit")
    @admin_only
    def audit_page() -> str:
        return render_template("audit.html", entries=accounts.audit_log())

    @app.get("/admin/privacy")
    @admin_only
    def privacy_page() -> str:
        return render_template("privacy.html")

    @app.post("/admin/purge")
    @admin_only
    def purge() -> Response:
        if request.form.get("confirm") != "purge":
            flash("Type the word purge in the box to confirm.")
            return redirect(url_for("privacy_page"))
        purged = booking_requests.purge_expired(clinic)
        detail = f"{purged.requests} request(s), {purged.conversations} conversation(s)"
        accounts.audit(g.staff.email, "retention_purge", None, detail)
        flash(f"Deleted {detail} older than {clinic.data_retention_days} days.")
        return redirect(url_for("privacy_page"))

    return app


def _callback_offers(app_rasa: RasaApi, clinic: ClinicProfile, stop: threading.Event, every: float) -> None:
    """Background loop: chats nobody took in time get the call-back offer."""
    while not stop.wait(every):
        try:
            live.offer_callbacks(app_rasa, clinic)
        except Exception:
            logger.exception("call-back offers failed")


def main() -> None:
    import argparse

    from waitress import serve

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=os.environ.get("STAFF_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("STAFF_PORT", 8090)))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    clinic = load_profile()
    rasa = RasaApi.from_env()
    app = create_app(clinic, rasa)
    if rasa is not None:
        stop = threading.Event()
        threading.Thread(target=_callback_offers, args=(rasa, clinic, stop, 2.0), daemon=True).start()
    else:
        logger.warning("RASA_API_TOKEN is not set: live chats are listed but cannot be taken")
    logger.info("staff app on http://%s:%d/", args.host, args.port)
    serve(app, host=args.host, port=args.port, threads=8, ident="staff")


if __name__ == "__main__":
    main()
