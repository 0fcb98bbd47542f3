"""`make report`: one self-contained HTML file (plus its figures as JSON) for a period.

    python -m insights.report --from 2026-11-01 --to 2026-11-30 [--out FILE] [--export-fallbacks FILE]

Reads the tracker store (TRACKER_DB_URL, as the Rasa server does) and the bookings database
(BOOKINGS_DB_URL, as the action server does); writes only the report files. Dates are calendar days
in the clinic's time zone (clinic.yml); the default is the last 30 days up to today.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clinic import clock, store
from clinic.hours import local_now
from clinic.profile import ClinicProfile, profile
from clinic.tracker_db import tracker_db_url
from insights import charts, export
from insights.bookings import read_bookings
from insights.conversations import read_conversations
from insights.metrics import Insights, Period, compute

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_DAYS = 30
MAX_EXAMPLES = 8  # wordings shown per group in the HTML (the export has them all)


def collect(
    first: dt.date,
    last: dt.date,
    tracker_url: str | None = None,
    bookings_url: str | None = None,
    clinic: ClinicProfile | None = None,
) -> Insights:
    """Read both stores and compute the figures for [first, last] (clinic-local calendar days)."""
    clinic = clinic or profile()
    tracker_url = tracker_url or tracker_db_url()
    bookings_url = bookings_url or store.database_url()
    period = Period(first, last, clinic.timezone)
    notes = [
        f"No conversation database at {_where(url)}: nothing to count yet."
        for url in [tracker_url]
        if _missing_sqlite(url)
    ]
    conversations = [] if notes else read_conversations(tracker_url, period.start, period.end, clinic.country)
    insights = compute(conversations, read_bookings(bookings_url, period.start, period.end), clinic, period)
    insights.notes.extend(notes)
    return insights


def render_html(insights: Insights, clinic_name: str) -> str:
    """The report page: charts inline as PNG data URIs, every text auto-escaped."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    period, s = insights.period, insights.summary
    days = period.days
    images = {
        "per_day": charts.per_day(days, insights.conversations_per_day, "Conversations per day"),
        "per_hour": charts.per_hour(
            insights.conversations_per_hour["open"],
            insights.conversations_per_hour["after_hours"],
            f"Conversations by hour they started ({period.timezone})",
        ),
        "topics": charts.topics(insights.topics, "Top topics and intents"),
        "rates": charts.rates(
            days,
            {
                "fallback (not understood)": insights.fallback_rate_per_day,
                "out of scope": insights.out_of_scope_rate_per_day,
            },
            "Fallback and out-of-scope rate per day",
        ),
        "bookings": charts.bookings(days, insights.bookings_per_day, "Requests per day, by current status"),
        "latency": charts.latency(days, insights.latency_per_day, "Reply time per day (seconds)"),
    }
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    return environment.get_template("report.html").render(
        clinic=clinic_name,
        s=s,
        charts=images,
        topics=insights.topics,
        groups=insights.groups,
        latency=list(zip(days, insights.latency_per_day)),
        notes=insights.notes,
        max_examples=MAX_EXAMPLES,
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        pct=_pct,
        secs=_secs,
    )


def build_report(
    insights: Insights, clinic_name: str, out: Path | None = None, export_fallbacks: Path | None = None
) -> dict[str, Any]:
    """Write the HTML report of what `collect` read, its JSON figures (same name, .json) and optionally the
    NLU export.

    Returns the summary figures (what the JSON holds), plus where the files went under "files".
    """
    first, last = insights.period.first, insights.period.last
    out = Path(out or default_out(first, last))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(insights, clinic_name), encoding="utf-8")
    figures = out.with_suffix(".json")
    figures.write_text(json.dumps(insights.summary, indent=2) + "\n", encoding="utf-8")
    files = {"html": str(out), "json": str(figures)}
    if export_fallbacks:
        files["fallbacks"] = str(export.write(Path(export_fallbacks), insights.groups, f"{first} to {last}"))
    return {**insights.summary, "files": files}


def default_out(first: dt.date, last: dt.date) -> Path:
    return Path("var") / "reports" / f"insights-{first}-{last}.html"


def _missing_sqlite(url: str) -> bool:
    return url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists()


def _where(url: str) -> str:
    """A database's location without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _secs(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-30") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make report ARGS=...", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--from", dest="first", type=_date, help="first day, YYYY-MM-DD, clinic time (default: 30 days up to --to)"
    )
    parser.add_argument("--to", dest="last", type=_date, help="last day, inclusive (default: today)")
    parser.add_argument("--out", type=Path, help="HTML file (default var/reports/insights-<from>-<to>.html)")
    parser.add_argument(
        "--export-fallbacks",
        type=Path,
        metavar="PATH",
        help="also write the messages that fell back as Rasa NLU YAML to label",
    )
    parser.add_argument("--tracker-url", help="tracker store database (default: TRACKER_DB_URL)")
    parser.add_argument("--bookings-url", help="bookings database (default: BOOKINGS_DB_URL)")
    args = parser.parse_args(argv)
    clinic = profile()
    last = args.last or local_now(clinic, clock.now()).date()
    first = args.first or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        parser.error(f"--from {first} is after --to {last}")
    insights = collect(first, last, args.tracker_url, args.bookings_url, clinic)
    result = build_report(insights, clinic.name, args.out, args.export_fallbacks)
    files: list[str] = list(result.pop("files").values())
    print(
        f"{result['conversations']} conversations, {result['user_messages']} messages, "
        f"fallback {_pct(result['fallback_rate'])}, out of scope {_pct(result['out_of_scope_rate'])}, "
        f"{result['bookings']} requests, median reply {_secs(result['median_latency_s'])}"
    )
    print("written: " + ", ".join(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
