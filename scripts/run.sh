#!/usr/bin/env bash
# Start the action server and the Rasa server on this machine; stop both on Ctrl-C.
#   scripts/run.sh serve   the clinic page with the chat widget at http://localhost:PAGE_PORT/ (8080),
#                          socket.io and REST (http://HOST:RASA_PORT/webhooks/rest/webhook)
#   scripts/run.sh shell   chat in the terminal
# HOST (default 127.0.0.1), RASA_PORT (5005), ACTION_PORT (5055) and CLINIC_SITE_ORIGINS
# (space-separated origins allowed by CORS) can be set in the environment. Rasa's HTTP API stays off
# unless RASA_API_TOKEN or RASA_JWT_SECRET is set (see scripts/rasa_command.py); `serve` sets a random
# RASA_API_TOKEN when neither is, for the staff app's live chats.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-serve}"
HOST="${HOST:-127.0.0.1}"
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
PAGE_PORT="${PAGE_PORT:-8080}"
RASA_PUBLIC_URL="${RASA_PUBLIC_URL:-http://localhost:${RASA_PORT}}"   # where browsers reach Rasa
# The default origins are written once, in channels/origins.py (DEFAULT_ORIGINS).
ORIGINS="${CLINIC_SITE_ORIGINS:-$(.venv/bin/python -c 'from channels.origins import DEFAULT_ORIGINS; print(DEFAULT_ORIGINS)')}"
export ACTION_SERVER_URL="http://127.0.0.1:${ACTION_PORT}/webhook"
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
# Retry e-mails waiting in the outbox (SMTP down or not configured yet) every minute.
export OUTBOX_RETRY_SECONDS="${OUTBOX_RETRY_SECONDS:-60}"
mkdir -p logs

SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" \
  >logs/action-server.log 2>&1 &
actions_pid=$!
page_pid=""
trap 'kill $actions_pid $page_pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:${ACTION_PORT}/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$actions_pid" 2>/dev/null; then
    echo "The action server stopped during start-up:" >&2; tail -n 20 logs/action-server.log >&2; exit 1
  fi
  sleep 0.5
done
echo "Action server ready on 127.0.0.1:${ACTION_PORT} (log: logs/action-server.log)"

if [ "$mode" = shell ]; then
  .venv/bin/rasa shell -m models/clinic.tar.gz --endpoints endpoints.yml
  exit
fi

if [ -f web/node_modules/rasa-webchat/lib/index.js ]; then
  .venv/bin/python scripts/serve_page.py --host "$HOST" --port "$PAGE_PORT" --rasa-url "$RASA_PUBLIC_URL" \
    >logs/page-server.log 2>&1 &
  page_pid=$!
  echo "Clinic page with the chat widget: http://localhost:${PAGE_PORT}/ (log: logs/page-server.log)"
fi

# Live chats reach patients through Rasa's HTTP API: without RASA_API_TOKEN or RASA_JWT_SECRET, this run
# turns it on with a random token, given to the staff app and the check-in scheduler only.
if [ "$mode" = serve ] && [ -z "${RASA_API_TOKEN:-}" ] && [ -z "${RASA_JWT_SECRET:-}" ]; then
  RASA_API_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
  export RASA_API_TOKEN
  echo "Rasa's HTTP API is on for this run with a random token, for the staff app's live chats (RASA_API_TOKEN)"
fi

# The staff app (requests inbox, live chats, insights) on its own port, 127.0.0.1 unless STAFF_HOST says
# otherwise.
staff_pid=""
if [ "$mode" = serve ]; then
  STAFF_PORT="${STAFF_PORT:-8090}"
  RASA_URL="http://127.0.0.1:${RASA_PORT}" .venv/bin/python -m staff.app --host "${STAFF_HOST:-127.0.0.1}" \
    --port "$STAFF_PORT" >logs/staff-app.log 2>&1 &
  staff_pid=$!
  trap 'kill $actions_pid $page_pid $staff_pid 2>/dev/null || true' EXIT INT TERM
  echo "Staff app: http://localhost:${STAFF_PORT}/ (accounts: make staff ARGS=\"add name@clinic --role admin\"; log: logs/staff-app.log)"
fi

# Post-treatment check-ins go out through Rasa's HTTP API (trigger_intent), so the scheduler runs
# only when that API has a token (clinic/checkins.py; nothing to do without Telegram or WhatsApp).
checkins_pid=""
if [ -n "${RASA_API_TOKEN:-}" ] && [ "$mode" = serve ]; then
  RASA_URL="http://127.0.0.1:${RASA_PORT}" .venv/bin/python -m clinic.checkins run --every 60 \
    >logs/checkins.log 2>&1 &
  checkins_pid=$!
  trap 'kill $actions_pid $page_pid $staff_pid $checkins_pid 2>/dev/null || true' EXIT INT TERM
  echo "Check-in scheduler running (log: logs/checkins.log)"
fi

export CLINIC_SITE_ORIGINS="$ORIGINS"
# Ports, CORS and the HTTP API (off unless RASA_API_TOKEN / RASA_JWT_SECRET is set): scripts/rasa_command.py
rasa_args=()
while IFS= read -r -d '' arg; do rasa_args+=("$arg"); done \
  < <(.venv/bin/python scripts/rasa_command.py models/clinic.tar.gz "$HOST" "$RASA_PORT" || echo -n FAILED)
if [ "${#rasa_args[@]}" -eq 0 ] || [ "${rasa_args[0]}" != run ]; then exit 1; fi
echo "Starting the Rasa server; talk to it with:"
echo "  curl -s -XPOST http://${HOST}:${RASA_PORT}/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"hi\"}'"
.venv/bin/rasa "${rasa_args[@]}"
