"""The clinic insights report (insights/): exact figures, no personal data, a loadable NLU export.

The unit tests write a real tracker store with Rasa's own SQLTrackerStore (real events, scripted at
known times in the week of Monday 23 November 2026, when London time is UTC) and a real bookings
database with the action server's models, then run the report on them. The slow test does the same
with conversations sent through the real servers and saves docs/insights-report.png.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import shutil
import uuid
from typing import Any

import pytest

from clinic import store
from clinic.profile import profile
from insights import report
from insights.privacy import mask
from tests.harness.conversations import booking_row
from tests.harness.paths import ROOT
from tests.harness.servers import TUESDAY_TEN

pytestmark = pytest.mark.clock(TUESDAY_TEN)  # the slow test's servers; the unit tests need none
UTC = dt.timezone.utc
FIRST, LAST = dt.date(2026, 11, 23), dt.date(2026, 11, 29)  # Monday to Sunday
SENDERS = {
    "regular": "whatsapp:+447700900111",
    "night": "+447700900222",
    "saturday": "telegram-5550001",
    "booking": "p-booking-patient",
    "evening": "+447700900555",
    "before": "p-before-period",
    "after": "p-after-period",
    "checkin": "p-checkin-only",
}
PERSONAL = [
    "Sam Taylor",
    "Taylor",
    "020 7946 0123",
    "7946",
    "sam@example.org",
    "Jo Bloggs",
    "Bloggs",
    "07700 900456",
    "900456",
    "jo@example.com",
    "jo.bloggs@example.com",
    "900789",
    "Alex Morgan",
    "900999",
    "dark circles",
    "forehead",
]


def moment(day: int, hour: int, minute: int = 0) -> float:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC).timestamp()


class Script:
    """One sender's events, the way the Rasa server writes them, with controlled timestamps."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.t = 0.0

    def session(self, start: float) -> Script:
        from rasa.shared.core.events import ActionExecuted, SessionStarted

        self.t = start
        self.events += [
            ActionExecuted("action_session_start", timestamp=self.t),
            SessionStarted(timestamp=self.t),
            ActionExecuted("action_listen", timestamp=self.t),
        ]
        return self

    def user(
        self,
        text: str,
        intent: str,
        reply: float | None = 1.0,
        faq: str | None = None,
        then: list[Any] | None = None,
        full_name: bool = True,
        replies: int = 1,
    ) -> Script:
        from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

        parsed: dict[str, Any] = {"intent": {"name": intent, "confidence": 0.93}, "entities": [], "text": text}
        if faq:
            if full_name:  # the Rasa server adds it; older trackers only have the response selector's pick
                parsed["intent"]["full_retrieval_intent_name"] = faq
            parsed["response_selector"] = {
                "all_retrieval_intents": ["faq"],
                "faq": {
                    "response": {"intent_response_key": faq, "utter_action": f"utter_{faq}", "confidence": 0.9},
                    "ranking": [],
                },
            }
        self.events.append(
            UserUttered(
                text,
                intent=parsed["intent"],
                parse_data=parsed,
                timestamp=self.t,
                input_channel="rest",
                message_id=uuid.uuid4().hex,
            )
        )
        for event in then or []:
            event.timestamp = self.t + 0.1
            self.events.append(event)
        if reply is not None:
            self.events.append(ActionExecuted("utter_something", timestamp=self.t + reply))
            for n in range(replies):
                self.events.append(BotUttered(f"reply {n}", timestamp=self.t + reply + 0.5 * n))
            self.events.append(ActionExecuted("action_listen", timestamp=self.t + reply + 0.5 * replies))
        self.t += 30
        return self


