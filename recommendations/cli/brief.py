"""``python -m recommendations brief``: the meeting brief as a file, the same brief as the page's downloads."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from recommendations.cli import common
from recommendations.dataset.brief_file import FORMATS


def _languages() -> list[str]:
    from recommendations.read.brief import LANGUAGES

    return list(LANGUAGES)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def meeting_date(value: str) -> dt.date:
    """A meeting date as YYYY-MM-DD (a real day); anything else is refused before anything is read or written."""
    try:
        if _ISO_DAY.match(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a date as YYYY-MM-DD (for example 2022-10-19)")


def cmd_brief(args: argparse.Namespace) -> int:
    from models.db import migrate
    from recommendations.dataset.brief_file import brief_file
    from recommendations.read.brief import DEFAULT_LANGUAGE, build_brief
    from recommendations.read.brief.lines import counted
    from recommendations.read.filters import Filters

    engine = common.engine()
    migrate(engine)
    themes, addressees = args.theme or [], args.addressee or []
    unknown = common.unknown_filter_values(engine, Filters(themes=themes, addressees=addressees))
    if unknown:
        for line in unknown:
            print(f"error: {line}", file=sys.stderr)
        print("no brief was written", file=sys.stderr)
        return 2
    built = build_brief(
        engine,
        themes=themes,
        addressees=addressees,
        meeting_date=args.date or dt.date.today(),
        lang=args.lang or DEFAULT_LANGUAGE,
    )
    data = brief_file(built, args.format)
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    chronic = counted(len(built.chronic), "chronic ask")
    print(f"wrote {out} ({len(data):,} bytes): {counted(len(built.items), 'open recommendation')}, {chronic}")
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "brief",
        help="write the meeting brief (docx, md, csv or xlsx), the same brief as the Meeting brief page",
        description=(
            "The recommendations still open on the chosen themes and addressees as they stood on the meeting date, "
            "with the selection, the counts and the chronic asks first and the known gaps last: the brief the "
            "Meeting brief page downloads. It is the public view: drafts and reviewers' comments are never in it. "
            "Without --theme or --addressee it covers every open recommendation. Unknown ids or a bad date: "
            "exit 2, nothing written."
        ),
        epilog=(
            "examples:\n"
            "  python -m recommendations brief --theme recruitment --addressee molvt --date 2022-10-19 "
            "--format docx --out brief.docx\n"
            "  python -m recommendations brief --theme recruitment --format md --out brief.md\n"
            "  python -m recommendations brief --addressee recruitment-agencies --format xlsx --out brief.xlsx"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--theme", action="append", metavar="ID", help="theme id (repeatable; any of them)")
    p.add_argument("--addressee", action="append", metavar="ID", help="actor id (repeatable; any of them)")
    p.add_argument("--date", type=meeting_date, metavar="YYYY-MM-DD", help="the meeting date (default: today)")
    p.add_argument("--lang", choices=common.Later(_languages), metavar="LANG",
                   help="the brief's language: %(choices)s")  # fmt: skip
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.set_defaults(func=cmd_brief)
