"""The REST channel's checks (channels/rest.py) without servers; tests/test_e2e_bad_input.py sends the
same requests to the real servers."""

from __future__ import annotations

import json

import pytest

from channels.rest import LONG_REPLY, MAX_CHARS, BadRequest, SenderRateLimit, clean_text, parse_body


class FakeRequest:
    def __init__(self, body, content_type="application/json"):
        self.headers = {"content-type": content_type}
        self.body = body if isinstance(body, str) else json.dumps(body)

    @property
    def json(self):
        return json.loads(self.body)


BAD = {
    "broken JSON": ('{"sender": "a", "message": ', "application/json", 400),
    "form post": ("sender=a&message=hi", "application/x-www-form-urlencoded", 415),
    "no content type": ({"sender": "a", "message": "hi"}, "", 415),
    "not an object": ('["a", "hi"]', "application/json", 400),
    "no sender": ({"message": "hi"}, "application/json", 400),
    "empty sender": ({"sender": "  ", "message": "hi"}, "application/json", 400),
    "5000-char sender": ({"sender": "x" * 5000, "message": "hi"}, "application/json", 400),
    "number sender": ({"sender": 42, "message": "hi"}, "application/json", 400),
    "control chars in sender": ({"sender": "a\x00b", "message": "hi"}, "application/json", 400),
    "no message": ({"sender": "a"}, "application/json", 400),
    "list message": ({"sender": "a", "message": ["hi"]}, "application/json", 400),
    "string metadata": ({"sender": "a", "message": "hi", "metadata": "x"}, "application/json", 400),
    "huge message id": ({"sender": "a", "message": "hi", "message_id": "m" * 500}, "application/json", 400),
}


@pytest.mark.parametrize("body,content_type,status", BAD.values(), ids=list(BAD))
def test_malformed_requests_are_refused_with_a_status_and_a_reason(body, content_type, status):
    with pytest.raises(BadRequest) as refused:
        parse_body(FakeRequest(body, content_type))
    assert refused.value.status == status and len(str(refused.value)) > 10


def test_a_good_request_keeps_sender_message_id_and_metadata():
    fields = parse_body(
        FakeRequest(
            {"sender": " patient-1 ", "message": "hi", "message_id": 7, "metadata": {"page": "/prices"}},
            "application/json; charset=utf-8",
        )
    )
    assert fields == {"sender": "patient-1", "message": "hi", "message_id": "7", "metadata": {"page": "/prices"}}


def test_one_sender_flooding_is_slowed_and_others_are_not():
    now = [0.0]
    limit = SenderRateLimit(limit=5, window=10, clock=lambda: now[0])
    assert all(limit.allow("flood") for _ in range(5))
    assert not limit.allow("flood") and limit.allow("someone-else")
    now[0] = 11.0
    assert limit.allow("flood")


def test_clean_text_drops_control_characters_and_keeps_every_script():
    assert clean_text("does\x00 it\u200b hurt\x1b?") == "does it hurt?"
    assert clean_text(" שלום\nこんにちは 👋 ") == "שלום\nこんにちは 👋"
    assert clean_text("\x00\x01 \t") == ""
    assert len(LONG_REPLY) < MAX_CHARS
