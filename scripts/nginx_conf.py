"""Render deploy/nginx/clinic.conf.template for a set of Rasa and action servers.

    python scripts/nginx_conf.py --listen 0.0.0.0:8080 --action-listen 127.0.0.1:5056 \
        --rasa 10.0.0.11:5005 --rasa 10.0.0.12:5005 --actions 10.0.0.21:5055 --actions 10.0.0.22:5055 \
        --dir /var/lib/clinic-nginx > clinic.conf
"""

from __future__ import annotations

import argparse
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "clinic.conf.template"


def render(listen: str, action_listen: str, rasa: list[str], actions: list[str], directory: str) -> str:
    """The nginx config; `directory` holds its pid file, error log and temporary files."""

    def servers(addresses: list[str]) -> str:
        return "\n".join(f"        server {a} max_fails=2 fail_timeout=3s;" for a in addresses)

    if not rasa or not actions:
        raise ValueError("at least one Rasa server and one action server are needed")
    return (
        TEMPLATE.read_text()
        .replace("@@RASA_SERVERS@@", servers(rasa))
        .replace("@@ACTION_SERVERS@@", servers(actions))
        .replace("@@LISTEN@@", listen)
        .replace("@@ACTION_LISTEN@@", action_listen)
        .replace("@@DIR@@", directory)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", required=True)
    ap.add_argument("--action-listen", required=True)
    ap.add_argument("--rasa", action="append", required=True)
    ap.add_argument("--actions", action="append", required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    print(render(args.listen, args.action_listen, args.rasa, args.actions, args.dir))


if __name__ == "__main__":
    main()
