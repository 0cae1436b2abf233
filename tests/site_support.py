"""Helpers for the site tests (no tests here): temporary projects and real MkDocs builds.

:func:`make_project` copies the round-loader fixture project (rubric ``tiny``, round
``tiny-2024``) and the repository's own rubrics, theme, ``mkdocs.yml`` and hand-written
pages into a temporary folder, then adds what the site tests need: self-reports (one with
a script and a javascript: link), feedback, private contact lists, a grades-only round and
a draft round. :func:`build` runs the real ``mkdocs build`` in a subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "rounds" / "project"

# Contact details planted in the private contact lists; none may reach site/.
CONTACTS = {
    "east": ("张三", "0395-2911111", "13800138001", "zhangsan.east@example.gov.cn"),
    "west": ("李四", "0395-2922222", "13800138002", "lisi.west@example.gov.cn"),
    "south": ("王五", "0395-2933333", "13800138003", "wangwu.south@example.gov.cn"),
}

XSS_REPORT = """\
---
round: tiny-2024
county: south
---
# 南山县2024年度质量工作自评报告

## 一、工作开展情况

加强知识产权保护，开展专项行动。<script>alert(1)</script>

点击[这里](javascript:alert(1))查看，或者[那里](JaVaScRiPt:alert(2))，<img src=x onerror=alert(3)>。

![外部图片](https://evil.example.net/x.png)

联系邮箱见[名单](mailto:wangwu.south@example.gov.cn)。

## 二、存在的问题

<div onclick="alert(4)">质量基础设施建设仍有短板。</div>

## 三、下一步工作

继续推进质量强县建设。
"""

REPORT = """\
# {name}2024年度质量工作自评报告

## 一、基本情况

{name}坚持质量第一，全面推进质量强区建设。

## 二、主要成效

### （一）质量发展

产品质量监督抽查合格率稳步提高。

### （二）知识产权

知识产权创造、运用、保护水平持续提升，查处侵犯知识产权案件12件。

## 三、存在的问题

标准化工作基础仍然薄弱。
"""

FEEDBACK = """\
## 问题不足

{name}质量工作机制有待完善，质量基础设施投入不足。

## 改进建议

加强标准化、计量、认证认可和检验检测工作。
"""


# The report template of rubric ``tiny``: REPORT follows it, XSS_REPORT does not (waived).
TEMPLATE = """\
rubric: tiny
title: "{name}{year}年度质量工作自评报告"
sections:
  - title: 基本情况
  - title: 主要成效
    children:
      - title: 质量发展
      - title: 知识产权
  - title: 存在的问题
"""

WAIVERS = """\
waivers:
  - {county: south, rule: section-missing, reason: 测试：南山县的报告结构与模板不同，经审定同意按原样发布。}
"""


def require(what: str) -> None:
    """Skip a test whose real component is missing; under CI=true fail instead, since CI installs it."""
    import pytest

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} — required in CI", pytrace=False)
    pytest.skip(what)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_project(tmp: Path) -> Path:
    """A complete small project in ``tmp/project`` (see the module doc); returns its root."""
    root = tmp / "project"
    shutil.copytree(FIXTURE, root)
    for rubric in (REPO / "rubrics").glob("*.yaml"):
        shutil.copy(rubric, root / "rubrics" / rubric.name)
    shutil.copytree(REPO / "themes", root / "themes")
    shutil.copytree(REPO / "content" / "pages", root / "content" / "pages")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")

    _write(root / "content" / "pages" / "notice.md",
           "---\ndate: 2025-04-01\norgan: 测试市质量强市工作领导小组办公室\n---\n# 网站公告\n\n本站新增测试市考核结果。\n")
    # The publication gate checks every report of a published round against this template.
    _write(root / "rubrics" / "tiny.template.yaml", TEMPLATE)
    rd = root / "content" / "tiny-2024"
    text = (rd / "round.yaml").read_text(encoding="utf-8")
    text = text.replace("publish: ranks\n", "publish: ranks\nsample: true\npublished_date: 2025-03-31\n" + WAIVERS)
    _write(rd / "round.yaml", text)
    names = {"east": "东城区", "west": "西城区", "south": "南山县"}
    for cid, name in names.items():
        if cid == "south":
            _write(rd / "reports" / f"{cid}.md", XSS_REPORT)
        else:
            _write(rd / "reports" / f"{cid}.md", REPORT.format(name=name))
        _write(rd / "feedback" / f"{cid}.md", FEEDBACK.format(name=name))
        person, phone, mobile, email = CONTACTS[cid]
        _write(rd / "contacts" / f"{cid}.yaml", textwrap.dedent(f"""\
            county: {cid}
            contacts:
              - {{name: {person}, unit: {name}市场监管局, title: 科长, phone: {phone}, mobile: "{mobile}", email: {email}}}
            """))

    # A grades-only round and a draft round: copies of the same data.
    for rid, status, publish in (("tiny-grades", "published", "grades"), ("tiny-draft", "draft", "ranks")):
        dst = root / "content" / rid
        shutil.copytree(rd, dst)
        t = (dst / "round.yaml").read_text(encoding="utf-8")
        t = t.replace("id: tiny-2024", f"id: {rid}").replace("status: published", f"status: {status}")
        t = t.replace("publish: ranks", f"publish: {publish}")
        t = t.replace("title: 测试市2024年度质量工作考核", f"title: 测试市2024年度质量工作考核（{rid}）")
        (dst / "round.yaml").write_text(t, encoding="utf-8")
        for rep in (dst / "reports").glob("*.md"):
            rep.write_text(rep.read_text(encoding="utf-8").replace("round: tiny-2024", f"round: {rid}"), encoding="utf-8")
        for sheet in (dst / "scores").iterdir():
            sheet.write_text(sheet.read_text(encoding="utf-8"), encoding="utf-8")
    return root


def example_project(tmp: Path) -> Path:
    """A copy of the repository's example project (rubrics, content, themes, mkdocs.yml) in
    ``tmp/project``; returns its root."""
    root = tmp / "project"
    root.mkdir()
    for name in ("rubrics", "content", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def results_json(root: Path, rid: str) -> dict:
    """``kaohe results RID --format json`` run in ``root``: county id → the county's object."""
    import json

    p = subprocess.run([sys.executable, "-m", "builder", "results", rid, "--format", "json"], cwd=root,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return {c["id"]: c for c in json.loads(p.stdout)["counties"]}


def build(root: Path, out: Path, *, strict: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``mkdocs build`` in ``root`` into ``out``; returns the finished process."""
    e = dict(os.environ)
    e.pop("KAOHE_DRAFTS", None)
    e.setdefault("KAOHE_PDFS", "0")
    e.update(env or {})
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)] + (["--strict"] if strict else [])
    return subprocess.run(cmd, cwd=root, env=e, capture_output=True, text=True, timeout=600)


def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def search_docs(site: Path) -> list[list]:
    """Every document of a built site's search index: [url, title, kind, flags, text] (search/d/*.js)."""
    import json

    rows = []
    for f in sorted((site / "search" / "d").glob("*.js"), key=lambda f: int(f.stem)):
        text = f.read_text(encoding="utf-8")
        rows += json.loads(text[text.index(",") + 1:text.rindex(")")])
    return rows


def search_text(site: Path) -> str:
    """All files of the search index as one string (manifest, key shards, document blocks)."""
    return "\n".join(f.read_text(encoding="utf-8") for f in sorted((site / "search").rglob("*.js")))