def conversations() -> dict[str, Script]:
    from rasa.shared.core.events import ActiveLoop, SlotSet

    ask = lambda slot: SlotSet("requested_slot", slot)  # noqa: E731
    return {
        "regular": Script()
        .session(moment(23, 10))  # Monday 10:00, open
        .user("does it hurt?", "faq", 1.0, faq="faq/pain")
        .user("how many sessions will I need?", "faq", 2.0, faq="faq/number_of_sessions", full_name=False)
        .session(moment(26, 8, 30))  # a new session on Thursday 08:30, before opening
        .user("asdfgh", "nlu_fallback", reply=None),  # no reply came
        "night": Script()
        .session(moment(23, 22, 30))  # Monday 22:30, closed
        .user("book me a flight to Rome", "out_of_scope", 1.0)
        .user("can you book me a flight to Paris", "out_of_scope", 3.0)
        .user("does it hurt? call me on 07700 900456", "faq", 1.0, faq="faq/pain")
        .user("goodbye", "goodbye", 1.0),
        "saturday": Script()
        .session(moment(28, 15))  # Saturday 15:00, closed since 14:00
        .user("hdjsk lol ???", "nlu_fallback", 0.5)
        .user("hdjsk lol", "nlu_fallback", 0.5)
        .user("hi my name is Jo Bloggs call me back on 07700 900456 or jo@example.com ok??", "nlu_fallback", 0.5),
        "booking": Script()
        .session(moment(24, 11))  # Tuesday 11:00, open
        .user(
            "I'd like to book an appointment",
            "book_appointment",
            1.0,
            then=[ActiveLoop("booking_form"), ask("booking_consent")],
        )
        .user("yes that's fine", "affirm", 1.0, then=[SlotSet("booking_consent", True), ask("patient_name")])
        .user("Sam Taylor", "nlu_fallback", 1.0, then=[SlotSet("patient_name", "Sam Taylor"), ask("patient_contact")])
        .user("020 7946 0123", "nlu_fallback", 2.0)  # asked again: the slot stays requested
        .user(
            "sam@example.org",
            "inform",
            1.0,
            then=[SlotSet("patient_contact", "sam@example.org"), ActiveLoop(None), ask(None)],
        )
        .user("thanks", "thank", 1.0, replies=2),  # the first of two replies counts
        "evening": Script()
        .session(moment(25, 19, 30))  # Wednesday 19:30, open until 20:00
        .user("what is mesotherapy", "faq", 4.0, faq="faq/what_is_mesotherapy")
        .user(
            "I'm Jo Bloggs, my phone is +44 7700 900789, e-mail jo.bloggs@example.com - is it safe in pregnancy?",
            "faq",
            2.0,
            faq="faq/suitability_contraindications",
        )
        .user("how much does it cost", "faq", 2.0, faq="faq/cost")
        .user("thanks", "thank", 1.0)
        .user("EXTERNAL: checkin_due", "checkin_due", 1.0),  # the clinic's side, not the patient
        "checkin": Script().session(moment(27, 11)).user("EXTERNAL: checkin_due", "checkin_due", 1.0),
        "before": Script().session(moment(20, 10)).user("a message before the period", "nlu_fallback"),
        "after": Script().session(moment(30, 10)).user("a message after the period", "nlu_fallback"),
    }


def write_tracker_store(url: str) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker_store = SQLTrackerStore(domain=domain, host=url)
    for key, script in conversations().items():
        tracker = DialogueStateTracker.from_events(SENDERS[key], script.events, slots=domain.slots)
        asyncio.run(tracker_store.save(tracker))
    tracker_store.engine.dispose()


def write_bookings(url: str) -> None:
    rows = [
        (dt.datetime(2026, 11, 24, 11, 5), "booking", store.PENDING),
        (dt.datetime(2026, 11, 23, 22, 40), "callback", store.PENDING),
        (dt.datetime(2026, 11, 25, 19, 45), "booking", store.CONFIRMED),
        (dt.datetime(2026, 11, 26, 12, 0), "booking", store.CANCELLED),
        (dt.datetime(2026, 11, 20, 9, 0), "booking", store.DECLINED),  # before the period
        (dt.datetime(2026, 11, 30, 0, 30), "booking", store.PENDING),
    ]  # after it
    with store.session(url) as db:
        for created, kind, status in rows:
            db.add(
                booking_row(
                    reference=store.new_reference(db),
                    kind=kind,
                    status=status,
                    created_at=created,
                    name="Alex Morgan",
                    contact="+447700900999",
                    concern="dark circles under my eyes",
                    practitioner_role="Lead aesthetic practitioner",
                    practitioner_email="lead.practitioner@riverside-skin.example",
                )
            )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("insights")
    tracker_url, bookings_url = f"sqlite:///{folder / 'conv.db'}", f"sqlite:///{folder / 'bookings.db'}"
    write_tracker_store(tracker_url)
    write_bookings(bookings_url)
    insights = report.collect(FIRST, LAST, tracker_url, bookings_url)
    result = report.build_report(
        insights, profile().name, folder / "report.html", export_fallbacks=folder / "to_label.yml"
    )
    return {
        "result": result,
        "insights": insights,
        "folder": folder,
        "html": (folder / "report.html").read_text(encoding="utf-8"),
        "json": (folder / "report.json").read_text(encoding="utf-8"),
    }


def without_images(html: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)


