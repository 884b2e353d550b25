"""``python -m recommendations suggest-quality``: how often the suggestions find the links curators made."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from recommendations.cli import common

if TYPE_CHECKING:  # the suggester (pandas and the read side) is imported by this command only
    from sqlalchemy.engine import Engine

    from recommendations.read.suggest_quality import Ranked

DATA = Path(__file__).resolve().parents[2] / "data"


def _line(pair: Ranked, k: int) -> str:
    where = f"rank {pair.rank} ({pair.score:.2f})" if pair.rank is not None and pair.score is not None else "not ranked"
    mark = "in top" if pair.within(k) else "MISSED"
    return f"  {mark:6} {where:18} {pair.source} -> {pair.target}" + (
        "" if pair.within(k) else f"   (top {k}: {', '.join(pair.top)})"
    )


def report(engine: Engine, links_yaml: Path, k: int) -> tuple[float, list[str]]:
    """The share of links found in the top ``k``, and the report's lines."""
    from recommendations.read.suggest_quality import examined_not_linked, link_recall, pair_ranks

    recall = link_recall(engine, k)
    lines = [f"links (later -> earlier): is the earlier among the later one's top {k} suggestions?"]
    lines += [_line(pair, k) for pair in recall.pairs]
    lines.append(
        f"{recall.hits} of {len(recall.pairs)} links ({recall.share:.1%}) have their earlier recommendation in the "
        f"top {k}"
    )
    links = {(p.source, p.target) for p in recall.pairs}
    examined = [pair for pair in examined_not_linked(links_yaml) if pair not in links]
    ranked = [p for p in pair_ranks(engine, examined, k) if p.source != p.target]
    if ranked:
        lines += ["", f"pairs examined and not linked (the comments of {links_yaml.name}): plausible confusions"]
        lines += [_line(pair, k).replace("MISSED", "below") for pair in ranked]
        found = sum(p.within(k) for p in ranked)
        lines.append(f"{found} of {len(ranked)} examined, not linked pairs are in the top {k}")
    return recall.share, lines


def cmd_suggest_quality(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    with tempfile.TemporaryDirectory(prefix="suggest-quality-") as tmp:
        if args.database:
            engine = common.engine()
        else:
            from models.db import make_engine
            from recommendations.dataset.loader import DataInvalid, load_folder

            engine = make_engine(f"sqlite:///{Path(tmp) / 'quality.db'}")
            try:
                load_folder(folder, engine)
            except DataInvalid as exc:
                common.print_problems(exc.problems)
                return 1
        try:
            share, lines = report(engine, folder / "links.yaml", args.k)
        finally:
            engine.dispose()
    print("\n".join(lines))
    if share < args.min:
        print(f"below the target of {args.min:.0%}", file=sys.stderr)
        return 1
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "suggest-quality",
        help="check the suggested earlier recommendations against the links curators made",
        description=(
            "Load DIR into a temporary SQLite database (or, with --database, use $DATABASE_URL as it is), put each "
            "link's later recommendation to the suggester as a curator adding its document would (its own text, "
            "themes and addressees; its own document excluded; sources up to its date) and print whether the "
            "earlier one is in the top K, the share, and how the pairs examined and not linked (the comments of "
            "links.yaml) rank. Exit 1 when the share is below --min."
        ),
        epilog=(
            "examples:\n  python -m recommendations suggest-quality\n"
            "  python -m recommendations suggest-quality -k 3 --min 0.7"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", nargs="?", default=str(DATA), help="data folder (default: data/)")
    p.add_argument("-k", type=int, default=5, help="how many suggestions count (default 5)")
    p.add_argument("--min", type=float, default=0.8, help="the share below which the command fails (default 0.8)")
    p.add_argument("--database", action="store_true", help="use $DATABASE_URL as loaded, not a fresh load of DIR")
    p.set_defaults(func=cmd_suggest_quality)
