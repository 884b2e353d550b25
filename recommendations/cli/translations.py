"""``python -m recommendations translations``: keep the interface catalogs in step with the code.

Finds every interface string the code marks (``t("...")``, ``plural("...", "...", n)``, ``N_("...")`` in
dashboard.py, pages/ and recommendations/), adds the new ones to each catalog untranslated, marks the ones the
code no longer uses as obsolete, and prints how much of each language is translated and reviewed. ``--add th``
starts a catalog for a new language. Nothing is compiled: the app reads the catalogs as they are.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path
from typing import TYPE_CHECKING

from recommendations import i18n

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

ROOT = i18n.ROOT
#: The calls whose first string (two for ``plural``) is an interface string.
KEYWORDS = frozenset({"t", "N_", "plural"})
#: Where the code that shows interface strings lives.
SOURCES = ("dashboard.py", "pages", "recommendations")
#: The comment at the top of a new catalog: how to translate and how a review is recorded.
HEADER = """\
# Interface strings of the recommendation tracker in {language}.
# Translate each msgstr as a whole sentence; keep every {{placeholder}} as it is (its order may change).
# A translation is unreviewed until a native speaker has checked it: then add the line
#   # reviewed: by NAME on YYYY-MM-DD
# above the entry. Update with: python -m recommendations translations"""


def source_files(root: Path = ROOT) -> list[Path]:
    """The Python files whose strings go into the catalogs."""
    found: list[Path] = []
    for name in SOURCES:
        path = root / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def marked(path: Path) -> list[tuple[int, str | tuple[str, str]]]:
    """(line, string) of every interface string ``path`` marks: the string arguments of ``t``, ``N_`` and
    ``plural`` calls (read from the syntax tree, so ``rows[t]`` or a variable named ``t`` is no call)."""
    found: list[tuple[int, str | tuple[str, str]]] = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        strings = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if name == "plural" and len(strings) == 2:
            found.append((node.lineno, (strings[0], strings[1])))
        elif name != "plural" and node.args and isinstance(node.args[0], ast.Constant) and strings:
            found.append((node.lineno, strings[0]))
    return found


def template(root: Path = ROOT) -> Catalog:
    """Every interface string the code marks, with where it is used (a catalog without translations)."""
    from babel.messages.catalog import Catalog  # here: every command registers this one, few run it (0.02 s)

    out = Catalog(project="recommendation-tracker", domain=i18n.DOMAIN, fuzzy=False)
    for path in source_files(root):
        for line, message in marked(path):
            out.add(message, locations=[(str(path.relative_to(root)), line)])
    return out


def update(lang: str, root: Path = ROOT, locale_dir: Path | None = None) -> tuple[int, int]:
    """Bring ``lang``'s catalog in step with the code (created if new); (strings added, strings dropped)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    path = (locale_dir or root / "locale") / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    fresh = template(root)
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=i18n.DOMAIN)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(
            locale=lang,
            domain=i18n.DOMAIN,
            project="recommendation-tracker",
            fuzzy=False,
            header_comment=HEADER.format(language=i18n.native_name(lang)),
        )
    before = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    fresh.creation_date = catalog.creation_date  # the header changes only when a person edits the catalog
    catalog.update(fresh, no_fuzzy_matching=True)
    after = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    catalog.obsolete.clear()  # a string the code no longer uses is dropped (git keeps its old translation)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=120, sort_output=True, include_lineno=False)
    return len(after - before), len(before - after)


def cmd_translations(args: argparse.Namespace) -> int:
    langs = [lang for lang in i18n.languages() if lang != i18n.SOURCE_LANGUAGE]
    if args.add:
        if args.add == i18n.SOURCE_LANGUAGE:
            print("error: English is the language the strings are written in; it has no catalog")
            return 1
        if not i18n.script_of(args.add):
            print(f"error: {args.add!r} is not a language code Babel knows (e.g. km, th, lo, my, vi)")
            return 1
        langs = sorted({*langs, args.add})
    for lang in langs:
        added, dropped = update(lang)
        i18n.catalog.cache_clear()
        state = i18n.review_state(lang)
        print(
            f"{lang}: {state.messages} strings, {state.translated} translated, {state.reviewed} reviewed "
            f"(+{added} new, -{dropped} no longer used)"
        )
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``translations`` command."""
    p = sub.add_parser(
        "translations",
        help="add new interface strings to the catalogs (locale/) and say how much is translated and reviewed",
        epilog="examples:\n  python -m recommendations translations\n  python -m recommendations translations --add th",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--add", metavar="LANG", help="start a catalog for a new language (a code such as th)")
    p.set_defaults(func=cmd_translations)