def test_summary_figures_are_exact(built):
    figures = json.loads(built["json"])
    assert {key: built["result"][key] for key in figures} == figures  # what build_report returns is the JSON
    assert figures == {
        "period_from": "2026-11-23",
        "period_to": "2026-11-29",
        "timezone": "Europe/London",
        "conversations": 6,
        "conversations_after_hours": 3,
        "after_hours_share": 0.5,
        "user_messages": 20,
        "form_answers": 4,
        "questions": 16,
        "fallback_messages": 4,
        "fallback_rate": 0.25,
        "out_of_scope_messages": 2,
        "out_of_scope_rate": 0.125,
        "fallback_groups": 4,
        "bookings": 4,
        "bookings_by_status": {"pending": 2, "confirmed": 1, "declined": 0, "cancelled": 1},
        "bookings_by_kind": {"booking": 3, "callback": 1},
        "median_latency_s": 1.0,
        "p90_latency_s": 2.2,
        "unanswered_messages": 1,
    }


def test_series_per_day_hour_topic_and_latency(built):
    insights = built["insights"]
    assert insights.conversations_per_day == [2, 1, 1, 1, 0, 1, 0]
    assert [h for h, n in enumerate(insights.conversations_per_hour["open"]) for _ in range(n)] == [10, 11, 19]
    assert [h for h, n in enumerate(insights.conversations_per_hour["after_hours"]) for _ in range(n)] == [8, 15, 22]
    assert dict(insights.topics) == {
        "nlu_fallback": 4,
        "faq/pain": 2,
        "out_of_scope": 2,
        "thank": 2,
        "book_appointment": 1,
        "faq/cost": 1,
        "faq/number_of_sessions": 1,
        "faq/suitability_contraindications": 1,
        "faq/what_is_mesotherapy": 1,
        "goodbye": 1,
    }
    assert insights.fallback_rate_per_day == [0.0, 0.0, 0.0, 1.0, None, 1.0, None]
    assert insights.out_of_scope_rate_per_day == [0.3333, 0.0, 0.0, 0.0, None, 0.0, None]
    assert [m for m, _, _ in insights.latency_per_day] == [1.0, 1.0, 2.0, None, None, 0.5, None]
    assert insights.latency_per_day[0] == (1.0, 2.5, 6)
    assert insights.bookings_per_day["pending"] == [1, 1, 0, 0, 0, 0, 0]


def test_fallbacks_are_grouped_by_similarity(built):
    groups = {tuple(sorted(text for text, _ in g.examples)): (g.count, g.intents) for g in built["insights"].groups}
    assert groups[("book me a flight to Rome", "can you book me a flight to Paris")] == (2, {"out_of_scope": 2})
    assert groups[("hdjsk lol", "hdjsk lol ???")] == (2, {"nlu_fallback": 2})
    assert groups[("hi my name is [name] call me back on [phone] or [e-mail] ok??",)] == (1, {"nlu_fallback": 1})
    assert groups[("asdfgh",)] == (1, {"nlu_fallback": 1})
    html = built["html"]
    for text in (
        "book me a flight to Rome",
        "can you book me a flight to Paris",
        "hdjsk lol ???",
        "asdfgh",
        "hi my name is [name] call me back on [phone] or [e-mail] ok??",
    ):
        assert text in html
    assert "a message before the period" not in html and "a message after the period" not in html


def test_html_is_one_self_contained_file_with_charts(built):
    html = built["html"]
    assert html.count('src="data:image/png;base64,') == 6
    assert not re.search(r"<script|<link|https?://|@import|url\(", without_images(html))
    for text in ("Riverside Skin Clinic", "50.0%", "25.0%", "12.5%", "faq/pain", "1.0 s"):
        assert text in html


def test_no_personal_data_or_sender_id_anywhere(built):
    exported = (built["folder"] / "to_label.yml").read_text(encoding="utf-8")
    for name, text in (("html", without_images(built["html"])), ("json", built["json"]), ("export", exported)):
        leaked = [p for p in PERSONAL + list(SENDERS.values()) + ["447700900", "5550001"] if p in text]
        assert not leaked, f"{name} shows personal data: {leaked}"
    assert "[phone]" in built["html"] and "[e-mail]" in built["html"] and "[name]" in built["html"]


def test_exported_fallbacks_load_as_rasa_nlu_data(built):
    from rasa.shared.nlu.training_data.loading import load_data

    path = built["folder"] / "to_label.yml"
    assert "rename" in path.read_text(encoding="utf-8").split("version:")[0]  # the header says what to do
    data = load_data(str(path))
    examples = {(m.get("text"), m.get("intent")) for m in data.intent_examples}
    assert {intent for _, intent in examples} == {f"to_label_group_{n}" for n in range(1, 5)}
    texts = {text for text, _ in examples}
    assert texts == {
        "book me a flight to Rome",
        "can you book me a flight to Paris",
        "hdjsk lol ???",
        "hdjsk lol",
        "hi my name is [name] call me back on [phone] or [e-mail] ok??",
        "asdfgh",
    }
    assert ("book me a flight to Rome", "to_label_group_1") in examples or (
        "book me a flight to Rome",
        "to_label_group_2",
    ) in examples  # the two groups of 2 come first


