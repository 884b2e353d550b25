"""The commands for people and their work: accounts, uploads of assessments, the settings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from recommendations import settings
from recommendations.cli import common
from recommendations.progress import Progress


def _password_from_stdin() -> str:
    """One line from standard input (a pipe, or typed without echo at a terminal); never echoed or logged."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users(args: argparse.Namespace) -> int:
    from models.db import migrate
    from recommendations.permissions import Principal
    from recommendations.write import accounts, errors

    engine = common.engine()
    migrate(engine)
    who = Principal.command_line()
    try:
        with engine.begin() as conn:
            if args.users_command == "list":
                for user in accounts.list_users(conn=conn, principal=who):
                    state = "active" if user["active"] else "disabled"
                    org = user["organisation_id"] or "-"
                    print(f"{user['email']}\t{user['role']}\t{org}\t{state}\t{user['name']}")
                return 0
            if args.users_command == "add":
                password = _password_from_stdin() if args.password_stdin else None
                accounts.create_user(
                    conn=conn, principal=who, email=args.email, role=args.role, password=password,
                    name=args.name, organisation=args.organisation,
                )  # fmt: skip
                print(
                    f"added {args.email.strip().lower()} as {args.role}"
                    + ("" if password else " (no password: SSO only)")
                )
            elif args.users_command == "disable":
                accounts.disable_user(conn=conn, principal=who, email=args.email)
                print(f"disabled {args.email}; their sessions are ended")
            elif args.users_command == "enable":
                accounts.enable_user(conn=conn, principal=who, email=args.email)
                print(f"enabled {args.email}")
            elif args.users_command == "set-role":
                accounts.set_role(conn=conn, principal=who, email=args.email, role=args.role)
                print(f"{args.email} is now {args.role}")
            elif args.users_command == "set-password":
                accounts.set_password(conn=conn, principal=who, email=args.email, password=_password_from_stdin())
                print(f"password changed for {args.email}")
    except errors.Invalid as exc:
        for error in exc.errors:
            print(f"error: {error.field}: {error.message}", file=sys.stderr)
        print("nothing was changed", file=sys.stderr)
        return 2
    return 0


def cmd_import_updates(args: argparse.Namespace) -> int:
    from models.db import migrate
    from recommendations.write import auth, bulk, uploads

    engine = common.engine()
    migrate(engine)
    with engine.connect() as conn:
        principal = auth.principal_of_account(conn, args.as_email)
    if principal is None:
        print(f"error: no active account {args.as_email!r} (create one with `users add`)", file=sys.stderr)
        return 2
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    progress = Progress("rows checked")
    try:
        report = bulk.import_updates(
            engine, principal, data, commit=not args.dry_run, publish=args.publish, progress=progress
        )
    except uploads.UploadRefused as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1
    for line in report.lines():
        print(f"{args.file}: {line}", file=sys.stderr)
    what = "published" if args.publish else "drafts"
    if args.dry_run:
        print(f"dry run: {report.new} row(s) would be recorded as {what}, {report.unchanged} already recorded, "
              f"{report.errors} with errors; nothing was written")  # fmt: skip
    else:
        print(f"recorded {report.new if report.committed else 0} row(s) as {what} for {principal.organisation_name}; "
              f"{report.unchanged} already recorded, {report.errors} with errors (not written)")  # fmt: skip
    return 1 if report.errors else 0


def cmd_check_config(args: argparse.Namespace) -> int:
    """Every setting, where it came from, and what is wrong (never a secret's value)."""
    del args
    try:
        current = settings.load()
    except settings.SettingsError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s): the tracker refuses to start until they are fixed", file=sys.stderr)
        return 1
    width = max(len(s.name) for s in current.sources)
    for source in current.sources:
        print(f"{source.name:<{width}}  {source.origin:<12}  {source.shown}")
    note = "" if current.cookie_secret else " (no cookie secret: log-ins end when the server restarts; set one"
    note += "" if current.cookie_secret else " in TRACKER_COOKIE_SECRET when running several servers)"
    print("ok: every setting is valid" + note)
    return 0
