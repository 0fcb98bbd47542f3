"""Serve the clinic's web page with the chat widget (http://localhost:8080/ by default).

A few files, so the standard library's http.server is enough: the page and its stylesheet from
web/public/, the widget bundle from the pinned npm package (web/node_modules/rasa-webchat/lib/index.js,
never a CDN), and /config.js telling the widget where the Rasa server is (RASA_PUBLIC_URL). Every
response carries a Content-Security-Policy that allows scripts only from this page's own origin.
"""

from __future__ import annotations

import argparse
import json
import os
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ROOT / "web" / "public"
WIDGET = ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"


def clinic_name() -> str:
    """The clinic's name from clinic.yml (CLINIC_PROFILE), shown on the page and the widget."""
    import yaml

    path = Path(os.environ.get("CLINIC_PROFILE") or ROOT / "clinic.yml")
    try:
        return str(yaml.safe_load(path.read_text(encoding="utf-8")).get("name") or "Our clinic")
    except (OSError, yaml.YAMLError, AttributeError):
        return "Our clinic"


class PageHandler(SimpleHTTPRequestHandler):
    rasa_url = "http://localhost:5005"

    def end_headers(self) -> None:
        ws = self.rasa_url.replace("http://", "ws://").replace("https://", "wss://")
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self' data:; connect-src 'self' {self.rasa_url} {ws}; "
            f"frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            config = {"rasaUrl": self.rasa_url, "clinicName": clinic_name()}
            body = ("window.CLINIC_CHAT = " + json.dumps(config) + ";\n").encode()
            return self._send(body, "application/javascript")
        if path == "/vendor/webchat.js":
            if not WIDGET.is_file():
                self.send_error(503, "widget not installed: run `make setup`")
                return None
            return self._send(WIDGET.read_bytes(), "application/javascript")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # keep the console quiet; no visitor data
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PAGE_PORT", 8080)))
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_PUBLIC_URL", "http://localhost:5005"))
    args = parser.parse_args()
    handler = type("Handler", (PageHandler,), {"rasa_url": args.rasa_url.rstrip("/")})
    server = ThreadingHTTPServer((args.host, args.port), partial(handler, directory=str(PUBLIC)))
    print(f"Clinic page with the chat widget: http://{args.host}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
