#!/usr/bin/env bash
# Entrypoint of the Rasa server image (Dockerfile.rasa): the same `rasa run` command line as `make run`.
# scripts/rasa_command.py turns the environment into the arguments (model, endpoints, credentials,
# CORS from CLINIC_SITE_ORIGINS, Rasa's HTTP API only with RASA_API_TOKEN or RASA_JWT_SECRET, and
# never without one of them) and prints them NUL-separated; this script reads them as scripts/run.sh
# does and runs Rasa with them.
#   serve (or no argument)   the server on 0.0.0.0:5005
#   rasa ARGS...             any other rasa command, e.g. `docker run -it IMAGE rasa shell -m models/clinic.tar.gz`
# Anything else is refused: the Rasa Helm chart's default arguments (`run --enable-api --cors "*"
# --auth-token ...`) would open the HTTP API and every origin, so values-rasa.yml passes `serve`.
# Address and port are fixed on purpose: Kubernetes injects <SERVICE>_PORT=tcp://... variables into
# pods, which would clash with a RASA_PORT-style setting.
set -euo pipefail
cd /opt/clinic

case "${1:-serve}" in
  serve) ;;
  rasa) shift; exec rasa "$@" ;;
  *) echo "clinic-rasa: unknown command '$1' (use 'serve', or 'rasa ...' for another rasa command)" >&2; exit 2 ;;
esac

rasa_args=()
while IFS= read -r -d '' arg; do rasa_args+=("$arg"); done \
  < <(python scripts/rasa_command.py models/clinic.tar.gz 0.0.0.0 5005 || echo -n FAILED)
if [ "${#rasa_args[@]}" -eq 0 ] || [ "${rasa_args[0]}" != run ]; then exit 1; fi
exec rasa "${rasa_args[@]}"
