"""`make staff ARGS="add name@clinic --role practitioner|admin"`: staff accounts from a terminal.

The password is asked twice at the prompt, or read from standard input when it is not a terminal
(for scripts: `printf '%s\n' "$PASSWORD" | make staff ARGS="add ..."`). There is no default password.

    make staff ARGS="add lead@riverside --role admin"
    make staff ARGS="list"
"""

from __future__ import annotations

import argparse
import getpass
import sys

from staff import accounts
from staff.models import ROLES


def _password() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Same password again: ") != first:
        print("The two passwords differ.", file=sys.stderr)
        return None
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='make staff ARGS="..."', description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account, or reset its password and role")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    sub.add_parser("list", help="the accounts")
    args = parser.parse_args(argv)
    if args.command == "list":
        for staff in accounts.list_users():
            print(f"{staff.email}  {staff.role}")
        return 0
    password = _password()
    if password is None:
        return 1
    try:
        staff = accounts.add_user(args.email, args.role, password)
    except accounts.AccountError as exc:
        print(exc, file=sys.stderr)
        return 2
    accounts.audit("terminal", "account_saved", staff.email, staff.role)
    print(f"Account {staff.email} ({staff.role}) is ready: log in at the staff app (make run).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
