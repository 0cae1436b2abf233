"""``kaohe build``, ``mkdocs build`` and ``properdocs build`` run the same pipeline
(:mod:`builder.site.build`) and give the same bytes, file for file; outputs join the
pipeline through :data:`builder.site.build.OUTPUTS`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

PY = sys.executable


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _env(**extra) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    e.update({"CI": "true", "KAOHE_NO_CACHE": "1", **extra})
    return e


def run(cmd: list[str], cwd: Path, **extra) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, env=_env(**extra), capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    return p


def example(tmp_path: Path) -> Path:
    """A copy of the repository's example project (no site/, no cache)."""
    root = tmp_path / "example"
    root.mkdir()
    for name in ("content", "rubrics", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def three_ways(root: Path, tmp_path: Path, *, pdfs: bool, properdocs: bool = True) -> list[dict[str, str]]:
    flag = [] if pdfs else ["--no-pdfs"]
    pdf_env = {"KAOHE_PDFS": "1" if pdfs else "0"}
    run([PY, "-m", "builder", "build", "-q", *flag, "-d", str(tmp_path / "kaohe")], root)
    run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "mkdocs")], root, **pdf_env)
    snaps = [snapshot(tmp_path / "kaohe"), snapshot(tmp_path / "mkdocs")]
    if properdocs:
        run([PY, "-m", "properdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(tmp_path / "properdocs")],
            root, **pdf_env)
        snaps.append(snapshot(tmp_path / "properdocs"))
    return snaps


@pytest.mark.slow
def test_the_example_builds_to_the_same_bytes_three_ways_without_pdfs(tmp_path):
    root = example(tmp_path)
    snaps = three_ways(root, tmp_path, pdfs=False)
    assert len(snaps[0]) > 30 and "about/index.html" in snaps[0] and "search/search-index.js" in snaps[0]
    assert not any(k.endswith(".pdf") for k in snaps[0])
    for other in snaps[1:]:
        assert other == snaps[0]
    assert not any(".kaohe-" in p.name for p in tmp_path.iterdir())


@pytest.mark.slow
def test_the_example_builds_to_the_same_bytes_three_ways_with_pdfs(tmp_path):
    root = example(tmp_path)
    snaps = three_ways(root, tmp_path, pdfs=True)
    assert sum(k.endswith(".pdf") for k in snaps[0]) >= 20
    for other in snaps[1:]:
        assert other == snaps[0]


@pytest.mark.slow
def test_a_generated_round_of_100_counties_builds_to_the_same_bytes(tmp_path):
    root = tmp_path / "n100"
    root.mkdir()
    generate.generate(100, root)
    snaps = three_ways(root, tmp_path, pdfs=False, properdocs=False)
    assert sum(k.endswith("/report/index.html") for k in snaps[0]) == 100
    assert snaps[1] == snaps[0]


@pytest.mark.slow
def test_an_output_joins_the_pipeline_and_a_clash_stops_it(tmp_path):
    from builder.diagnostics import DiagnosticError
    from builder.project import Project
    from builder.site import build as B

    root = example(tmp_path)
    project = Project(root)
    b = B.prepare(project, B.read_config(project), B.BuildOptions(pdfs=False, cache=False, progress=False))

    def counties_json(build, out):
        rows = [c.county.id for res in build.site.rounds for c in res.counties]
        (out / "data").mkdir()
        (out / "data" / "counties.txt").write_text("\n".join(rows), encoding="utf-8")
        return ["data/counties.txt"]

    out = tmp_path / "out"
    out.mkdir()
    result = B.generate(b, out, B.OUTPUTS + [("counties", counties_json)])
    assert "data/counties.txt" in result.files and "wuyang" in (out / "data" / "counties.txt").read_text(encoding="utf-8")

    def clash(build, out):
        return ["index.html"]

    out2 = tmp_path / "out2"
    out2.mkdir()
    b = B.prepare(project, B.read_config(project), B.BuildOptions(pdfs=False, cache=False, progress=False))
    with pytest.raises(DiagnosticError, match="index.html"):
        B.generate(b, out2, B.OUTPUTS + [("clash", clash)])


def test_relative_urls_follow_the_mkdocs_rule():
    from builder.site.build import relative_url

    assert relative_url("", "luohe-2022/wuyang/") == "../.."  # as MkDocs writes it
    assert relative_url("rubrics/luohe-2022/#n-A1", "luohe-2022/wuyang/") == "../../rubrics/luohe-2022/#n-A1"
    assert relative_url("assets/kaohe.css", "") == "assets/kaohe.css"
    assert relative_url("luohe-2022/notification.pdf", "luohe-2022/") == "notification.pdf"
    assert relative_url("https://example.org/x", "a/") == "https://example.org/x"
    assert relative_url("#top", "a/") == "#top"


@pytest.mark.slow  # a cold kaohe build; the fast run keeps hostile/test_corpus.py::test_docs_dir_symlink_to_contacts_is_not_published
def test_a_handwritten_page_that_links_outside_the_project_is_refused(tmp_path):
    root = example(tmp_path)
    secret = tmp_path / "secret.md"
    secret.write_text("# 联系人\n\n张三 13800138000\n", encoding="utf-8")
    (root / "content" / "pages" / "contacts.md").symlink_to(secret)
    p = subprocess.run([PY, "-m", "builder", "build", "-q", "--no-pdfs"], cwd=root, env=_env(),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 1 and "path-outside" in p.stderr and "Traceback" not in p.stderr
    assert not (root / "site").exists()
    assert not any(".kaohe-" in x.name for x in root.iterdir())


def _gbk_project(tmp_path: Path) -> tuple[Path, Path]:
    """The example with 舞阳县's report saved as GBK (记事本's "ANSI"), with a sentence added."""
    root = example(tmp_path)
    report = root / "content" / "luohe-2022" / "reports" / "wuyang.md"
    text = report.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("## "))
    text = text.replace(first, first + "\n\n记事本另存为ANSI。", 1)
    report.write_bytes(text.encode("gbk"))
    return root, report


@pytest.mark.slow
def test_a_gbk_report_that_passes_check_builds_its_page(tmp_path):
    root, report = _gbk_project(tmp_path)
    p = subprocess.run([PY, "-m", "builder", "check", str(report)], cwd=root, env=_env(), capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0 and "io-gbk" in p.stdout + p.stderr
    p = subprocess.run([PY, "-m", "builder", "build", "-q", "--no-pdfs"], cwd=root, env=_env(), capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    page = (root / "site" / "luohe-2022" / "wuyang" / "report" / "index.html").read_text(encoding="utf-8")
    assert "记事本另存为ANSI。" in page
    index = "".join(f.read_text(encoding="utf-8") for f in sorted((root / "site" / "search").rglob("*.js")))
    assert "记事本另存为ANSI" in index  # the split search index holds the decoded text


@pytest.mark.slow
def test_a_gbk_report_that_passes_check_builds_its_pdf(tmp_path):
    root, _ = _gbk_project(tmp_path)
    p = subprocess.run([PY, "-m", "builder", "build", "-q"], cwd=root, env=_env(), capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert (root / "site" / "luohe-2022" / "wuyang" / "report.pdf").stat().st_size > 1000
