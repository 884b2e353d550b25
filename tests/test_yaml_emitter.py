"""The exported YAML is written with libyaml's emitter: it must write exactly what PyYAML's own emitter writes (the
files of an export are compared with data/ and kept in git, so a change of style would be a change of data)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from recommendations import visibility
from recommendations.dataset import export, yamlio
from tests.conftest import DATA
from tests.hostile import PAYLOAD, hostile_copy


class _PythonDumper(yaml.SafeDumper):
    """PyYAML's own emitter, with the project's representer."""


_PythonDumper.add_representer(str, yamlio._str_presenter)

TRICKY = [
    "",
    " leading and trailing ",
    "yes",
    "null",
    "007",
    "1e3",
    "2011-06-01",
    "key: value # not a comment",
    "- not a list",
    "'quoted' and \"quoted\"",
    "line one\nline two\n",
    "no final break\nsecond",
    "  indented\nfirst line",
    "tab\there",
    "ការងារ\u200bនិង\u200bការ\u200bធ្វើ\u200bចំណាក\u200bស្រុក",
    "unicode breaks \u2028 and \u0085 and \ufeff",
    "word " * 60,
    PAYLOAD,
    "=cmd|' /C calc'!A0",
]


def test_libyaml_is_the_emitter():
    assert issubclass(yamlio._Dumper, yaml.CSafeDumper)


def test_each_tricky_value_is_written_as_pythons_emitter_writes_it():
    document = {"items": [{"id": f"x{i}", "text": value, "list": [value, value]} for i, value in enumerate(TRICKY)]}
    options = {"sort_keys": False, "allow_unicode": True, "width": 100}
    written = yaml.dump(document, Dumper=yamlio._Dumper, **options)
    assert written == yaml.dump(document, Dumper=_PythonDumper, **options)
    assert yaml.safe_load(written) == document


def test_an_export_is_the_same_text_from_either_emitter(loaded_engine, tmp_path, monkeypatch):
    _same_from_either_emitter(loaded_engine, tmp_path, monkeypatch)


def test_an_export_of_hostile_data_is_the_same_text_from_either_emitter(tmp_path, monkeypatch):
    from models.db import make_engine
    from recommendations.dataset.loader import load_folder

    engine = make_engine(f"sqlite:///{tmp_path / 'hostile.db'}")
    load_folder(hostile_copy(DATA, tmp_path / "data"), engine)
    _same_from_either_emitter(engine, tmp_path, monkeypatch)
    engine.dispose()


def _same_from_either_emitter(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export.write_yaml_layout(engine, tmp_path / "c", visibility.EVERYTHING)
    monkeypatch.setattr(yamlio, "_Dumper", _PythonDumper)
    export.write_yaml_layout(engine, tmp_path / "python", visibility.EVERYTHING)
    compared = subprocess.run(["diff", "-r", tmp_path / "python", tmp_path / "c"], capture_output=True, text=True)
    assert compared.returncode == 0, compared.stdout[:3000]
    assert len(list((tmp_path / "c").rglob("*.yaml"))) > 5
