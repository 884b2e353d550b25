"""models/core.py is what the classes of models/orm.py make, and the classes are mapped onto its tables."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, Column, Index, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from models import core, core_render, tables

ROOT = Path(__file__).resolve().parents[1]


def _ddl(metadata: MetaData) -> dict[str, list[str]]:
    """Every table's and index's CREATE statement on both databases, in a stable order."""
    out = {}
    for name, dialect in (("sqlite", sqlite.dialect()), ("postgresql", postgresql.dialect())):
        statements = [str(CreateTable(t).compile(dialect=dialect)) for t in metadata.sorted_tables]
        statements += sorted(
            str(CreateIndex(i).compile(dialect=dialect)) for t in metadata.sorted_tables for i in t.indexes
        )
        out[name] = statements
    return out


_FROM_CLASSES = """
import json, sys
from models import core_render
built = core_render.from_classes()
from tests.test_core_tables import _ddl
defaults = {f"{t.name}.{c.name}": repr(c.default.arg) for t in built.tables.values() for c in t.columns if c.default}
json.dump({"text": core_render.render(built), "ddl": _ddl(built), "defaults": defaults}, sys.stdout)
"""


@pytest.fixture(scope="module")
def from_classes() -> dict:
    """What the classes make on their own, in a process of its own (it cannot have imported models.orm)."""
    done = subprocess.run([sys.executable, "-c", _FROM_CLASSES], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_written_tables_are_those_the_classes_make(from_classes):
    assert (ROOT / "models" / "core.py").read_text(encoding="utf-8") == from_classes["text"], (
        "models/core.py is behind models/orm.py: run `make schema-snapshot`"
    )
    assert _ddl(core.metadata) == from_classes["ddl"]
    defaults = {
        f"{t.name}.{c.name}": repr(c.default.arg) for t in core.metadata.tables.values() for c in t.columns if c.default
    }
    assert defaults == from_classes["defaults"]
    assert defaults["assessment.origin"] == "'app'" and defaults["evidence.version"] == "1"


def test_every_class_is_mapped_onto_the_core_table_of_its_name():
    from sqlalchemy import inspect

    import models.orm as orm

    classes = [
        c
        for c in vars(orm).values()
        if isinstance(c, type) and issubclass(c, orm.TableModel) and c is not orm.TableModel
    ]
    assert len(classes) == len(core.metadata.tables) == 28
    for cls in classes:
        table = tables.table(cls.__tablename__)
        assert cls.__table__ is table
        mapped = {prop.key: prop.columns for prop in inspect(cls).column_attrs}
        assert set(mapped) == {c.name for c in table.columns}
        assert all(col.table is table for cols in mapped.values() for col in cols)
    # one table in a query that mixes a class and a Core handle
    sql = str(select(orm.Assessment.id).where(tables.A.c.status == "x"))
    assert sql.count("FROM assessment") == 1 and "assessment, assessment" not in sql


def test_column_names_are_plain_strings_as_the_classes_made_them():
    """``Column("id")`` makes a ``quoted_name``, which YAML's dumper and ``marshal`` refuse."""
    names = [c.name for t in core.metadata.tables.values() for c in t.columns]
    assert names and all(type(n) is str for n in names)


def test_importing_the_tables_imports_no_sqlmodel():
    code = (
        "import sys, models, models.tables, models.core\n"
        "print(sorted(m for m in ('sqlmodel', 'models.orm', 'sqlalchemy.orm') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


_AGAIN = """
from sqlmodel import Field
import models.orm as orm
try:
    class Again(orm.TableModel, table=True):
        __tablename__ = "theme"
        __table_args__ = ()  # without KEEP: a second definition of the table
        id: str = Field(primary_key=True)
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def test_a_class_that_redefines_its_table_is_refused_at_import():
    done = subprocess.run([sys.executable, "-c", _AGAIN], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("InvalidRequestError Table 'theme' is already defined"), done.stdout


@pytest.mark.parametrize(
    "extra",
    [
        CheckConstraint("n > 0", name="ck_n"),
        Index("ix_opts", "n", postgresql_using="hash"),
    ],
    ids=["check constraint", "index option"],
)
def test_the_renderer_refuses_what_it_cannot_write(extra):
    metadata = MetaData()
    Table("t", metadata, Column("id", String(8), primary_key=True), Column("n", Integer), extra)
    with pytest.raises(core_render.NotRendered):
        core_render.render(metadata)


def test_the_renderer_refuses_a_column_default_that_is_a_function():
    metadata = MetaData()
    Table("t", metadata, Column("id", String(8), primary_key=True), Column("n", Integer, default=lambda: 1))
    with pytest.raises(core_render.NotRendered, match="plain value"):
        core_render.render(metadata)
