"""The publication gate (builder/rounds/gate.py) over a scratch copy of the example project:
a published round whose report fails the checker is not validated and not built, ``site/``
stays byte-for-byte as it was; a waiver in round.yaml lets it through and is printed in the
build log; a draft preview shows the findings on the report page instead of failing."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_support import REPO, build

pytestmark = pytest.mark.slow


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _validate(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", "validate", *args], cwd=root,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A copy of the example project, built once; then 舞阳县's report gets "××" and loses a section."""
    tmp = tmp_path_factory.mktemp("gate")
    root = tmp / "project"
    root.mkdir()
    for name in ("rubrics", "content", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    site = root / "site"
    p = build(root, site)
    assert p.returncode == 0, p.stderr
    before = _tree_digest(site)
    report = root / "content" / "luohe-2022" / "reports" / "wuyang.md"
    text = report.read_text(encoding="utf-8")
    text = text.replace("全县质量工作总体平稳向好", "全县质量工作总体平稳向好，××", 1)
    # drop the required section 三、工作存在的问题 (up to the next heading)
    text = re.sub(r"## 三、工作存在的问题\n.*?(?=## 四、)", "", text, flags=re.S)
    text = text.replace("## 四、下一步工作措施", "## 三、下一步工作措施")
    report.write_text(text, encoding="utf-8")
    return root, site, before


def test_validate_runs_the_checker_on_a_published_round(broken):
    root, _, _ = broken
    p = _validate(root, "luohe-2022")
    assert p.returncode == 1
    out = p.stdout + p.stderr
    assert "gate-report" in out and "舞阳县" in out
    assert re.search(r"content/luohe-2022/reports/wuyang\.md:\d+:\d+: error\[gate-report\].*placeholder", out)
    assert re.search(r"wuyang\.md:\d+:\d+: error\[gate-report\].*section-missing", out)
    assert "✓ luohe-2022" not in out


def test_build_fails_and_site_is_unchanged(broken):
    root, site, before = broken
    p = build(root, site)
    assert p.returncode != 0
    assert "舞阳县" in p.stderr and "wuyang.md:" in p.stderr and "gate-report" in p.stderr
    assert _tree_digest(site) == before


def test_a_draft_preview_shows_the_findings_on_the_report_page(broken, tmp_path):
    root, _, _ = broken
    out = tmp_path / "preview"
    p = build(root, out, env={"KAOHE_DRAFTS": "1"})
    assert p.returncode == 0, p.stderr
    page = (out / "luohe-2022" / "wuyang" / "report" / "index.html").read_text(encoding="utf-8")
    assert "模板检查结果" in page
    assert 'data-rule="placeholder"' in page and 'data-rule="section-missing"' in page
    clean = (out / "luohe-2022" / "linying" / "report" / "index.html").read_text(encoding="utf-8")
    assert "模板检查结果" not in clean


def test_a_waiver_lets_the_round_through_and_is_logged(broken, tmp_path):
    root, _, _ = broken
    scratch = tmp_path / "project"
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("site", ".cache"))
    yaml = scratch / "content" / "luohe-2022" / "round.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + (
        "waivers:\n"
        "  - {county: wuyang, rule: placeholder, reason: 经市质强办审定，“××”为企业名称缩写，同意发布。}\n"
        "  - {county: wuyang, rule: section-missing, reason: 经市质强办审定，问题并入下一步措施一节。}\n"
        "  - {county: linying, rule: length-limit, reason: 多余的豁免。}\n"), encoding="utf-8")
    v = _validate(scratch, "luohe-2022")
    assert v.returncode == 0, v.stdout + v.stderr
    assert "gate-waived" in v.stdout + v.stderr
    assert "gate-waiver-unused" in v.stdout + v.stderr  # the one that matches nothing
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(
        "  - {county: linying, rule: length-limit, reason: 多余的豁免。}\n", ""), encoding="utf-8")
    # not quiet (-q): the waivers are printed at INFO level, and a --strict build passes
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")], cwd=scratch,
                       capture_output=True, text=True, timeout=600, env={**os.environ, "KAOHE_PDFS": "0"})
    assert p.returncode == 0, p.stderr
    assert "发布检查豁免" in p.stderr and "同意发布" in p.stderr
    assert "问题并入下一步措施一节" in p.stderr


def test_a_waiver_without_a_reason_is_an_error(broken, tmp_path):
    root, _, _ = broken
    scratch = tmp_path / "project"
    shutil.copytree(root / "content", scratch / "content")
    shutil.copytree(root / "rubrics", scratch / "rubrics")
    yaml = scratch / "content" / "luohe-2022" / "round.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "waivers:\n  - {county: wuyang, rule: placeholder, reason: \"\"}\n",
                    encoding="utf-8")
    v = _validate(scratch, "luohe-2022")
    assert v.returncode == 1
    assert "round-waiver-reason" in v.stdout + v.stderr

