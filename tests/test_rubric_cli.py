"""The rubric loader and ``kaohe rubric`` as a user runs them (real processes)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from builder.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ["luohe-2022", "huizhou-2017", "huizhou-2017-onsite", "changzhou", "aqsiq-2009"]


def kaohe(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True)


def show_json(rid):
    r = kaohe("rubric", "show", rid, "--format", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def leaves(node):
    if not node["children"]:
        yield node
    for c in node["children"]:
        yield from leaves(c)


def test_all_seed_rubrics_validate():
    r = kaohe("rubric", "validate")
    assert r.returncode == 0, r.stdout + r.stderr
    for rid in RUBRICS:
        assert f"rubrics/{rid}.yaml" in r.stdout


def test_luohe_json_figures():
    j = show_json("luohe-2022")
    assert [a["points"] for a in j["areas"]] == ["28", "25", "25", "9", "13"]
    assert j["base_points"] == "100"
    assert [b["amount"] for b in j["bonus"]["items"]] == ["1", "1", "1"]
    caps = [d["cap"] for d in j["deductions"]]
    assert caps == ["2", "1", "1", "1", "1", "1"]
    assert j["deductions"][0]["amount"] == "1"
    assert len(j["veto"]) == 1 and j["veto"][0]["grade"] == "D"
    for leaf in (l for a in j["areas"] for l in leaves(a)):
        assert leaf["departments"], leaf["id"]


def test_huizhou_json_figures():
    j = show_json("huizhou-2017")
    assert [a["points"] for a in j["areas"]] == ["56", "44"]
    ids = [l["id"] for a in j["areas"] for l in leaves(a)]
    assert ids == [str(i) for i in range(1, 44)]
    assert len(j["deductions"]) == 1
    d = j["deductions"][0]
    assert d["amount"] == "10" and d["cap"] is None and d["uncapped"] is True
    onsite = show_json("huizhou-2017-onsite")
    assert [a["points"] for a in onsite["areas"]] == ["70", "30"]


def test_changzhou_json_figures():
    j = show_json("changzhou")
    assert [a["points"] for a in j["areas"]] == ["19", "30", "12", "39"]
    assert j["bonus_cap"] == "5"
    assert j["grades"] == [{"grade": "A", "min": "90"}, {"grade": "B", "min": "80"},
                           {"grade": "C", "min": "60"}, {"grade": "D", "min": "0"}]


def test_national_guide_json_figures():
    j = show_json("aqsiq-2009")
    assert [a["points"] for a in j["areas"]] == ["140", "90", "465", "305"]
    assert j["base_points"] == "1000"
    assert sum(1 for a in j["areas"] for _ in leaves(a)) == 98
    assert j["grades"] == [] and j["bonus_cap"] is None


def test_show_text_tree_has_points_and_departments():
    r = kaohe("rubric", "show", "luohe-2022")
    assert r.returncode == 0
    assert "质量整体水平  28分" in r.stdout
    assert "市质强办" in r.stdout


@pytest.mark.parametrize("rid", RUBRICS)
def test_changed_leaf_breaks_subtotal(tmp_path, rid):
    """Changing one leaf's points in a copy: exit 1, the copied file, the subtotal's line, both numbers."""
    src = ROOT / "rubrics" / f"{rid}.yaml"
    rubric, diags = load_rubric(src)
    assert rubric is not None, diags
    leaf = next(rubric.leaves())
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    # The leaf's own `points:` line follows its start line.
    idx = next(i for i in range(leaf.line - 1, len(lines)) if re.match(r"\s*(- )?points:", lines[i]) or "points:" in lines[i])
    old = leaf.points
    new = old + 1
    lines[idx] = re.sub(r"points:\s*[0-9.]+", f"points: {new}", lines[idx], count=1)
    copy = tmp_path / f"{rid}.yaml"
    copy.write_text("".join(lines), encoding="utf-8")
    r = kaohe("rubric", "validate", str(copy))
    assert r.returncode == 1
    out = r.stdout + r.stderr
    m = re.search(rf"{re.escape(str(copy))}:(\d+):\d+: error\[rubric-sum\] (.*)", out)
    assert m, out
    line_no = int(m.group(1))
    assert "points" in lines[line_no - 1] or "base_points" in lines[line_no - 1]
    # Both numbers: the declared subtotal and the new sum.
    nums = re.findall(r"(\d+(?:\.\d+)?) 分", m.group(2))
    assert len(nums) == 2 and Decimal(nums[1]) - Decimal(nums[0]) == 1, m.group(2)
    assert "Traceback" not in out


def write(tmp_path, text, name="bad.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """id: bad
title: 测试
base_points: 10
areas:
  - id: A1
    title: 领域
    points: 10
    children:
      - {id: "1", title: 项目一, points: 4, departments: [市质强办]}
      - {id: "2", title: 项目二, points: 6, departments: [市质强办]}
