"""The house: imports point down the way data flows, only the pages' half of the web edge (ui/) imports Streamlit (the
routes' half, api/, is plain Starlette), no module grows past 400 lines, and the one workaround of a private
Streamlit attribute fails loudly when Streamlit changes it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "recommendations"
#: Layers, lowest first: a module may import its own layer and the layers below it, never one above.
LAYERS = {"core": 0, "read": 1, "dataset": 2, "write": 3, "ui": 4, "api": 4, "cli": 5}


def layer(module: str) -> str:
    """recommendations.read.table -> "read"; a top-level module (status, sql, settings...) is the core."""
    if module == "recommendations.__main__":
        return "cli"  # the command line's entry point
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "core"


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the project's own package in ``path``, lazy ones included."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("recommendations"):
            names = [f"{node.module}.{a.name}" if node.module == "recommendations" else node.module for a in node.names]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("recommendations")]
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def name_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_imports_point_down_the_way_data_flows():
    wrong = []
    for path in modules():
        here = layer(name_of(path))
        for line, target in imports(path):
            there = layer(target)
            if LAYERS[there] > LAYERS[here]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {target} ({there})")
    assert wrong == []


def test_the_read_side_never_imports_the_write_side_or_the_web_edge():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {target}"
        for path in modules()
        if layer(name_of(path)) in ("core", "read", "dataset")
        for line, target in imports(path)
        if layer(target) in ("write", "ui", "api")
    ]
    assert wrong == []


def test_only_the_web_edge_imports_streamlit():
    """ui/ draws the pages; api/ (the routes st.App serves beside them) never imports Streamlit: ``app.py`` alone
    joins the two."""
    wrong = []
    for path in modules():
        if layer(name_of(path)) == "ui":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            wrong += [f"{path.relative_to(ROOT)}:{node.lineno}" for n in names if n.split(".")[0] == "streamlit"]
    assert wrong == []


def test_the_routes_never_import_the_pages_half_of_the_web_edge():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {target}"
        for path in modules()
        if layer(name_of(path)) == "api"
        for line, target in imports(path)
        if layer(target) == "ui"
    ]
    assert wrong == []


def test_models_never_import_the_domain():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {target}"
        for path in sorted((ROOT / "models").glob("*.py"))
        for line, target in imports(path)
    ]
    assert wrong == []


def test_no_module_is_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {len(path.read_text().splitlines())}"
        for path in [*modules(), *sorted((ROOT / "models").glob("*.py"))]
        if len(path.read_text().splitlines()) > 400
    ]
    assert long == []


def test_pages_are_thin():
    """Pages are UI only: about 150 lines at most (a longer page has rules or data access that belong below)."""
    long = [
        f"{path.name}: {len(path.read_text().splitlines())}"
        for path in sorted((ROOT / "pages").glob("*.py"))
        if len(path.read_text().splitlines()) > 200
    ]
    assert long == []


@pytest.mark.parametrize("module", ["recommendations.ui.nav"])
def test_the_private_streamlit_attribute_the_app_relies_on_still_exists(module):
    """``ui.nav.through_entrypoint`` clears Streamlit's process-wide legacy flag ``PagesManager.uses_pages_directory``
    (a private attribute). If Streamlit renames or drops it, this fails, before the first visitor on a deep link
    gets a page without its navigation (tests/e2e covers that visit in a real browser)."""
    from streamlit.runtime.pages_manager import PagesManager

    assert isinstance(PagesManager.__dict__.get("uses_pages_directory"), bool | type(None))
    source = (ROOT / (module.replace(".", "/") + ".py")).read_text()
    assert "PagesManager.uses_pages_directory" in source
    others = [p.relative_to(ROOT) for p in modules() + sorted((ROOT / "pages").glob("*.py")) if p.name != "nav.py"]
    assert not [p for p in others if "PagesManager" in (ROOT / p).read_text()]


def test_the_app_and_the_commands_use_the_core_tables_never_the_classes():
    """The classes of models/orm.py define the tables (models/core.py is written from them); the app, the API and
    the commands reach the tables through models.tables. Importing SQLModel, the ORM and the classes costs every
    fresh process about 0.2 s (a first load at 1,000 recommendations takes 1.5 s)."""
    submodules = {p.stem for p in (ROOT / "models").glob("*.py")}
    found = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py", ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] if node.module != "models" else [
                    f"models.{a.name}" if a.name in submodules else f"models:{a.name}" for a in node.names
                ]  # fmt: skip
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                if module.startswith(("sqlmodel", "sqlalchemy.orm", "models.orm", "models:")) or module == "models":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    assert found == []
