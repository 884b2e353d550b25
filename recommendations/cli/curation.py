"""``python -m recommendations import-source``: add a source document and its recommendations from files, with the
same checks and the same one transaction as the app's page (``write.curation``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from recommendations.cli import common


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import-source",
        help="add a source document and its recommendations (checked verbatim), as an account",
        description=(
            "Check the document's metadata (--meta, a data/sources/*.yaml file without recommendations and "
            "text_path; or --source, the known gap it fills), its full text (--text) and its recommendations "
            "(--recommendations, a CSV or XLSX sheet: number, section, lead_in, text, title, themes, addressees, "
            "problems, and optionally id) as the account EMAIL would submit them in the app; report every problem by "
            "row and column; record the document as a draft of the account's organisation in one transaction "
            "(--publish: publish it too, reviewers and admins only). Importing the same files again records nothing. "
            "--dry-run writes nothing. Exit 2 on problems."
        ),
        epilog=(
            "examples:\n  python -m recommendations import-source --as reviewer@cwcc.example --text doc.txt "
            "--meta doc.yaml --recommendations recs.csv --dry-run\n"
            "  python -m recommendations import-source --as reviewer@cwcc.example --text afml10.txt "
            "--source 2017-afml10 --recommendations afml10.xlsx --publish"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--as", dest="as_email", required=True, metavar="EMAIL", help="the account it is recorded as")
    p.add_argument("--text", required=True, metavar="FILE", help="the document's full text (TXT, DOCX or PDF)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--meta", metavar="SOURCE.yaml", help="the metadata of a new source document")
    which.add_argument("--source", metavar="EXISTING_ID", help="the known gap (a source id) the document fills")
    p.add_argument("--language", help="the language of the text for --source (BCP-47: en, km)")
    p.add_argument("--recommendations", required=True, metavar="FILE", help="the sheet (CSV or XLSX)")
    p.add_argument("--supersedes", metavar="DRAFT_ID", help="submit as a new version of this draft")
    p.add_argument("--dry-run", action="store_true", help="check and report every problem; write nothing")
    p.add_argument("--publish", action="store_true", help="publish at once (reviewers and admins)")
    p.set_defaults(func=cmd_import_source)


def cmd_import_source(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from models.db import migrate
    from models.tables import DRAFT_REVIEWS, DRAFTS
    from recommendations.dataset.yamlio import YamlError, read_yaml
    from recommendations.permissions import PermissionDenied
    from recommendations.write import auth, curation, curation_sheet, extract
    from recommendations.write.errors import Invalid

    engine = common.engine()
    migrate(engine)
    with engine.connect() as conn:
        principal = auth.principal_of_account(conn, args.as_email)
    if principal is None:
        print(f"error: no active account {args.as_email!r} (create one with `users add`)", file=sys.stderr)
        return 2
    try:
        full_text = extract.read_document(args.text, Path(args.text).read_bytes()).text
        rows: list[dict[str, Any]] = list(
            curation_sheet.read_recommendations(args.recommendations, Path(args.recommendations).read_bytes())
        )
        meta = dict(read_yaml(Path(args.meta)) or {}) if args.meta else {"language": args.language}
    except (OSError, YamlError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Invalid as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 2
    conn = engine.connect()
    transaction = conn.begin()

    def written() -> list[int]:  # drafts and decisions: what this import may add
        return [conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (DRAFTS, DRAFT_REVIEWS)]

    before = written()
    try:
        draft_id = curation.submit_document(
            conn=conn, principal=principal, source=meta, full_text=full_text, rows=rows, fills=args.source,
            supersedes=args.supersedes, text_name=Path(args.text).name,
        )  # fmt: skip
        decided = conn.execute(select(DRAFT_REVIEWS.c.decision).where(DRAFT_REVIEWS.c.draft_id == draft_id)).first()
        if args.publish and decided is None:
            curation.review_document(conn=conn, principal=principal, draft_id=draft_id, decision="published")
    except curation.AlreadyPublished as exc:  # importing the same content again writes nothing
        transaction.rollback()
        conn.close()
        print(f"already published as {exc.draft_id}; nothing new was written")
        return 0
    except (Invalid, PermissionDenied) as exc:
        transaction.rollback()
        conn.close()
        for error in getattr(exc, "errors", [exc]):
            print(f"{args.recommendations}: {error}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 2
    after = written()
    if after == before:
        transaction.rollback()
        print(f"already recorded as {draft_id}; nothing new was written")
    elif args.dry_run:
        transaction.rollback()
        print(f"dry run: no problem found; {len(rows)} recommendation(s) would be recorded; nothing was written")
    else:
        transaction.commit()
        if after[0] == before[0]:
            print(f"published {draft_id}, recorded before ({len(rows)} recommendation(s))")
        else:
            print(f"recorded {draft_id} ({len(rows)} recommendation(s)){' and published it' if args.publish else ''}")
    conn.close()
    return 0
