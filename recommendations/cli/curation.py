"""``python -m recommendations import-source``: add a source document and its recommendations from files, with the
same checks and the same one transaction as the app's page (``write.curation``)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from models.db import migrate
from models.tables import DRAFT_REVIEWS, DRAFTS
from recommendations.cli import common
from recommendations.permissions import PermissionDenied
from recommendations.write.errors import Invalid


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


def _read_document(name: str, data: bytes) -> str:
    """The text of --text. TO BE REPLACED by ``write.extract.read_document`` (the EXTRACT engineer's reader of
    TXT, DOCX and PDF, with its limits) once it is merged; until then only UTF-8 text is read."""
    try:
        from recommendations.write import extract  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        extract = None
    if extract is not None:
        return str(extract.read_document(name, data).text)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SystemExit(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 or paste the text") from None


def _read_sheet(name: str, data: bytes) -> list[dict[str, Any]]:
    """The rows of --recommendations, each with its ``row`` (the header is row 1). TO BE REPLACED by
    ``write.curation_sheet.read_recommendations`` (the EXTRACT engineer's reader of CSV and XLSX, with the safe
    readers of ``write.uploads``) once it is merged; until then only CSV is read here."""
    try:
        from recommendations.write import curation_sheet  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        curation_sheet = None
    if curation_sheet is not None:
        return list(curation_sheet.read_recommendations(name, data))
    if data[:4] == b"PK\x03\x04":
        raise SystemExit(f"{name}: XLSX sheets are read once write/curation_sheet.py is merged; save it as CSV UTF-8")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [
        {**{(k or "").strip(): (v or "") for k, v in row.items()}, "row": number}
        for number, row in enumerate(reader, start=2)
        if any((v or "").strip() for v in row.values())
    ]


def cmd_import_source(args: argparse.Namespace) -> int:
    from recommendations.dataset.yamlio import YamlError, read_yaml
    from recommendations.write import auth, curation

    engine = common.engine()
    migrate(engine)
    with engine.connect() as conn:
        principal = auth.principal_of_account(conn, args.as_email)
    if principal is None:
        print(f"error: no active account {args.as_email!r} (create one with `users add`)", file=sys.stderr)
        return 2
    try:
        full_text = _read_document(args.text, Path(args.text).read_bytes())
        rows = _read_sheet(args.recommendations, Path(args.recommendations).read_bytes())
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
    before = conn.execute(select(func.count()).select_from(DRAFTS)).scalar_one()
    try:
        draft_id = curation.submit_document(
            conn=conn, principal=principal, source=meta, full_text=full_text, rows=rows, fills=args.source,
            supersedes=args.supersedes, text_name=Path(args.text).name,
        )  # fmt: skip
        decided = conn.execute(select(DRAFT_REVIEWS.c.decision).where(DRAFT_REVIEWS.c.draft_id == draft_id)).first()
        if args.publish and decided is None:
            curation.review_document(conn=conn, principal=principal, draft_id=draft_id, decision="published")
    except (Invalid, PermissionDenied) as exc:
        transaction.rollback()
        conn.close()
        for error in getattr(exc, "errors", [exc]):
            print(f"{args.recommendations}: {error}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 2
    if conn.execute(select(func.count()).select_from(DRAFTS)).scalar_one() == before:
        transaction.rollback()
        print(f"already recorded as {draft_id}; nothing new was written")
    elif args.dry_run:
        transaction.rollback()
        print(f"dry run: no problem found; {len(rows)} recommendation(s) would be recorded; nothing was written")
    else:
        transaction.commit()
        print(f"recorded {draft_id} ({len(rows)} recommendation(s)){' and published it' if args.publish else ''}")
    conn.close()
    return 0
