"""The benchmarks' reports: each writes its own section of docs/performance.md and leaves the rest as it was."""

from __future__ import annotations

from benchmarks import bench_api, bench_scale


def _result() -> dict:
    step = {"seconds": 1.5, "peak": 80e6}
    return {
        "n": 1000, "floor": {"seconds": 0.5}, "yaml": 6e6, "load_average": "1.0", "load_average_after": "1.1",
        "sqlite": {"validate": step, "load": step, "reload": step, "compare": step},
        "pages": [], "payloads": "not measured", "brief": {"error": "not measured"},
    }  # fmt: skip


def test_the_scale_benchmark_replaces_its_own_section_and_keeps_every_other(tmp_path, monkeypatch):
    out = tmp_path / "performance.md"
    kept = "# Performance\n\n## Seventeenth session\n\nMeasured by hand.\n\n<!-- api benchmark: start -->\nAPI\n"
    kept += "<!-- api benchmark: end -->\n"
    out.write_text(kept, encoding="utf-8")
    monkeypatch.setattr(bench_scale, "OUT", out)
    monkeypatch.setattr(bench_api, "OUT", out)
    bench_scale.write([_result()], 10)
    first = out.read_text(encoding="utf-8")
    assert first.startswith(kept.rstrip()) and first.count(bench_scale.START) == 1
    assert "| 1,000 | SQLite | 6 MB | 0.5 s | not run | 1.5 s (3.0×) |" in first
    bench_scale.write([{**_result(), "floor": {"seconds": 0.75}}], 10)  # a second run: replaced, not added
    second = out.read_text(encoding="utf-8")
    assert second.count(bench_scale.START) == 1 and "1.5 s (2.0×)" in second and "(3.0×)" not in second
    assert second.startswith(kept.rstrip())
