"""Scenario fixtures for the report checker: every tests/fixtures/reports/**/*.md is checked and
its findings compared with the expectations written in it.

Expectations (markdownlint style, inline):

* ``<!-- expect: RULE RULE~text … -->`` on a line of its own: each RULE is reported on the
  next line that is neither blank nor a comment; ``~text`` (or ``~"text with spaces"``)
  also requires that text in the message.
* ``<!-- expect@N: RULE -->`` (or ``# expect@N: RULE`` inside the front matter): on line N.
* A sidecar ``NAME.expect`` (lines ``N RULE``) for files that cannot hold comments (empty files).

The set of (line, rule) found must equal the set expected — nothing missing, nothing extra.
Reports whose front matter names ``huizhou-2017`` are checked in a small project made from the
real ``rubrics/huizhou-2017*.yaml`` and ``fixtures/reports/huizhou/round.yaml``.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from builder.checker import check_file
from builder.project import Project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
_ITEM = re.compile(r'[\w-]+~"[^"]*"|\S+')
_EXPECT = re.compile(r"(?:<!--|#)\s*expect(?:@(\d+))?:\s*(.*?)\s*(?:-->)?\s*$")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def expectations(path: Path) -> list[tuple[int, str, str]]:
    """(line, rule, message fragment) expected for a fixture."""
    out: list[tuple[int, str, str]] = []
    side = path.with_suffix(".expect")
    if side.exists():
        for ln in side.read_text(encoding="utf-8").splitlines():
            if ln.strip():
                n, rule = ln.split(maxsplit=1)
                out.append((int(n), rule.strip(), ""))
    lines = _decode(path.read_bytes()).replace("\r\n", "\n").split("\n")
    for i, ln in enumerate(lines):
        m = _EXPECT.search(ln)
        if not m or not (ln.lstrip().startswith("<!--") or ln.lstrip().startswith("# expect")):
            continue
        if m.group(1):
            target = int(m.group(1))
        else:
            target = next((j + 1 for j in range(i + 1, len(lines))
                           if lines[j].strip() and not lines[j].lstrip().startswith("<!--")), i + 1)
        for item in _ITEM.findall(m.group(2)):
            rule, _, frag = item.partition("~")
            out.append((target, rule, frag.strip('"')))
    return out


def _fixtures():
    return sorted(p for p in FIXTURES.rglob("*.md"))


@pytest.fixture(scope="session")
def huizhou_project(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("huizhou-project")
    (root / "rubrics").mkdir()
    for name in ("huizhou-2017.yaml", "huizhou-2017.template.yaml"):
        if (ROOT / "rubrics" / name).exists():
            shutil.copy(ROOT / "rubrics" / name, root / "rubrics" / name)
    (root / "content" / "huizhou-2017").mkdir(parents=True)
    shutil.copy(FIXTURES / "huizhou" / "round.yaml", root / "content" / "huizhou-2017" / "round.yaml")
    return Project(root)


def project_for(path: Path, huizhou_project: Project) -> Project:
    head = _decode(path.read_bytes())[:200]
    return huizhou_project if "round: huizhou-2017" in head else Project(ROOT)


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(path: Path, huizhou_project):
    result = check_file(path, project_for(path, huizhou_project))
    want = expectations(path)
    got = Counter((d.line, d.rule) for d in result.diagnostics)
    need = Counter((line, rule) for line, rule, _ in want)
    shown = "\n".join(d.format() for d in result.diagnostics)
    assert got == need, f"findings differ from the expectations in {path.name}:\n{shown}"
    for line, rule, frag in want:
        if frag:
            msgs = [d.message for d in result.diagnostics if d.line == line and d.rule == rule]
            assert any(frag in m for m in msgs), f"{path.name}:{line} {rule}: no message contains “{frag}”: {msgs}"
    for d in result.diagnostics:
        assert d.severity in ("error", "warning")
        assert d.line >= 1 and d.column >= 1


def test_every_rule_has_a_failing_fixture():
    from builder.checker.rules import load_rules

    expected_rules = {rule for p in _fixtures() for _, rule, _ in expectations(p)}
    for rule in load_rules():
        assert rule.id in expected_rules, f"no fixture shows rule {rule.id}"


def test_passing_fixtures_exist_and_pass(huizhou_project):
    ok = [p for p in _fixtures() if p.name.startswith("ok-") or p.name.endswith("-ok.md")]
    assert len(ok) >= 5
    for p in ok:
        r = check_file(p, project_for(p, huizhou_project))
        assert r.diagnostics == [], (p, [d.format() for d in r.diagnostics])
