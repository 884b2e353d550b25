"""A copy of data/ with hostile text in every free-text field, still valid (so the app loads it).

Used to check that no page and no export ever turns data into HTML, a script, an image, a link (other than
an evidence or source address) or a heading.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from recommendations.dataset.yamlio import dump_yaml

# The attacks: a script, an image fetched from elsewhere, a javascript: link, a phishing link, a heading,
# Streamlit colour markup, a spreadsheet formula, and a bare address (which must not become a link).
PAYLOAD = (
    "<script>window.hacked=1</script> <img src=x onerror=window.hacked=2> ![x](http://127.0.0.1:1/x.png) "
    "[click](javascript:alert(1)) [Your session expired - log in again](https://evil.example/login) "
    "# heading :red[red] =1+1 http://bare.example"
)

LIST_FIELDS = {
    "actors.yaml": ("actors", ["name", "acronym", "note"]),
    "themes.yaml": ("themes", ["name", "description"]),
    "glossary.yaml": ("glossary", ["expansion", "note"]),
    "evidence.yaml": ("evidence", ["title", "summary", "citation", "completeness"]),
    "assessments.yaml": ("assessments", ["rationale"]),
    "links.yaml": ("links", ["note"]),
    "context_figures.yaml": ("context_figures", ["destination", "category", "data_source"]),
    "research_log.yaml": ("research_log", ["found", "note"]),
}
SOURCE_FIELDS = ["title", "citation", "place", "gap_note", "curator_note"]
RECOMMENDATION_FIELDS = ["title", "number", "note"]


#: One-line fields (at most 300 characters, as the schema says): the payload is cut to fit.
SHORT = {"title", "name", "acronym", "place", "number", "destination", "category"}


def _spoil(record: dict, fields: list[str], limit: int | None = None) -> None:
    for field in fields:
        value = record.get(field)
        if isinstance(value, str):
            text = f"{value} {PAYLOAD}"
            cut = limit or (300 if field in SHORT else None)
            record[field] = text[:cut] if cut else text


def hostile_copy(source: Path, target: Path) -> Path:
    """Copy ``source`` (a data/ folder) to ``target`` with the payload appended to every free-text field,
    and one recommendation per source whose verbatim text (added to its source text too) is hostile."""
    shutil.copytree(source, target)
    for filename, (key, fields) in LIST_FIELDS.items():
        path = target / filename
        content = yaml.safe_load(path.read_text())
        for record in content[key]:
            limit = 300 if filename in ("actors.yaml", "context_figures.yaml") else None
            _spoil(record, fields, limit)
            if filename == "actors.yaml" and record.get("acronym"):
                record["acronym"] = (record["acronym"] + " <b>x</b> ![i](http://127.0.0.1:1/a.png)")[:300]
        dump_yaml(content, path)
    for path in sorted((target / "sources").glob("*.yaml")):
        source_record = yaml.safe_load(path.read_text())
        _spoil(source_record, SOURCE_FIELDS)
        for rec in source_record.get("recommendations", []):
            _spoil(rec, RECOMMENDATION_FIELDS, 300)
        if source_record.get("text_path") and source_record.get("recommendations"):
            hostile_text = f"Hostile verbatim text {PAYLOAD}"
            text_file = target / source_record["text_path"]
            text_file.write_text(text_file.read_text() + f"\n\n{hostile_text}\n")
            first = source_record["recommendations"][0]
            source_record["recommendations"].append(
                {
                    "id": f"{first['id']}-hostile",
                    "text": hostile_text,
                    "title": f"Hostile {PAYLOAD}"[:300],
                    # copies: a list shared with the first record would be written as a YAML anchor and alias
                    "themes": list(first["themes"]),
                    "addressees": [dict(a) for a in first["addressees"]],
                }
            )
            if source_record.get("expected_recommendations") is not None:
                source_record["expected_recommendations"] += 1
        dump_yaml(source_record, path)
    return target
