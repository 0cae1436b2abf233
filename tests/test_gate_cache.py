"""The publication gate's findings are kept in the build cache (builder/rounds/gate.py)."""

from __future__ import annotations

from pathlib import Path


def test_findings_come_from_the_build_cache_until_their_inputs_change(tmp_path, monkeypatch):
    """A rebuild checks again only the reports that changed; a changed template (rubrics/)
    checks every report again; a broken report is never served from the cache."""
    from site_support import example_project

    import builder.checker as checker
    from builder.buildcache import BuildCache
    from builder.project import Project
    from builder.rounds.gate import findings
    from builder.rounds.load import load_round

    root = example_project(tmp_path)
    project = Project(root)
    rnd, _ = load_round(project, "luohe-2022")
    store = BuildCache(tmp_path / "cache")
    calls: list[Path] = []
    real = checker.check_file
    monkeypatch.setattr(checker, "check_file", lambda path, *a, **k: calls.append(Path(path)) or real(path, *a, **k))

    first = findings(project, rnd, store)
    assert len(calls) == len(rnd.reports) > 1 and not any(d.is_error for ds in first.values() for d in ds)
    assert findings(project, rnd, store) == first and len(calls) == len(rnd.reports)

    report = rnd.reports["wuyang"]
    report.write_text(report.read_text(encoding="utf-8").replace("全县质量工作总体平稳向好", "全县××", 1), "utf-8")
    third = findings(project, rnd, store)
    assert calls[len(rnd.reports):] == [report]
    assert "placeholder" in {d.rule for d in third["wuyang"]} and third["wuyang"] != first["wuyang"]

    template = next(project.rubrics_dir.glob("*.template.yaml"))
    template.write_text(template.read_text(encoding="utf-8") + "\n# 修改\n", encoding="utf-8")
    n = len(calls)
    findings(project, rnd, store)
    assert len(calls) - n == len(rnd.reports)
