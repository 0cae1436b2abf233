"""``kaohe check`` and ``kaohe new report`` as real processes: exit codes, JSON shape, the new-user flow."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "reports"


def run(*args, cwd=ROOT, env=None):
    e = dict(os.environ)
    e.pop("KAOHE_DEBUG", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "builder", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env=e, timeout=120)


def test_exit_0_for_a_clean_report_and_for_warnings_only():
    p = run("check", FIXTURES / "ok-minimal.md")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "字数 " in p.stdout and "/3000" in p.stdout and "典型案例 1/3" in p.stdout
    p = run("check", FIXTURES / "section-extra.md")
    assert p.returncode == 0
    assert "警告[section-extra]" in p.stdout


def test_exit_1_with_errors_and_compiler_style_text():
    p = run("check", "tests/fixtures/reports/section-missing-two.md")
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    assert lines[0].startswith("tests/fixtures/reports/section-missing-two.md:22:4: 错误[section-missing] 缺少“二、工作亮点”")
    assert lines[1] == "    ## 四、下一步工作措施"
    assert lines[2] == "       ^"
    assert "共 2 个错误" in p.stdout


def test_exit_2_on_usage_errors(tmp_path):
    assert run("check").returncode == 2
    assert run("check", "--format", "xml", FIXTURES / "ok-minimal.md").returncode == 2
    p = run("check", "--project", tmp_path, FIXTURES / "ok-minimal.md")
    assert p.returncode == 2 and "用法错误" in p.stderr
    assert run("check", "--no-such-option").returncode == 2
    assert run("new", "report", "--round", "luohe-2022").returncode == 2  # --county missing


def test_json_shape():
    p = run("check", "--format", "json", FIXTURES / "ok-luohe-wuyang.md", FIXTURES / "length-limit-over.md",
            FIXTURES / "io-empty.md")
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert list(data) == ["files"]
    assert [Path(f["path"]).name for f in data["files"]] == ["ok-luohe-wuyang.md", "length-limit-over.md", "io-empty.md"]
    ok, over, empty = data["files"]
    assert ok["diagnostics"] == [] and isinstance(ok["stats"]["chars"], int) and ok["stats"]["chars"] > 1800
    assert over["stats"]["chars"] > 3000
    (d,) = over["diagnostics"]
    assert set(d) == {"path", "line", "column", "severity", "rule", "message"}
    assert d["severity"] == "error" and d["rule"] == "length-limit" and isinstance(d["line"], int)
    assert empty["diagnostics"][0]["rule"] == "io-empty"


def test_json_warnings_only_exits_0():
    p = run("check", "--format", "json", FIXTURES / "heading-format-word-paste.md")
    assert p.returncode == 0
    diags = json.loads(p.stdout)["files"][0]["diagnostics"]
    assert diags and {d["severity"] for d in diags} == {"warning"}


def test_binary_and_missing_files_are_diagnostics_not_tracebacks(tmp_path):
    b = tmp_path / "x.md"
    b.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    p = run("check", b, tmp_path / "missing.md", tmp_path)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr + p.stdout
    assert p.stdout.count("错误[io-") == 3


def test_project_option_and_cwd(tmp_path):
    shutil.copy(FIXTURES / "ok-minimal.md", tmp_path / "r.md")
    # reports may live anywhere; content/ and rubrics/ come from the cwd …
    assert run("check", tmp_path / "r.md").returncode == 0
    # … or from --project when run elsewhere
    assert run("check", "--project", ROOT, tmp_path / "r.md", cwd=tmp_path).returncode == 0
    p = run("check", "r.md", cwd=tmp_path)
    assert p.returncode == 1 and "front-matter" in p.stdout and "--project" in p.stdout  # no project here: says so
    # a report inside a project, checked from elsewhere: the project is found from the report's folder
    inside = ROOT / "tests" / "fixtures" / "reports" / "ok-minimal.md"
    assert run("check", inside, cwd=tmp_path).returncode == 0


def test_round_and_county_options():
    p = run("check", "--county", "linying", FIXTURES / "ok-minimal.md")
    assert p.returncode == 1 and "临颍县人民政府2022年度质量工作考核自评报告" in p.stdout


def _project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "rubrics", root / "rubrics")
    (root / "content" / "luohe-2022").mkdir()
    shutil.copy(ROOT / "content" / "luohe-2022" / "round.yaml", root / "content" / "luohe-2022" / "round.yaml")
    (root / "content" / "huizhou-2017").mkdir()
    shutil.copy(FIXTURES / "huizhou" / "round.yaml", root / "content" / "huizhou-2017" / "round.yaml")
    return root


def test_new_user_flow(tmp_path):
    """kaohe new report → check flags the guidance → fill in → check until clean."""
    root = _project_copy(tmp_path)
    p = run("new", "report", "--round", "luohe-2022", "--county", "kaifaqu", cwd=root)
    assert p.returncode == 0, p.stderr
    report = root / "content" / "luohe-2022" / "reports" / "kaifaqu.md"
    text = report.read_text(encoding="utf-8")
    assert text.startswith("---\nround: luohe-2022\ncounty: kaifaqu\n---\n")
    assert "# 经济技术开发区管委会2022年度质量工作考核自评报告" in text
    assert "## 一、2022年质量工作情况" in text and "### （二）党中央" in text
    assert "## 附件：质量安全和质量发展工作典型案例" in text

    # unchanged skeleton: every guidance line is an error, nothing else is
    p = run("check", "--format", "json", report, cwd=root)
    assert p.returncode == 1
    diags = json.loads(p.stdout)["files"][0]["diagnostics"]
    guidance_lines = [i + 1 for i, ln in enumerate(text.splitlines()) if "【" in ln and not ln.startswith("<!--")]
    assert sorted({d["line"] for d in diags}) == guidance_lines
    assert {d["rule"] for d in diags} == {"placeholder"}

    # never overwrites
    p = run("new", "report", "--round", "luohe-2022", "--county", "kaifaqu", cwd=root)
    assert p.returncode == 1 and "已存在" in p.stderr
    assert report.read_text(encoding="utf-8") == text

    # fill in: replace each guidance line by a sentence of content, the case title by a title
    filled = text.replace("### 案例一：【案例标题】", "### 案例一：园区质量基础设施“一站式”服务")
    filled = re.sub(r"^【[^】]*】$", "开发区全年服务企业1800余次，产品质量监督抽查合格率达到98.6%。", filled, flags=re.M)
    report.write_text(filled, encoding="utf-8")
    p = run("check", report, cwd=root)
    assert p.returncode == 0, p.stdout
    assert "✓ 通过" in p.stdout


def test_new_user_flow_huizhou_lists_items_to_self_evaluate(tmp_path):
    root = _project_copy(tmp_path)
    assert run("new", "report", "--round", "huizhou-2017", "--county", "boluo", cwd=root).returncode == 0
    report = root / "content" / "huizhou-2017" / "reports" / "boluo.md"
    text = report.read_text(encoding="utf-8")
    assert "# 博罗县人民政府2017年度质量工作考核自评报告" in text
    assert "第1项　产品质量监督抽查不合格产品发现率：【" in text and "第8项" not in text
    p = run("check", "--format", "json", report, cwd=root)
    assert {d["rule"] for d in json.loads(p.stdout)["files"][0]["diagnostics"]} == {"placeholder"}
    text = re.sub(r"：【完成情况和自评得分】", "：已完成，自评4分。", text)
    report.write_text(re.sub(r"^【[^】]*】$", "已完成。", text, flags=re.M), encoding="utf-8")
    p = run("check", report, cwd=root)
    assert p.returncode == 0, p.stdout


def test_new_report_out_option_and_bad_ids(tmp_path):
    root = _project_copy(tmp_path)
    out = tmp_path / "elsewhere" / "r.md"
    p = run("new", "report", "--round", "luohe-2022", "--county", "wuyang", "--out", out, cwd=root)
    assert p.returncode == 0 and out.exists()
    p = run("new", "report", "--round", "luohe-2022", "--county", "wuyan", cwd=root)
    assert p.returncode == 1 and "wuyang" in p.stderr
    p = run("new", "report", "--round", "luohe-2033", "--county", "wuyang", cwd=root)
    assert p.returncode == 1 and "luohe-2033" in p.stderr


def test_list_rules():
    p = run("check", "--rules")
    assert p.returncode == 0
    for rid in ("section-missing", "length-limit", "placeholder", "KH101"):
        assert rid in p.stdout


HEAVY = ("jinja2", "weasyprint", "mkdocs", "openpyxl", "rich")


def test_check_path_imports_no_heavy_libraries():
    e = dict(os.environ)
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "builder", "check", FIXTURES / "ok-minimal.md"],
                       cwd=ROOT, capture_output=True, text=True, env=e, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    imported = {ln.split("|")[-1].strip().split(".")[0] for ln in p.stderr.splitlines() if ln.startswith("import time:")}
    assert not (imported & set(HEAVY)), imported & set(HEAVY)


@pytest.mark.parametrize("name", ["ok-luohe-wuyang.md", "section-missing-two.md"])
def test_python_m_and_console_script_agree(name):
    exe = Path(sys.executable).parent / "kaohe"
    if not exe.exists():
        pytest.skip("console script not installed")
    a = run("check", "--format", "json", FIXTURES / name)
    b = subprocess.run([exe, "check", "--format", "json", FIXTURES / name], cwd=ROOT, capture_output=True, text=True)
    assert (a.returncode, a.stdout) == (b.returncode, b.stdout)


def test_a_report_full_of_placeholders_prints_fifty_findings_and_a_count(tmp_path):
    """The text output is capped per file (the JSON keeps every finding); the count comes last."""
    body = "\n\n".join("××县的工作【填写】" for _ in range(300))
    report = tmp_path / "r.md"
    report.write_text(f"---\nround: luohe-2022\ncounty: wuyang\n---\n# 舞阳县人民政府2022年度质量工作考核自评报告\n\n{body}\n",
                      encoding="utf-8")
    p = run("check", report)
    assert p.returncode == 1
    assert p.stdout.count("错误[placeholder]") == 50
    headers = [ln for ln in p.stdout.splitlines() if "[" in ln and "]" in ln and ln.startswith(str(report))]
    assert "提示[diagnostics-capped]" in headers[-1] and "还有 554 条问题没有列出" in headers[-1]
    data = json.loads(run("check", report, "--format", "json").stdout)
    assert len(data["files"][0]["diagnostics"]) == 604 and data["files"][0]["diagnostics"][0]["rule"] != "diagnostics-capped"