"""


def test_good_minimal(tmp_path):
    r = kaohe("rubric", "validate", str(write(tmp_path, GOOD)))
    assert r.returncode == 0, r.stdout + r.stderr


def test_broken_yaml_is_located(tmp_path):
    p = write(tmp_path, GOOD.replace("    title: 领域\n", "    title: [领域\n"))
    r = kaohe("rubric", "validate", str(p))
    assert r.returncode == 1
    assert re.search(rf"{re.escape(str(p))}:\d+:\d+: error\[yaml-syntax\]", r.stdout), r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_duplicate_key_is_located(tmp_path):
    p = write(tmp_path, GOOD.replace("title: 测试\n", "title: 测试\ntitle: 测试二\n"))
    r = kaohe("rubric", "validate", str(p))
    assert r.returncode == 1
    assert f"{p}:3:1: error[yaml-duplicate-key]" in r.stdout, r.stdout
    assert "第 2 行" in r.stdout


def test_unknown_key_did_you_mean(tmp_path):
    p = write(tmp_path, GOOD.replace("    points: 10\n", "    pionts: 10\n"))
    r = kaohe("rubric", "validate", str(p))
    assert r.returncode == 1
    assert f"{p}:7:5: error[schema-unknown-key]" in r.stdout, r.stdout
    assert "你是不是想写“points”" in r.stdout


def test_wrong_type_and_all_problems_at_once(tmp_path):
    text = GOOD.replace("points: 4,", "points: 四,").replace("base_points: 10", "base_points: 10\nbonus: {cap: -1}")
    text += "grades:\n  - {grade: A, min: 60}\n  - {grade: B, min: 80}\n"
    r = kaohe("rubric", "validate", str(write(tmp_path, text)))
    assert r.returncode == 1
    assert "schema-type" in r.stdout and "rubric-cap" in r.stdout and "rubric-bands" in r.stdout


def test_deduction_must_state_cap(tmp_path):
    text = GOOD + "deductions:\n  - {id: D1, title: 事故, amount: 1}\n"
    r = kaohe("rubric", "validate", str(write(tmp_path, text)))
    assert r.returncode == 1 and "uncapped: true" in r.stdout


def test_duplicate_id(tmp_path):
    r = kaohe("rubric", "validate", str(write(tmp_path, GOOD.replace('id: "2"', 'id: "1"'))))
    assert r.returncode == 1 and "rubric-duplicate-id" in r.stdout


def test_unknown_rubric_id_suggests():
    r = kaohe("rubric", "show", "luohe-2020")
    assert r.returncode == 1 and "luohe-2022" in r.stderr


def test_gbk_rubric_file_reads_with_warning(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_bytes(GOOD.encode("gb18030"))
    r = kaohe("rubric", "validate", str(p))
    assert r.returncode == 0
    assert "warning[io-gbk]" in r.stdout


def test_binary_file(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_bytes(b"\x00\x01\x02binary")
    r = kaohe("rubric", "validate", str(p))
    assert r.returncode == 1 and "io-binary" in r.stdout


def test_decimal_exact_sum(tmp_path):
    text = GOOD.replace("points: 4,", "points: 0.1,").replace("points: 6,", "points: 0.2,").replace(
        "    points: 10\n", "    points: 0.3\n").replace("base_points: 10", "base_points: 0.3")
    rubric, diags = load_rubric(write(tmp_path, text))
    assert rubric is not None, diags
    assert rubric.areas[0].points == Decimal("0.3")
