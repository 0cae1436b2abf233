"""``kaohe validate`` and ``kaohe results`` (text, JSON as in DESIGN §6, --explain)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from builder.cli import main
from test_rounds_support import ROUND, Sandbox


@pytest.fixture
def sb(tmp_path):
    return Sandbox(tmp_path)


def run(sb, *args):
    return main([*args, "--project", str(sb.root)])


def test_validate_ok(sb, capsys):
    assert run(sb, "validate", ROUND) == 0
    assert f"✓ {ROUND}" in capsys.readouterr().out


def test_validate_all_rounds_by_default(sb, capsys):
    assert run(sb, "validate") == 0
    assert ROUND in capsys.readouterr().out


def test_validate_reports_errors_and_exits_1(sb, capsys):
    sb.edit("scores/shichang.yaml", '"3": 35', '"3": 350')
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", "west,西城区,2,abc,")
    assert run(sb, "validate", ROUND) == 1
    cap = capsys.readouterr()
    assert "error[score-range]" in cap.out and "error[score-number]" in cap.out
    assert "scores/shichang.yaml:6:" in cap.out and '    "3": 350' in cap.out  # source line
    assert "共 2 个错误" in cap.err


def test_validate_json(sb, capsys):
    sb.edit("scores/shichang.yaml", '"3": 35', '"3": 350')
    assert run(sb, "validate", ROUND, "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    (d,) = [d for d in data["diagnostics"] if d["severity"] == "error"]
    assert set(d) >= {"path", "line", "column", "severity", "rule", "message"} and d["rule"] == "score-range"


def test_results_json_contract(sb, capsys):
    assert run(sb, "results", ROUND, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["round"] == ROUND
    assert [c["id"] for c in data["counties"]] == ["west", "east", "south"]
    west = data["counties"][0]
    assert set(west) == {"id", "name", "base", "bonus", "deductions", "veto", "total", "grade", "rank", "areas"}
    assert west == {"id": "west", "name": "西城区", "base": "100", "bonus": "1", "deductions": "0", "veto": None,
                    "total": "101", "grade": "A", "rank": 1, "areas": {"A1": "60", "A2": "40"}}
    south = data["counties"][2]
    assert (south["base"], south["deductions"], south["total"], south["grade"]) == ("71.6", "1", "70.6", "C")
    assert south["areas"] == {"A1": "45.5", "A2": "26.1"}


def test_results_json_veto(sb, capsys):
    sb.write("events.yaml", "veto:\n  - {county: west, item: V1, description: 发生区域性质量安全事件}\n")
    assert run(sb, "results", ROUND, "--format", "json") == 0
    west = next(c for c in json.loads(capsys.readouterr().out)["counties"] if c["id"] == "west")
    assert west["grade"] == "D" and west["total"] == "100"
    assert west["veto"] == {"id": "V1", "title": "发生区域性、系统性质量安全事件", "description": "发生区域性质量安全事件"}


def test_results_text_table(sb, capsys):
    assert run(sb, "results", ROUND) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    head = next(ln for ln in lines if ln.startswith("排名"))
    for col in ("县区", "A1", "A2", "基本分", "加分", "扣分", "总分", "等次"):
        assert col in head
    row = next(ln for ln in lines if "南山县" in ln)
    assert row.split() == ["3", "南山县", "45.5", "26.1", "71.6", "0", "1", "70.6", "C"]


def test_results_refuses_a_broken_round(sb, capsys):
    sb.edit("scores/shichang.yaml", '"3": 35', '"3": 350')
    assert run(sb, "results", ROUND, "--format", "json") == 1
    cap = capsys.readouterr()
    assert cap.out == "" and "score-range" in cap.err


def test_explain_traces_every_figure(sb, capsys):
    assert run(sb, "results", ROUND, "--explain", "south") == 0
    out = capsys.readouterr().out
    assert "scores/shichang.yaml:13" in out  # item 1
    assert "scores/zhujian.csv:7" in out  # item 2
    assert "scores/nongye.yaml:5" in out  # item 6
    assert "events.yaml:4" in out and "1 次 × 1 = 1" in out
    assert "小计 = 25.5 + 0 + 0.1 + 0.5 = 26.1" in out
    assert "基本分 = A1 45.5 + A2 26.1 = 71.6" in out
    assert "总分 = 基本分 71.6 + 加分 0 − 扣分 1 = 70.6" in out
    assert "等次 = C" in out and "第 3 名" in out


def test_explain_by_name_and_unknown(sb, capsys):
    assert run(sb, "results", ROUND, "--explain", "南山县") == 0
    capsys.readouterr()
    assert run(sb, "results", ROUND, "--explain", "sout") == 1
    assert "south" in capsys.readouterr().err


def test_python_m_builder_is_the_same_cli(sb):
    p = subprocess.run([sys.executable, "-m", "builder", "results", ROUND, "--format", "json", "--project", str(sb.root)],
                       capture_output=True, text=True, encoding="utf-8")
    assert p.returncode == 0 and json.loads(p.stdout)["round"] == ROUND


def test_explain_json_has_sources(sb, capsys):
    assert run(sb, "results", ROUND, "--explain", "south", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "70.6" and len(data["items"]) == 6
    item2 = next(i for i in data["items"] if i["id"] == "2")
    assert item2["score"] == "15.5" and item2["source"]["path"].endswith("zhujian.csv") and item2["source"]["line"] == 7
    (ded,) = data["deduction_lines"]
    assert (ded["id"], ded["amount"], ded["cap"]) == ("D1", "1", "2")
