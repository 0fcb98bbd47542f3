"""Property tests (hypothesis): whatever a patient types, every validator answers sensibly.

A validator either accepts (value, None) or refuses (None, reason) with a short reason the form can
show; it never raises, never accepts something a booking cannot use, and accepts what it should.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import phonenumbers
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clinic import hours, store, validators
from clinic.profile import profile

CLINIC = profile()
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo(CLINIC.timezone))  # a Tuesday, open
ANY_TEXT = st.text(max_size=400)  # every Unicode category: emoji, RTL, CJK, control characters
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _well_formed(result) -> bool:
    value, reason = result
    if value is None:
        return isinstance(reason, str) and 0 < len(reason) < 300
    return reason is None


@FAST
@given(ANY_TEXT)
def test_names_are_accepted_or_refused_never_crash(text):
    result = validators.validate_name(text)
    assert _well_formed(result)
    name, _ = result
    if name is not None:
        assert 2 <= len(name) <= 60 and not re.search(r"[\d@<>]", name)


@FAST
@given(ANY_TEXT)
def test_contacts_are_a_valid_phone_or_email_or_refused(text):
    result = validators.validate_contact(text, CLINIC.country)
    assert _well_formed(result)
    contact, _ = result
    if contact is not None:
        if "@" in contact:
            local, _, domain = contact.rpartition("@")
            assert local and "." in domain
        else:
            assert validators.usable_number(phonenumbers.parse(contact))


@FAST
@given(
    st.integers(min_value=0, max_value=999_999_999),
    st.sampled_from(["", " ", "-"]),
    st.sampled_from(["", "my number is ", "call me on ", "it's "]),
)
def test_a_valid_uk_mobile_in_any_layout_comes_back_as_e164(digits, sep, prefix):
    national = f"07{digits:09d}"
    number = phonenumbers.parse(national, "GB")
    typed = prefix + national[:5] + sep + national[5:]
    value, reason = validators.validate_contact(typed, "GB")
    if phonenumbers.is_valid_number(number):
        assert value == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    else:
        assert value is None and reason


@FAST
@given(st.emails())
def test_email_addresses_are_accepted_or_refused_never_crash(address):
    result = validators.validate_contact(address, CLINIC.country)
    assert _well_formed(result)
    if result[0] is not None:
        assert "@" in result[0]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        ANY_TEXT,
        st.sampled_from(
            [
                "tomorrow",
                "next tuesday 3pm",
                "friday morning",
                "in two weeks",
                "1st december",
                "sunday",
                "yesterday",
                "25/12",
                "10am",
                "next month",
                "the 31st of february",
                "asap",
            ]
        ),
    )
)
def test_an_accepted_day_is_a_future_open_day_within_hours(text):
    result = validators.validate_preferred_time(text, CLINIC, NOW)
    assert _well_formed(result)
    when, _ = result
    if when is not None:
        assert when.day >= NOW.date()
        span = hours.hours_on_date(CLINIC, when.day)
        assert span is not None
        if when.time is not None:
            assert span[0] <= when.time <= span[1]


@FAST
@given(
    st.text(alphabet=store.REFERENCE_ALPHABET, min_size=6, max_size=6),
    st.sampled_from(["BR-{}", "br {}", "br-{}", "{}", "my reference is BR{} thanks", "it's br {} i think"]),
    st.booleans(),
)
def test_every_way_of_typing_a_reference_finds_it(code, layout, lower):
    typed = layout.format(code.lower() if lower else code)
    assert store.normalise_reference(typed) == "BR-" + code


@FAST
@given(ANY_TEXT)
def test_any_text_yields_no_reference_or_a_well_formed_one(text):
    found = store.normalise_reference(text)
    assert found is None or re.fullmatch(rf"BR-[{store.REFERENCE_ALPHABET}]{{6}}", found)


@FAST
@given(ANY_TEXT, st.integers(min_value=1, max_value=500))
@example("&lt;script&gt;alert(1)&lt;/script&gt;", 100)
def test_cleaned_text_is_plain_and_bounded(text, limit):
    cleaned = validators.clean(text, limit)
    assert len(cleaned) <= limit and not re.search(r"<[^>]*>", cleaned) and cleaned == cleaned.strip()
