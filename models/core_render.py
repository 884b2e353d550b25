"""Writes ``models/core.py``: the tables the SQLModel classes (``models.orm``) define, as SQLAlchemy Core.

Why: a load needs only the tables, and importing SQLModel, the ORM and the 28 classes cost it about 0.2 s of a
1.5 s first load at 1,000 recommendations. The classes stay the one definition: this module builds them on an
empty ``MetaData`` and writes what they made (``python -m models.core_render``, ``make schema-snapshot``);
tests/test_core_tables.py does it again and fails when ``models/core.py`` is behind, and compares both schemas'
statements on SQLite and PostgreSQL. Anything the renderer cannot write faithfully is refused, not approximated.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, Table, UniqueConstraint
from sqlalchemy.sql.schema import ForeignKeyConstraint
from sqlalchemy.types import TypeEngine

TARGET = Path(__file__).resolve().parent / "core.py"

HEADER = '''"""The tables as SQLAlchemy Core, written from the classes of models/orm.py by models/core_render.py.

Do not edit: change the classes and run ``make schema-snapshot``; tests/test_core_tables.py fails while this file
is behind. A load imports only this (no SQLModel, no ORM); the classes are mapped onto these same tables.
"""
'''


class NotRendered(ValueError):
    """A part of a table the renderer does not write (so the generated tables would differ from the classes')."""


def _type(value: TypeEngine[object]) -> tuple[str, str]:
    """The type as code, and the name it needs imported. SQLModel's ``AutoString`` is a ``String`` on both databases
    (it only asks MySQL for a length), and importing it would import SQLModel."""
    name = type(value).__name__
    if name == "AutoString":
        length = getattr(value, "length", None)
        return (f"String(length={length})" if length else "String()"), "String"
    if type(value).__module__.split(".")[0] != "sqlalchemy":
        raise NotRendered(f"the type {name} is not SQLAlchemy's own")
    return repr(value), name


def _refuse(what: str, *found: object) -> None:
    if any(found):
        raise NotRendered(what)


def _column(col: Column[object], imports: set[str]) -> str:
    code, name = _type(col.type)
    imports.add(name)
    _refuse(f"{col}: a comment, a key, an onupdate, a computed or identity column, or a dialect option",
            col.comment, col.key != col.name, col.onupdate, col.server_onupdate, col.computed, col.identity,
            col.dialect_kwargs, col.info)  # fmt: skip
    args = [repr(col.name), code]
    for fk in sorted(col.foreign_keys, key=lambda f: f.target_fullname):
        _refuse(f"{col}: a foreign key with options", fk.name, fk.ondelete, fk.onupdate, fk.deferrable, fk.initially,
                fk.use_alter, fk.match)  # fmt: skip
        imports.add("ForeignKey")
        args.append(f"ForeignKey({fk.target_fullname!r})")
    if col.primary_key:
        args.append("primary_key=True")
    args.append(f"nullable={col.nullable}")
    if col.autoincrement != "auto":
        args.append(f"autoincrement={col.autoincrement!r}")
    if col.index:
        args.append("index=True")
    if col.unique:
        args.append("unique=True")
    if col.default is not None:
        if not col.default.is_scalar:
            raise NotRendered(f"{col}: a default that is not a plain value")
        args.append(f"default={col.default.arg!r}")  # type: ignore[attr-defined]
    if col.server_default is not None:
        arg = getattr(col.server_default, "arg", None)
        if not isinstance(arg, str):
            raise NotRendered(f"{col}: a server default that is not a plain text")
        args.append(f"server_default={arg!r}")
    return f"named({', '.join(args)})"


def _table(table: Table, imports: set[str]) -> str:
    _refuse(f"{table.name}: a comment, a schema or a dialect option", table.comment, table.schema, table.dialect_kwargs)
    parts = [repr(table.name), "metadata"] + [_column(c, imports) for c in table.columns]
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if isinstance(constraint, PrimaryKeyConstraint | ForeignKeyConstraint) and not constraint.name:
            continue  # written with the columns (primary_key=True, ForeignKey)
        if isinstance(constraint, UniqueConstraint) and (constraint._column_flag or False):
            continue  # unique=True
        if not isinstance(constraint, UniqueConstraint) or not constraint.name:
            raise NotRendered(f"{table.name}: a constraint other than a named unique one: {constraint!r}")
        imports.add("UniqueConstraint")
        parts.append(
            f"UniqueConstraint({', '.join(repr(c.name) for c in constraint.columns)}, name={constraint.name!r})"
        )
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        if index._column_flag:
            continue  # index=True
        if index.expressions != list(index.columns) or index.dialect_kwargs:
            raise NotRendered(f"{table.name}: an index on expressions or with options: {index.name}")
        imports.add("Index")
        unique = ", unique=True" if index.unique else ""
        parts.append(f"Index({index.name!r}, {', '.join(repr(c.name) for c in index.columns)}{unique})")
    return "Table(\n    " + ",\n    ".join(parts) + ",\n)\n"


#: Named as the classes' mapping names a column: a plain ``str`` (``Column("id")`` would make it a ``quoted_name``,
#: which YAML's dumper and ``marshal`` refuse as a key).
_NAMED = """

def named(name: str, *args: Any, **kw: Any) -> Column[Any]:
    column: Column[Any] = Column(*args, **kw)
    column.name = column.key = name
    return column

"""


def render(metadata: MetaData) -> str:
    """``metadata``'s tables as the text of ``models/core.py``, in the order the classes define them."""
    imports = {"Column", "MetaData", "Table"}
    bodies = [_table(t, imports) for t in metadata.tables.values()]
    head = f"from sqlalchemy import {', '.join(sorted(imports))}\n\nmetadata = MetaData()\n" + _NAMED
    return HEADER + "\nfrom typing import Any\n\n" + head + "".join("\n" + body for body in bodies)


def from_classes() -> MetaData:
    """The tables the classes make on their own, in a process that has not imported ``models.orm``: it is built on
    an empty ``MetaData`` standing in for ``models.core``."""
    if "models.orm" in sys.modules:
        raise RuntimeError("from_classes needs a process that has not imported models.orm")
    stand_in = types.ModuleType("models.core")
    stand_in.metadata = MetaData()  # type: ignore[attr-defined]
    real = sys.modules.get("models.core")
    sys.modules["models.core"] = stand_in
    try:
        import models.orm  # noqa: F401  (defines the tables on the stand-in's metadata)
    finally:
        if real is not None:
            sys.modules["models.core"] = real
        else:
            del sys.modules["models.core"]
    built: MetaData = stand_in.metadata
    return built


def main(argv: list[str]) -> int:
    """``python -m models.core_render [--print]``: write ``models/core.py`` (or print it)."""
    text = render(from_classes())
    if argv == ["--print"]:
        sys.stdout.write(text)
    else:
        TARGET.write_text(text, encoding="utf-8")
        print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