def test_masking():
    assert mask("call 020 7946 0123 or sam@example.org") == "call [phone] or [e-mail]"
    assert mask("my number is +33 6 12 34 56 78!") == "my number is [phone]!"
    assert mask("ring 1234567") == "ring [phone]"  # not a valid number, masked all the same
    assert mask("I'm Sam Taylor, does it hurt?") == "I'm [name], does it hurt?"
    assert (
        mask("I'm worried, 3 sessions on 2026-11-27 for 250 pounds?")
        == "I'm worried, 3 sessions on 2026-11-27 for 250 pounds?"
    )


def test_cli_with_empty_stores_writes_a_report_saying_so(tmp_path, capsys):
    out = tmp_path / "empty.html"
    code = report.main(
        [
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--out",
            str(out),
            "--tracker-url",
            f"sqlite:///{tmp_path / 'none.db'}",
            "--bookings-url",
            f"sqlite:///{tmp_path / 'none-bookings.db'}",
            "--export-fallbacks",
            str(tmp_path / "none.yml"),
        ]
    )
    assert code == 0 and "0 conversations" in capsys.readouterr().out
    assert "No conversation database" in out.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "empty.json").read_text())["fallback_rate"] is None
    assert not (tmp_path / "none.db").exists()  # a report never creates a database
    from rasa.shared.nlu.training_data.loading import load_data

    assert load_data(str(tmp_path / "none.yml")).intent_examples == []


@pytest.mark.slow
def test_report_on_conversations_through_the_real_servers(servers, tmp_path):
    """Patients talk to the real servers; the report counts them, shows no personal data, and is
    rendered in headless Chromium to docs/insights-report.png (the README's picture)."""
    from tests.harness.conversations import book, reference_in, say

    servers.empty_stores()  # the report counts every conversation and booking in the servers' stores
    tracker_url, bookings_url = servers.tracker_db_url, servers.bookings_db_url
    patients = {
        name: f"p-insights-{name}-{uuid.uuid4().hex[:8]}" for name in ("pain", "sessions", "flight", "vague", "booking")
    }
    assert "pinch" in say(servers, patients["pain"], "does it hurt?")
    assert "4 to 6 sessions" in say(servers, patients["sessions"], "how many sessions will I need?")
    say(servers, patients["flight"], "book me a flight to Rome")
    say(servers, patients["vague"], "hdjsk lol ???")
    reference_in(book(servers, patients["booking"]))  # 8 messages, 7 of them form answers
    # Event timestamps are the real clock (CLINIC_CLOCK pins only the actions'), so report around today.
    today = dt.datetime.now(UTC).date()
    out = tmp_path / "report.html"
    insights = report.collect(today - dt.timedelta(days=1), today + dt.timedelta(days=1), tracker_url, bookings_url)
    result = report.build_report(insights, profile().name, out, export_fallbacks=tmp_path / "to_label.yml")
    assert result["conversations"] == 5 and result["user_messages"] == 12
    assert result["form_answers"] == 7 and result["questions"] == 5
    # "book me a flight to Rome" is refused as out of scope, "hdjsk lol ???" gets "Did you mean".
    assert result["out_of_scope_messages"] == 1 and result["fallback_messages"] == 1
    assert result["out_of_scope_rate"] == 0.2 and result["fallback_rate"] == 0.2
    assert result["bookings"] == 1 and result["bookings_by_status"]["pending"] == 1
    assert result["median_latency_s"] is not None and result["median_latency_s"] > 0
    html = out.read_text(encoding="utf-8")
    assert "book me a flight to Rome" in html  # in the grouped fallback list
    from rasa.shared.nlu.training_data.loading import load_data

    exported = load_data(str(tmp_path / "to_label.yml")).intent_examples
    assert "book me a flight to Rome" in {m.get("text") for m in exported}
    personal = [
        "Sam Taylor",
        "Taylor",
        "020 7946 0123",
        "+442079460123",
        "79460123",
        "forehead",
        "friday at 10am",
        *patients.values(),
    ]
    for text in (without_images(html), out.with_suffix(".json").read_text()):
        assert not [p for p in personal if p in text]

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    picture = ROOT / "docs" / "insights-report.png"
    picture.unlink(missing_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(out.as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(picture), full_page=True)
        finally:
            browser.close()
    assert picture.is_file() and picture.stat().st_size > 20_000
