"""``python -m recommendations``: everything a maintainer does without the UI."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from recommendations import settings
from recommendations.cli import brief, common, curation, suggest, translations
from recommendations.cli.people import cmd_check_config, cmd_import_updates, cmd_users
from recommendations.progress import Progress

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# Each command imports what it runs (`users` need not import pandas, the read side or the Word writer): a
# command's start is most of its time in scripts and in the tests, which run a few hundred.

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SCHEMA_DIR = ROOT / "docs" / "schema"

EPILOG = """examples:
  python -m recommendations validate            # check data/ and every cross-reference
  python -m recommendations load                # load data/ into $DATABASE_URL (SQLite by default)
  python -m recommendations export --format csv --out recommendations.csv --theme recruitment
  python -m recommendations export --format yaml --out backup/   # same layout as data/
  python -m recommendations brief --theme recruitment --date 2022-10-19 --format docx --out brief.docx
  python -m recommendations import-source --as EMAIL --text a.pdf --source 2017-afml10 --recommendations r.csv
  python -m recommendations suggest-quality     # do the suggestions find the links curators made?
  DATABASE_URL=postgresql+psycopg://user@host/db python -m recommendations load
"""


def cmd_validate(args: argparse.Namespace) -> int:
    from recommendations.dataset import parsing

    parsing.parse_ahead(Path(args.dir))  # parses while the checks are imported
    from recommendations.dataset.validate import read_dataset

    common.imported()
    data, problems = read_dataset(Path(args.dir), Progress("of YAML read", unit="bytes"), keep=False)
    if problems:
        common.print_problems(problems)
        return 1
    n = data.counts
    print(
        f"ok: {n['sources']} sources, {n['recommendations']} recommendations, {n['actors']} actors, "
        f"{n['themes']} themes, {n['evidence']} evidence items, {n['assessments']} assessments, "
        f"{n['links']} links, {n['research_log']} research-log entries"
    )
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from recommendations.dataset import kept_rows, parsing

    # the files parsed while the checks are imported and the schema migrated, unless the load will likely read none
    if not args.if_empty and not kept_rows.likely(Path(args.dir)):
        parsing.parse_ahead(Path(args.dir))
        from recommendations.dataset import validate  # noqa: F401  (the read's checks, imported with the rest)
    from recommendations.dataset.loader import DataInvalid, load_folder, prepare

    engine = common.engine()  # and the database's driver
    common.imported()
    try:
        if args.if_empty:
            report = prepare(engine, Path(args.dir))
            if report is None:
                print("database already loaded; nothing to do (run `load` without --if-empty to sync)")
                return 0
        else:
            report = load_folder(Path(args.dir), engine, Progress("of YAML read", unit="bytes"))
    except DataInvalid as exc:
        common.print_problems(exc.problems)
        print("nothing was loaded; the database is unchanged", file=sys.stderr)
        return 1
    print(f"loaded {args.dir} into {engine.url.render_as_string(hide_password=True)}")
    if report.unchanged_files:
        print("no changes: the files are those of the last load (nothing was read)")
        return 0
    if report.kept_rows:
        print("the files are those of an earlier read: its kept rows were compared (nothing was read)")
    if report.skipped:
        print(f"{len(report.skipped)} of {len(report.tables)} tables were as the last load of these files left them "
              f"(by their digests): not compared ({', '.join(report.skipped)})")  # fmt: skip
    for line in report.lines():
        print("  " + line)
    if not report.changed:
        print("no changes: the database already matched the data")
        return 0
    if args.prepare:
        _prepare_reads(engine)
    return 0


def _prepare_reads(engine: Engine) -> None:
    """Store the Overview's figures of the whole data just loaded (``read.stored.prepare``): its first reader after
    a load then does not wait while a server works them out. A failure costs only that wait."""
    from recommendations.read import stored

    start = time.perf_counter()
    try:
        stored.prepare(engine)
    except Exception as error:  # the load is committed: the servers work the figures out themselves
        print(f"the Overview's figures were not stored ({error}); the servers will work them out", file=sys.stderr)
        return
    print(f"the Overview's figures of the whole data worked out and stored in {time.perf_counter() - start:.1f} s")


def cmd_export(args: argparse.Namespace) -> int:
    from models.db import migrate
    from recommendations import visibility
    from recommendations.dataset.export import export
    from recommendations.read.filters import Filters

    engine = common.engine()
    migrate(engine)
    filters = Filters(
        sources=args.source or [],
        themes=args.theme or [],
        addressees=args.addressee or [],
        statuses=args.status or [],
        kinds=args.kind or [],
        research=args.research or [],
        year_from=args.year_from,
        year_to=args.year_to,
        text=args.search or "",
    )
    unknown = common.unknown_filter_values(engine, filters)
    if unknown:
        for line in unknown:
            print(f"error: {line}", file=sys.stderr)
        print("nothing was exported", file=sys.stderr)
        return 2
    if args.format == "yaml" and not filters.is_empty():
        print("the yaml export is always the whole database (it is a backup); drop the filters", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    try:
        # the yaml backup holds every draft and comment (loading it reproduces the database), unless --public
        viewer = visibility.PUBLIC if args.public or args.format != "yaml" else visibility.EVERYTHING
        result = export(engine, args.format, out, filters, viewer)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if isinstance(result, list):  # the yaml layout, always written to --out
        print(f"wrote {len(result)} files under {out}")
    elif out is None:
        sys.stdout.buffer.write(result)
    else:
        print(f"wrote {out} ({len(result)} bytes)")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from recommendations.dataset.synth import synthesise

    progress = Progress("recommendations written")
    counts = synthesise(
        Path(args.out), args.recommendations, assessments_per_recommendation=args.assessments_per_recommendation,
        seed=args.seed, progress=progress,
    )  # fmt: skip
    print(f"wrote a synthetic dataset to {args.out}: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring the schema to the newest revision (under the migration lock: safe from several servers)."""
    from models.db import migrate

    del args
    engine = common.engine()
    migrate(engine)
    print(f"schema of {engine.url.render_as_string(hide_password=True)} is current")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from recommendations.dataset.schema import json_schemas

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (out / name).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(json_schemas())} JSON Schemas to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m recommendations",
        description="Recommendation tracker for labour-migration advocacy: data maintenance commands.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "validate",
        help="check the YAML files and every cross-reference",
        description="Check every file under DIR and report ALL problems as path:line: message. Exit 1 if any.",
        epilog="example:\n  python -m recommendations validate data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", nargs="?", default=str(DATA), help="data folder (default: data/)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "load",
        help="validate, then load into the database in one transaction",
        description=(
            "Validate DIR, then load it into $DATABASE_URL in one transaction (default: "
            f"{settings.DEFAULT_DATABASE_URL}). Loading twice changes nothing; assessments recorded in the app are "
            "kept; on any problem the database is left exactly as it was."
        ),
        epilog=(
            "examples:\n  python -m recommendations load\n  python -m recommendations load --if-empty\n"
            "  python -m recommendations load --prepare   # a reload while the app serves readers"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", nargs="?", default=str(DATA), help="data folder (default: data/)")
    p.add_argument("--if-empty", action="store_true", help="only load when the database holds no sources yet")
    p.add_argument(
        "--prepare",
        action="store_true",
        help="after a load that changed the data, work out and store the Overview's figures of the whole data, so "
        "its first reader does not wait for them (10,000 recommendations: about 1.3 s and 100 MB more; "
        "50,000: 7.5 s and 180 MB)",
    )
    p.set_defaults(func=cmd_load)

    p = sub.add_parser(
        "export",
        help="export the database as yaml, json, csv or xlsx",
        description=(
            "yaml: the whole database in the data/ layout (load it to reproduce the database). "
            "json/csv/xlsx: one row per recommendation with its current status; filters narrow the rows. "
            "CSV/XLSX cells starting with = + - @ are neutralised for spreadsheets."
        ),
        epilog=(
            "examples:\n  python -m recommendations export --format xlsx --out all.xlsx\n"
            "  python -m recommendations export --format json --status in_progress --theme complaints-justice\n"
            "  python -m recommendations export --format yaml --out backup/"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", required=True, choices=["yaml", "json", "csv", "xlsx"])
    p.add_argument("--out", help="file (json/csv/xlsx; default: standard output) or folder (yaml)")
    p.add_argument("--source", action="append", help="source id (repeatable)")
    p.add_argument("--theme", action="append", help="theme id (repeatable)")
    p.add_argument("--addressee", action="append", help="actor id (repeatable)")
    p.add_argument("--status", action="append", help="status (repeatable)")
    p.add_argument("--kind", action="append", help="recommendation kind (repeatable)")
    p.add_argument(
        "--research", action="append", help="research state: not_researched, researched or assessed (repeatable)"
    )
    p.add_argument("--year-from", type=int)
    p.add_argument("--year-to", type=int)
    p.add_argument("--search", help="words in the title or text")
    p.add_argument(
        "--public",
        action="store_true",
        help="yaml: only what the public sees (no drafts, returned drafts or reviewers' comments); without it the "
        "yaml export is the full backup",
    )
    p.set_defaults(func=cmd_export)

    brief.add_parser(sub)

    p = sub.add_parser(
        "synth",
        help="write a synthetic dataset in the data/ layout (for measuring the tracker at scale)",
        description="Write N synthetic recommendations (sources 2011-2026 in ten ASEAN countries, with texts, "
        "about 7 evidence items and K assessments each, links) to DIR. Deterministic for a seed; validate passes.",
        epilog="example:\n  python -m recommendations synth --recommendations 10000 --out /tmp/synth10k --seed 1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--recommendations", type=int, required=True, metavar="N")
    p.add_argument("--assessments-per-recommendation", type=int, default=10, metavar="K")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser(
        "migrate",
        help="apply pending schema migrations (the app and `load` do this themselves)",
        description="Upgrade $DATABASE_URL to the newest schema under an advisory lock, so several app servers "
        "or a start-up step may run it at once. Equivalent to `alembic upgrade head` with the lock.",
        epilog="example:\n  DATABASE_URL=postgresql+psycopg://tracker@db/tracker python -m recommendations migrate",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "schema",
        help="write the JSON Schemas editors use to check YAML as they type",
        epilog="example:\n  python -m recommendations schema --out docs/schema",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default=str(SCHEMA_DIR))
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser(
        "users",
        help="accounts: add, list, disable, set-role, set-password (the first admin is created here)",
        description="Manage accounts in $DATABASE_URL. Passwords are read from standard input, never from the "
        "command line, and stored only as argon2 hashes.",
        epilog=(
            "examples:\n"
            "  echo 'a long passphrase here' | python -m recommendations users add admin@example.org --role admin "
            "--name 'Admin' --password-stdin\n"
            "  python -m recommendations users add sok@cwcc.example --role contributor --organisation cwcc "
            "--password-stdin\n"
            "  python -m recommendations users list\n"
            "  python -m recommendations users set-role sok@cwcc.example reviewer\n"
            "  python -m recommendations users disable sok@cwcc.example"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    users = p.add_subparsers(dest="users_command", required=True)
    q = users.add_parser("add", help="create an account")
    q.add_argument("email")
    q.add_argument("--role", required=True, help="contributor, reviewer or admin")
    q.add_argument("--organisation", help="actor id of the user's organisation (needed for contributors, reviewers)")
    q.add_argument("--name", help="the name shown in the history (default: the part of the email before @)")
    q.add_argument("--password-stdin", action="store_true", help="read the password (12+ characters) from stdin")
    users.add_parser("list", help="list accounts (never their passwords)")
    q = users.add_parser("disable", help="disable an account and end its sessions")
    q.add_argument("email")
    q = users.add_parser("enable", help="let a disabled account log in again")
    q.add_argument("email")
    q = users.add_parser("set-role", help="change an account's role (its sessions end)")
    q.add_argument("email")
    q.add_argument("role")
    q = users.add_parser("set-password", help="set a new password, read from stdin")
    q.add_argument("email")
    q.add_argument("--password-stdin", action="store_true", required=True)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser(
        "import-updates",
        help="record many assessments from a CSV or XLSX file (the export's assessments sheet)",
        description=(
            "Check every row of FILE as the account EMAIL would record it in the app (same rules, same "
            "permissions), report each problem by row and column, and write all valid rows in one transaction "
            "as drafts of the account's organisation (--publish: published, reviewers only). --dry-run writes nothing."
        ),
        epilog=(
            "examples:\n  python -m recommendations import-updates updates.xlsx --as reviewer@cwcc.example --dry-run\n"
            "  python -m recommendations import-updates updates.csv --as contributor@cwcc.example"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file")
    p.add_argument("--as", dest="as_email", required=True, metavar="EMAIL", help="the account the rows are recorded as")
    p.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    p.add_argument("--publish", action="store_true", help="record as published (the account must be a reviewer)")
    p.set_defaults(func=cmd_import_updates)

    p = sub.add_parser(
        "check-config",
        help="print every setting and where it came from; exit 1 on any problem",
        description="Read every environment variable and the secrets file as the app does, print each setting with "
        "its origin (environment, secrets file, default; never a secret's value) and exit 1 if any is wrong.",
    )
    p.set_defaults(func=cmd_check_config)
    translations.add_parser(sub)
    curation.add_parser(sub)
    suggest.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.func not in (cmd_validate, cmd_load):  # those two say when their modules are imported
        common.imported()
    try:
        code: int = args.func(args)
        return code
    except settings.SettingsError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(
            "fix the settings above (see `python -m recommendations check-config`); nothing was done", file=sys.stderr
        )
        return 2
