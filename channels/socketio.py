"""Rasa's socket.io channel, limited to the clinic's own website origins.

Rasa builds its socket.io server with `cors_allowed_origins=[]`, which turns python-engineio's origin
check off, so any web page could open a websocket to the assistant. This subclass keeps Rasa's channel
as it is (events, session persistence, JWT) and sets the allowed origins to CLINIC_SITE_ORIGINS.
engineio then also writes CORS headers, but `rasa run --cors` (sanic-cors, same origins) already does
for every route, and a doubled Access-Control-Allow-Origin makes browsers refuse the response; so
engineio keeps only its origin check (which is what protects the websocket) and leaves the headers to
sanic-cors.

It also replaces the `session_request` handler: Rasa 3.6 calls `sio.enter_room(...)` without `await`,
but in the pinned python-socketio (5.x, which speaks the protocol of rasa-webchat's socket.io-client
3.x) `enter_room` is a coroutine, so the widget never joined its room and replies to a persistent
session were lost. The replacement awaits it and accepts only a sane session id.
Written for Rasa 3.6.21 (its SocketIOInput.blueprint). Not in components/patches.py: credentials.yml
names this subclass, which changes only its own socket.io server, no Rasa class (README, "Changes to Rasa").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.origins import site_origins

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class ClinicSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        # Checked by python-engineio on every polling request and websocket upgrade.
        engine = self.sio.eio
        engine.cors_allowed_origins = site_origins()
        engine._cors_headers = lambda environ: []  # sanic-cors adds them (see above)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            requested = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and SESSION_ID.match(requested) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return blueprint
