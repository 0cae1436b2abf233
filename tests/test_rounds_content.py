"""The example rounds under content/ (fictional sample data) stay valid and consistent."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from builder.cli import main
from builder.project import Project
from builder.rounds import compute, list_rounds, load_round

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project(ROOT)


def results_json(capsys, rid):
    assert main(["results", rid, "--format", "json", "--project", str(ROOT)]) == 0
    return json.loads(capsys.readouterr().out)


def test_rounds_listed():
    assert {"luohe-2022", "huizhou-2017", "changzhou-2024"} <= set(list_rounds(PROJECT))
    # the on-site check (附件2) is part of the 惠州 2017 assessment, not a round of its own
    assert "huizhou-2017-onsite" not in list_rounds(PROJECT)


@pytest.mark.parametrize("rid", list_rounds(PROJECT))
def test_every_round_validates_without_findings(rid):
    rnd, diags = load_round(Project(ROOT), rid)
    assert rnd is not None, "\n".join(d.format() for d in diags)
    assert [d.format() for d in diags if d.severity != "info"] == []
    assert rnd.sample  # all example content is labelled as sample data


def test_luohe_results_are_consistent_with_the_rubric(capsys):
    data = results_json(capsys, "luohe-2022")
    rubric, _ = PROJECT.load_rubric("luohe-2022")
    assert data["round"] == "luohe-2022"
    assert [c["id"] for c in data["counties"]] == [
        "linying", "wuyang", "yuanhui", "yancheng", "zhaoling", "kaifaqu", "shifanqu", "xicheng"]
    totals = []
    for c in data["counties"]:
        D = Decimal
        assert set(c["areas"]) == {a.id for a in rubric.areas}
        assert D(c["base"]) == sum(D(v) for v in c["areas"].values())
        assert D(c["total"]) == max(D(c["base"]) + D(c["bonus"]) - D(c["deductions"]), D(0))
        assert c["veto"] is None
        assert c["grade"] == rubric.grade_for(D(c["total"]))
        for v in (c["base"], c["bonus"], c["deductions"], c["total"], *c["areas"].values()):
            assert isinstance(v, str) and "E" not in v
        totals.append(D(c["total"]))
    ranks = [c["rank"] for c in data["counties"]]
    for i, t in enumerate(totals):
        assert ranks[i] == 1 + sum(1 for u in totals if u > t)
    assert ranks == [1, 2, 3, 3, 5, 6, 7, 8]  # a tie at 86
    assert [c["grade"] for c in data["counties"]] == ["A", "A", "B", "B", "B", "C", "C", "C"]
    by_id = {c["id"]: c for c in data["counties"]}
    assert by_id["linying"]["bonus"] == "1"
    assert by_id["xicheng"]["deductions"] == "2"  # three events of D1, capped at 2


def test_luohe_uses_every_sheet_format():
    rnd, _ = load_round(Project(ROOT), "luohe-2022")
    kinds = {Path(e.origin.path).suffix for e in rnd.scores.values()}
    assert kinds == {".yaml", ".csv", ".xlsx"}
    assert set(rnd.reports) == set(rnd.feedback) == set(rnd.contacts) == {c.id for c in rnd.counties}


def test_huizhou_self_scores_deduction_and_veto(capsys):
    rnd, _ = load_round(Project(ROOT), "huizhou-2017")
    res = compute(rnd)
    huidong, boluo, huiyang = res.county("huidong"), res.county("boluo"), res.county("huiyang")
    # Seed 001 附件1: a finding “经省政府或省政府授权有关部门调查认定” is the D1 deduction (−10, uncapped);
    # only one “经国务院或国务院授权有关部门调查认定” vetoes (V1, grade D).
    assert huidong.veto is None and huidong.deductions == Decimal(10) and huidong.total == Decimal("74.5")
    assert huidong.grade == "C" and "省政府授权" in huidong.deduction_lines[0].evidence
    assert huiyang.grade == "D" and huiyang.veto is not None and huiyang.band_grade == "B"
    assert "国务院" in huiyang.veto.evidence and huiyang.total == Decimal("85.5")
    assert huiyang.rank is None and res.counties[-1] is huiyang  # veto_rank: last (the default)
    assert [c.rank for c in res.counties] == [1, 2, 3, None]
    assert boluo.deductions == Decimal(10) and boluo.deduction_lines[0].cap is None
    assert all(c.self_base is not None and c.self_base >= c.base for c in res.counties)
    assert any(i.delta and i.delta < 0 for a in res.county("huicheng").areas for i in a.items)
    assert rnd.publish == "scores" and rnd.is_published


def test_huizhou_onsite_ratings_are_part_of_the_2017_round():
    rnd, _ = load_round(Project(ROOT), "huizhou-2017")
    assert rnd.onsite is not None and rnd.onsite.rubric.id == "huizhou-2017-onsite"
    assert len(rnd.onsite.ratings) == 4 * 13 and not rnd.ratings
    r1 = rnd.onsite.ratings[("huicheng", "R1")]
    assert r1.level in ("好", "较好", "一般", "差", "非常差")
    assert rnd.onsite.informed("R1") == ("A2.1.1",)
    # the ratings give no second result: the round's totals come from the score sheets alone
    res = compute(rnd)
    assert [c.county.id for c in res.counties] and all(c.grade for c in res.counties)
    assert res.county("huiyang").grade == "D" and res.county("huiyang").veto is not None


def test_changzhou_is_a_draft_with_bonus_over_its_cap():
    rnd, _ = load_round(Project(ROOT), "changzhou-2024")
    assert rnd.status == "draft" and not rnd.is_published
    wujin = compute(rnd).county("wujin")
    assert sum((ln.raw for ln in wujin.bonus_lines), Decimal(0)) == Decimal(6) and wujin.bonus == Decimal(5)


def test_results_are_deterministic(capsys):
    assert results_json(capsys, "luohe-2022") == results_json(capsys, "luohe-2022")


def test_reports_pass_the_template_checker(capsys):
    pytest.importorskip("builder.checker")
    reports = sorted(str(p) for p in (ROOT / "content").glob("*/reports/*.md"))
    assert len(reports) >= 8
    rc = main(["check", *reports, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    problems = [d for f in data["files"] for d in f["diagnostics"] if d["severity"] != "info"]
    assert rc == 0 and problems == []
    for f in data["files"]:
        if "luohe-2022" in f["path"]:
            assert 1500 <= f["stats"]["chars"] <= 2800
    assert sum("知识产权" in Path(p).read_text(encoding="utf-8") for p in reports if "luohe" in p) >= 2
