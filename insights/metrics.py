"""Turn conversations and booking requests into the report's figures, per day in clinic time.

Definitions (also stated in the report):
  * a conversation counts on the day its first patient message was sent; it is "after hours" when
    the clinic was closed at that moment (clinic/hours.py, the same rule the assistant uses);
  * answers typed into a form (name, contact, time...) are not questions: they are counted apart
    and left out of the topics and of the fallback and out-of-scope rates, whose denominator is
    the patient's other messages;
  * reply latency is the time from a patient message to the first bot message after it, before the
    patient's next message; a message with no reply (e.g. during a handoff) is counted as unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from clinic.hours import is_open
from clinic.profile import ClinicProfile
from clinic.store import STATUSES
from insights.bookings import Booking
from insights.conversations import Conversation, UserMessage
from insights.grouping import Group, group_messages

FALLBACK, OUT_OF_SCOPE = "nlu_fallback", "out_of_scope"


@dataclass(frozen=True)
class Period:
    """Calendar days, inclusive, in the clinic's time zone."""

    first: dt.date
    last: dt.date
    timezone: str

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(0), tzinfo=ZoneInfo(self.timezone))

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(self.timezone))

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(ZoneInfo(self.timezone))


@dataclass
class Insights:
    """Everything the report shows; `summary` is the JSON-friendly headline figures."""

    period: Period
    summary: dict[str, Any]
    conversations_per_day: list[int]
    conversations_per_hour: dict[str, list[int]]  # "open" / "after_hours" -> count per hour of day
    topics: list[tuple[str, int]]
    fallback_rate_per_day: list[float | None]
    out_of_scope_rate_per_day: list[float | None]
    groups: list[Group]
    bookings_per_day: dict[str, list[int]]  # status -> count per day
    latency_per_day: list[tuple[float | None, float | None, int]]  # median, p90, replies
    notes: list[str] = field(default_factory=list)


def compute(
    conversations: Sequence[Conversation], bookings: Sequence[Booking], clinic: ClinicProfile, period: Period
) -> Insights:
    """All figures for the period; pure, so tests and the CLI get the same numbers."""
    days = period.days
    index = {day: n for n, day in enumerate(days)}
    begun = [c for c in conversations if period.start <= c.started < period.end]
    per_day, per_hour = [0] * len(days), {"open": [0] * 24, "after_hours": [0] * 24}
    for conversation in begun:
        local = period.local(conversation.started)
        per_day[index[local.date()]] += 1
        per_hour["open" if is_open(clinic, conversation.started) else "after_hours"][local.hour] += 1
    after_hours = sum(per_hour["after_hours"])

    messages = [m for c in conversations for m in c.messages]
    questions = [m for m in messages if not m.form_answer]
    fallbacks = [m for m in questions if m.intent == FALLBACK]
    out_of_scope = [m for m in questions if m.intent == OUT_OF_SCOPE]
    asked_by_day: list[list[UserMessage]] = [[] for _ in days]
    for message in questions:
        asked_by_day[index[period.local(message.at).date()]].append(message)

    replies = [m.latency for m in messages if m.latency is not None]
    replies_by_day: list[list[float]] = [[] for _ in days]
    for message in messages:
        if message.latency is not None:
            replies_by_day[index[period.local(message.at).date()]].append(message.latency)

    by_status: Counter = Counter({status: 0 for status in STATUSES})
    by_kind: Counter = Counter({"booking": 0, "callback": 0})
    bookings_per_day = {status: [0] * len(days) for status in STATUSES}
    for booking in bookings:
        by_status[booking.status] += 1
        by_kind[booking.kind] += 1
        day = index[period.local(booking.created).date()]
        bookings_per_day.setdefault(booking.status, [0] * len(days))[day] += 1

    groups = group_messages((m.text or "", m.intent) for m in fallbacks + out_of_scope)
    summary = {
        "period_from": period.first.isoformat(),
        "period_to": period.last.isoformat(),
        "timezone": period.timezone,
        "conversations": len(begun),
        "conversations_after_hours": after_hours,
        "after_hours_share": _share(after_hours, len(begun)),
        "user_messages": len(messages),
        "form_answers": len(messages) - len(questions),
        "questions": len(questions),
        "fallback_messages": len(fallbacks),
        "fallback_rate": _share(len(fallbacks), len(questions)),
        "out_of_scope_messages": len(out_of_scope),
        "out_of_scope_rate": _share(len(out_of_scope), len(questions)),
        "fallback_groups": len(groups),
        "bookings": len(bookings),
        "bookings_by_status": dict(by_status),
        "bookings_by_kind": dict(by_kind),
        "median_latency_s": _percentile(replies, 50),
        "p90_latency_s": _percentile(replies, 90),
        "unanswered_messages": sum(m.latency is None for m in messages),
    }
    return Insights(
        period=period,
        summary=summary,
        conversations_per_day=per_day,
        conversations_per_hour=per_hour,
        topics=sorted(Counter(m.label for m in questions).items(), key=lambda item: (-item[1], item[0])),
        fallback_rate_per_day=[_share(sum(m.intent == FALLBACK for m in day), len(day)) for day in asked_by_day],
        out_of_scope_rate_per_day=[
            _share(sum(m.intent == OUT_OF_SCOPE for m in day), len(day)) for day in asked_by_day
        ],
        groups=groups,
        bookings_per_day=bookings_per_day,
        latency_per_day=[(_percentile(day, 50), _percentile(day, 90), len(day)) for day in replies_by_day],
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    """numpy's linear percentile, rounded to milliseconds; None for no values."""
    if not values:
        return None
    import numpy as np

    return round(float(np.percentile(np.asarray(values, dtype=float), q)), 3)
