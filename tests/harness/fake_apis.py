"""Loopback stand-ins for the Telegram Bot API and Twilio's Messages API, recording what the bot sends.

Only the methods the channels call are implemented: getMe, setWebhook and sendMessage (Telegram) and
Messages.json (Twilio). Each runs in a thread on 127.0.0.1 and stops with the test.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class _Recorder(BaseHTTPRequestHandler):
    calls: list[dict[str, Any]]
    bot_name = "clinic_test_bot"

    def log_message(self, *args: Any) -> None:
        pass

    def _fields(self) -> dict[str, Any]:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            return json.loads(body or "{}")
        return {k: v[0] for k, v in parse_qs(body).items()}

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        fields = self._fields()
        telegram = re.match(r"^/bot[^/]+/(\w+)$", self.path)
        twilio = re.match(r"^/2010-04-01/Accounts/(\w+)/Messages.json$", self.path)
        if telegram:
            method = telegram.group(1)
            self.calls.append({"api": "telegram", "method": method, **fields})
            if method == "getMe":
                return self._reply(
                    200,
                    {
                        "ok": True,
                        "result": {"id": 42, "is_bot": True, "first_name": "Clinic", "username": self.bot_name},
                    },
                )
            if method == "sendMessage":
                return self._reply(
                    200,
                    {
                        "ok": True,
                        "result": {
                            "message_id": len(self.calls),
                            "date": int(time.time()),
                            "chat": {"id": int(fields.get("chat_id", 0)), "type": "private"},
                            "text": fields.get("text", ""),
                        },
                    },
                )
            return self._reply(200, {"ok": True, "result": True})
        if twilio:
            self.calls.append({"api": "twilio", **fields})
            return self._reply(
                201,
                {
                    "sid": f"SM{len(self.calls):032d}",
                    "account_sid": twilio.group(1),
                    "to": fields.get("To"),
                    "from": fields.get("From"),
                    "body": fields.get("Body"),
                    "status": "queued",
                },
            )
        self._reply(404, {"ok": False, "description": "not implemented here"})

    do_GET = do_POST


class FakeApis:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        handler = type("Handler", (_Recorder,), {"calls": self.calls})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeApis:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sent(self, api: str, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [c for c in self.calls if c["api"] == api and (api == "twilio" or c["method"] == method)]
