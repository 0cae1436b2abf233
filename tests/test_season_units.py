"""Issue 14 in-process: the rules in the data (events.yaml, round.yaml), kaohe status, review ids,
reply forms and decisions with their located errors, the audit chain and tampering, the 汇总表."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from builder.cli import main
from builder.rounds import compute
from test_rounds_support import ROUND, Sandbox, errors

D = Decimal


@pytest.fixture
def sb(tmp_path):
    return Sandbox(tmp_path)


def run(sb, *args):
    return main([*args, "--project", str(sb.root)])


# ----------------------------------------------------------------------------- rules in the data


def test_discretionary_amount_in_events(sb):
    sb.write("events.yaml", """
        deductions:
          - {county: south, item: D3, amount: 0.5, evidence: 一起质量安全事件，情节较轻}
          - {county: east, item: D3, count: 3, amount: 0.7, evidence: 三起事件}
        """)
    rnd, diags = sb.load()
    assert rnd is not None, [d.format() for d in diags]
    res = compute(rnd)
    assert res.county("south").deductions == D("0.5")
    line = res.county("east").deduction_lines[0]
    assert line.raw == D("2.1") and line.amount == D(2) and line.capped  # cap 2 still holds


def test_amount_on_a_fixed_deduction_or_above_the_maximum_is_a_located_error(sb):
    sb.write("events.yaml", """
        deductions:
          - {county: south, item: D1, amount: 0.5, evidence: 固定扣分项}
          - {county: east, item: D3, amount: 1.5, evidence: 超过每次最多扣分}
          - {county: west, item: D3, amount: 0, evidence: 零}
        """)
    rnd, diags = sb.load()
    assert rnd is None
    fixed = errors(diags, "event-amount-fixed")
    rng = errors(diags, "event-amount-range")
    assert len(fixed) == 1 and fixed[0].line == 2 and "固定" in fixed[0].message
    assert [d.line for d in rng] == [3, 4] and "最多扣 1 分" in rng[0].message


def test_a_once_only_bonus_entered_twice_warns_and_counts_once(sb):
    sb.write("events.yaml", """
        bonus:
          - {county: west, item: B4, count: 2, evidence: 市政府质量奖}
        """)
    rnd, diags = sb.load()
    assert rnd is not None
    warn = [d for d in diags if d.rule == "event-bonus-once"]
    assert len(warn) == 1 and warn[0].severity == "warning" and warn[0].line == 2
    assert compute(rnd).county("west").bonus == D(1)


@pytest.mark.parametrize("setting, ranks", [
    (None, [("west", 1), ("south", 2), ("east", None)]),
    ("veto_rank: by_total", [("west", 1), ("east", 2), ("south", 3)]),
    ("veto_rank: none", [("west", 1), ("east", None), ("south", 2)]),
])
def test_veto_rank_from_round_yaml_and_json(sb, capsys, setting, ranks):
    sb.write("events.yaml", """
        veto:
          - {county: east, item: V1, description: 发生区域性食品安全事件}
        """)
    if setting:
        sb.edit("round.yaml", "publish: ranks", f"publish: ranks\n{setting}")
    assert run(sb, "results", ROUND, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    got = [(c["id"], c["rank"]) for c in data["counties"]]
    # east's total (92.5) is between west's (101) and south's (71.6)
    assert got == ranks


def test_bad_veto_rank_and_deadline_are_located(sb):
    sb.edit("round.yaml", "publish: ranks", "publish: ranks\nveto_rank: first\ndeadline: 2024-13-01")
    _, diags = sb.load()
    rules = {d.rule: d for d in errors(diags)}
    text = (sb.round_dir / "round.yaml").read_text(encoding="utf-8").splitlines()
    assert "round-veto-rank" in rules and text[rules["round-veto-rank"].line - 1].startswith("veto_rank:")
    assert "schema-type" in rules and "deadline" in rules["schema-type"].message


def test_results_text_shows_a_dash_for_a_vetoed_county(sb, capsys):
    sb.write("events.yaml", "veto:\n  - {county: south, item: V1, description: 事件}\n")
    assert run(sb, "results", ROUND) == 0
    out = capsys.readouterr().out
    row = next(ln for ln in out.splitlines() if "南山县" in ln and "否决" in ln)
    assert row.lstrip().startswith("—") and "不排名次" in out


# ----------------------------------------------------------------------------- kaohe status


def test_status_lists_missing_sheets_and_empty_pairs(sb, capsys):
    (sb.round_dir / "scores" / "zhujian.csv").unlink()
    sb.edit("scores/nongye.yaml", '  south: {"6": 0.5}\n', "")
    sb.edit("round.yaml", "publish: ranks", "publish: ranks\ndeadline: 2024-05-10")
    assert run(sb, "status", ROUND, "--format", "json", "--today", "2024-05-01") == 0
    st = json.loads(capsys.readouterr().out)
    assert st["days_left"] == 9 and st["deadline"] == "2024-05-10"
    by = {d["department"]: d for d in st["departments"]}
    assert by["市住建局"]["state"] == "missing" and by["市住建局"]["filled"] == 0 and by["市住建局"]["expected"] == 6
    assert by["市农业农村局"]["state"] == "partial"
    assert by["市农业农村局"]["missing"] == [{"county": "south", "county_name": "南山县", "item": "6"}]
    assert by["市畜牧局"]["missing"] == by["市农业农村局"]["missing"]  # a shared item is owed by both
    assert by["市市场监管局"]["state"] == "complete"
    assert run(sb, "status", ROUND, "--today", "2024-05-12", "--xlsx", str(sb.root / "late.xlsx")) == 0
    out = capsys.readouterr().out
    assert "已超过 2 天" in out and "未报送" in out and "南山县 6" in out
    wb = load_workbook(sb.root / "late.xlsx")
    assert wb.sheetnames[0] == "催报汇总" and "市住建局" in wb.sheetnames
    rows = list(wb["市住建局"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == 6 and rows[0][:3] == ("east", "东城区", "2") and rows[0][4] == 20
    assert all(isinstance(r[2], str) for r in rows)  # item ids stay text


def test_status_of_an_unknown_round_is_a_located_error(sb, capsys):
    assert run(sb, "status", "tiny-2025") == 1
    assert "找不到考核轮次" in capsys.readouterr().err


# ----------------------------------------------------------------------------- review and appeal


def approve(sb):
    sb.edit("round.yaml", "status: published", "status: draft")
    assert run(sb, "approve", ROUND, "--by", "张三", "--why", "审定") == 0


def test_review_ids_are_stable_and_complete(sb):
    from builder.rounds.documents import review_points, split_review_id

    rnd, _ = sb.load()
    res = compute(rnd)
    south = res.county("south")
    ids = [p.id for p in review_points(south)]
    below = [it.item.id for a in south.areas for it in a.items if it.score < it.item.points]
    assert ids == [f"south-{i}" for i in below] + ["south-D1"]
    assert split_review_id("south-D1", ["south", "south-east"]) == ("south", "D1")


def test_forms_and_decisions_end_to_end_in_process(sb, capsys):
    approve(sb)
    out = sb.root / "forms"
    assert run(sb, "appeals", ROUND, "--forms", "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == ["east.xlsx", "south.xlsx", "west.xlsx"]
    wb = load_workbook(out / "south.xlsx")
    ws = wb.active
    assert ws.title == "复核申请表" and ws.freeze_panes == "A6" and ws.page_setup.orientation == "landscape"
    rows = {r[0].value: r for r in ws.iter_rows(min_row=6)}
    rows["south-2"][6].value = "有异议"
    rows["south-2"][7].value = 18
    rows["south-2"][8].value = "=不应扣分"  # text, not a formula, when read back
    rows["south-2"][8].data_type = "s"
    rows["south-2"][9].value = "附件1"
    (sb.round_dir / "appeals").mkdir()
    wb.save(sb.round_dir / "appeals" / "south.xlsx")
    sb.write("appeals/decisions.yaml", """
        decisions:
          - {id: south-2, decision: upheld, score: 18, reason: 材料齐全}
        """)
    capsys.readouterr()
    assert run(sb, "appeals", ROUND, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["appeals"] == [{"id": "south-2", "county": "south", "reason": "=不应扣分", "evidence": "附件1",
                                "claim": "18", "decision": "upheld"}]
    (ch,) = data["counties"]
    assert ch["id"] == "south" and ch["scores"] == [{"kind": "items", "id": "2", "before": "15.5", "after": "18"}]
    assert D(ch["after"]["total"]) - D(ch["before"]["total"]) == D("2.5")


@pytest.mark.parametrize("yaml_text, rule, line", [
    ("decisions:\n  - {id: south-9, decision: upheld, score: 1, reason: x}\n", "appeal-unknown-id", 2),
    ("decisions:\n  - {id: west-1, decision: upheld, score: 1, reason: x}\n", "appeal-unknown-id", 2),  # full marks
    ("decisions:\n  - {id: south-2, decision: upheld, score: 25, reason: x}\n", "appeal-score-range", 2),
    ("decisions:\n  - {id: south-2, decision: upheld, reason: x}\n", "appeal-score-missing", 2),
    ("decisions:\n  - {id: south-2, decision: rejected, score: 3, reason: x}\n", "appeal-score-rejected", 2),
    ("decisions:\n  - {id: south-2, decision: maybe, reason: x}\n", "appeal-decision", 2),
    ("decisions:\n  - {id: south-2, decision: rejected, reason: x}\n  - {id: south-2, decision: rejected, reason: y}\n",
     "appeal-duplicate", 3),
    ("decisions:\n  - {id: south-D1, decision: upheld, score: 3, reason: x}\n", "appeal-score-range", 2),
    ("decisions: [1, 2\n", "yaml-syntax", 0),
])
def test_bad_decision_files_get_located_errors(sb, capsys, yaml_text, rule, line):
    (sb.round_dir / "appeals").mkdir()
    (sb.round_dir / "appeals" / "decisions.yaml").write_text(yaml_text, encoding="utf-8")
    rnd, diags = sb.load()
    assert rnd is None
    errs = [d for d in errors(diags) if d.path.endswith("decisions.yaml")]
    assert errs, [d.format() for d in diags]
    if rule != "yaml-syntax":
        assert errs[0].rule == rule and errs[0].line == line, [d.format() for d in errs]
    assert run(sb, "appeals", ROUND) == 1
    err = capsys.readouterr().err
    assert "decisions.yaml:" in err and "Traceback" not in err


def _form(sb, tmp_path, county="south"):
    approve(sb)
    out = tmp_path / "f"
    assert run(sb, "appeals", ROUND, "--forms", "--out", str(out)) == 0
    (sb.round_dir / "appeals").mkdir(exist_ok=True)
    return load_workbook(out / f"{county}.xlsx")


def test_bad_reply_forms_get_located_errors(sb, tmp_path, capsys):
    wb = _form(sb, tmp_path)
    ws = wb.active
    ws.cell(6, 1).value = "south-99"  # unknown id
    ws.cell(6, 7).value = "有异议"
    wb.save(sb.round_dir / "appeals" / "south.xlsx")
    wb = _form_again = load_workbook(tmp_path / "f" / "east.xlsx")
    wb.save(sb.round_dir / "appeals" / "west.xlsx")  # east's form under west's name
    wb = load_workbook(tmp_path / "f" / "west.xlsx")
    ws = wb.active
    ws.cell(5, 9).value = "申诉理由"  # edited header
    wb.save(sb.round_dir / "appeals" / "east.xlsx")
    capsys.readouterr()
    assert run(sb, "appeals", ROUND) == 1
    err = capsys.readouterr().err
    assert "south.xlsx:6:1: error[appeal-unknown-id]" in err and "单元格 A6" in err
    assert "west.xlsx:2:1: error[appeal-county]" in err and "东城区的复核申请表" in err
    assert "east.xlsx:5:9:" in err and "申诉理由" in err
    assert "Traceback" not in err and not (sb.round_dir / "audit" / "0002.json").exists()


def test_a_claim_above_the_maximum_is_located(sb, tmp_path, capsys):
    wb = _form(sb, tmp_path)
    ws = wb.active
    row = next(r for r in ws.iter_rows(min_row=6) if r[0].value == "south-2")
    row[6].value, row[7].value, row[8].value = "有异议", 25, "理由"
    wb.save(sb.round_dir / "appeals" / "south.xlsx")
    capsys.readouterr()
    assert run(sb, "appeals", ROUND) == 1
    err = capsys.readouterr().err
    assert "error[appeal-claim-range]" in err and f"单元格 H{row[0].row}" in err and "满分 20 分" in err


def test_forms_need_an_approved_round(sb, capsys):
    assert run(sb, "appeals", ROUND, "--forms") == 1
    assert "复核在审定之后" in capsys.readouterr().err


# ----------------------------------------------------------------------------- audit trail


def test_status_changes_keep_round_yaml_and_the_chain_consistent(sb, capsys):
    text = (sb.round_dir / "round.yaml").read_text(encoding="utf-8")
    approve(sb)
    new = (sb.round_dir / "round.yaml").read_text(encoding="utf-8")
    assert new == text.replace("status: published", "status: approved")  # comments and layout kept
    assert run(sb, "approve", ROUND, "--by", "张三", "--why", "再审") == 1  # already approved
    assert run(sb, "publish", ROUND, "--by", "李四", "--why", "发布") == 0
    rec = json.loads((sb.round_dir / "audit" / "0002.json").read_text(encoding="utf-8"))
    assert rec["status"] == {"from": "approved", "to": "published"} and rec["by"] == "李四"
    from builder.files import file_sha256

    assert rec["inputs"]["round.yaml"] == file_sha256(sb.round_dir / "round.yaml")
    assert rec["inputs"]["scores/zhujian.csv"] == file_sha256(sb.round_dir / "scores" / "zhujian.csv")
    assert rec["results"]["counties"][0]["total"] and rec["prev"]
    capsys.readouterr()
    assert run(sb, "history", ROUND) == 0
    assert "审计链完整（2 条记录）" in capsys.readouterr().out
    # status edited by hand: history says so, approve refuses
    sb.edit("round.yaml", "status: published", "status: draft")
    assert run(sb, "history", ROUND) == 1
    assert "error[audit-status]" in capsys.readouterr().err
    assert run(sb, "approve", ROUND, "--by", "张三", "--why", "x") == 1
    assert run(sb, "status-set", ROUND, "draft", "--by", "张三", "--why", "退回修改") == 0
    assert run(sb, "history", ROUND) == 0


@pytest.mark.parametrize("how, expect", [
    ("edit", "0001.json 未通过校验"),
    ("edit-rehash", "0002.json 未通过校验"),
    ("truncate", "0001.json 无法读取"),
    ("delete", "编号不连续"),
])
def test_a_tampered_record_is_detected_and_named(sb, capsys, how, expect):
    from builder.season import audit

    approve(sb)
    assert run(sb, "publish", ROUND, "--by", "李四", "--why", "发布") == 0
    assert run(sb, "status-set", ROUND, "draft", "--by", "王五", "--why", "退回") == 0
    first = sb.round_dir / "audit" / "0001.json"
    body = json.loads(first.read_text(encoding="utf-8"))
    body["results"]["counties"][0]["total"] = "100"
    if how == "edit":
        first.write_bytes(audit.canonical(body))
    elif how == "edit-rehash":  # a careful forger recomputes the record's own hash: the next link breaks
        body["hash"] = audit._self_hash(body)
        first.write_bytes(audit.canonical(body))
    elif how == "truncate":
        first.write_bytes(first.read_bytes()[:100])
    else:
        (sb.round_dir / "audit" / "0002.json").unlink()
    capsys.readouterr()
    assert run(sb, "history", ROUND) == 1
    err = capsys.readouterr().err
    assert expect in err and "Traceback" not in err
    assert run(sb, "status-set", ROUND, "approved", "--by", "x", "--why", "y") == 1  # no new record on a broken chain


def test_diff_between_records_score_by_score(sb, capsys):
    approve(sb)
    sb.write("appeals/decisions.yaml", """
        decisions:
          - {id: south-D1, decision: upheld, score: 0, reason: 事件不在考核年度内}
        """)
    assert run(sb, "appeals", ROUND, "--by", "张三", "--why", "复核") == 0
    capsys.readouterr()
    assert run(sb, "diff", ROUND, "1", "2") == 0
    out = capsys.readouterr().out
    assert "南山县（south）" in out and "扣分项 D1" in out and "1 → 0（-1）" in out
    assert run(sb, "diff", ROUND, "1", "2", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"] == ["appeals/decisions.yaml"]
    (south,) = data["counties"]
    assert D(south["after"]["total"]) == D(south["before"]["total"]) + 1
    assert run(sb, "diff", ROUND, "1", "7") == 1
    assert "没有第 7 条审计记录" in capsys.readouterr().err


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path, monkeypatch):
    import os

    from builder.files import write_atomic

    target = tmp_path / "0001.json"
    target.write_bytes(b"old")

    def boom(*a):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["0001.json"]


# ----------------------------------------------------------------------------- 汇总表


def test_export_workbook(sb, capsys):
    sb.edit("round.yaml", "publish: ranks", "publish: grades")  # ignored: the file is for the office
    out = sb.root / "sum.xlsx"
    assert run(sb, "export", ROUND, "--out", str(out)) == 0
    data = out.read_bytes()
    assert run(sb, "export", ROUND, "--out", str(out)) == 0 and out.read_bytes() == data  # same bytes
    wb = load_workbook(out)
    assert wb.sheetnames == ["总分排名", "领域得分", "考核项得分"]
    for ws in wb:
        assert ws.freeze_panes == "A4" and ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.print_title_rows == "$3:$3"
    rows = list(wb["总分排名"].iter_rows(min_row=4, values_only=True))
    rnd, _ = sb.load()
    res = compute(rnd)
    assert [(r[0], r[1], D(str(r[6]))) for r in rows] == [(c.rank, c.county.id, c.total) for c in res.counties]
    items = list(wb["考核项得分"].iter_rows(min_row=4, values_only=True))
    south2 = next(r for r in items if r[0] == "south" and r[3] == "2")
    assert south2[6] == 15.5 and south2[7] == "市住建局" and south2[8] == "监督抽查发现问题,已整改"
    assert len(items) == 3 * 6


# ----------------------------------------------------------------------------- letters and pages (data side)


def test_feedback_letter_numbers_figures_only_while_approved_and_vetoed_ranks(sb):
    from dataclasses import replace

    from builder.pdf import documents as docs

    sb.write("events.yaml", """
        deductions:
          - {county: south, item: D1, count: 1, evidence: 发生一起重大产品质量事件}
        veto:
          - {county: east, item: V1, description: 发生区域性食品安全事件}
        """)
    rnd, diags = sb.load()
    assert rnd is not None, [d.format() for d in diags]
    res = compute(replace(rnd, status="approved"))
    spec = docs.feedback_spec(res, res.county("south"), sb.project)
    rows = {r["id"]: r["review_id"] for a in spec.context["areas"] for r in a["rows"]}
    below = {it.item.id for a in res.county("south").areas for it in a.items if it.score < it.item.points}
    assert rows["2"] == "south-2" and {k for k, v in rows.items() if v} == below
    west = docs.feedback_spec(res, res.county("west"), sb.project)
    assert {r["id"]: r["review_id"] for a in west.context["areas"] for r in a["rows"]}["1"] == ""  # full marks
    assert any(line.startswith("〔复核编号 south-D1〕扣分") for line in spec.context["adjust"])
    assert "复核申请表" in spec.context["review_note"]
    east = docs.feedback_spec(res, res.county("east"), sb.project).context["summary"]
    assert "因一票否决不排名次" in east and "排名第" not in east
    table = docs.results_table(res)
    assert [r[0] for r in table["rows"]] == ["1", "2", "—"] and table["rows"][-1][1] == "东城区"
    published = compute(rnd)
    spec = docs.feedback_spec(published, published.county("south"), sb.project)
    assert not spec.context["review_note"] and all(r["review_id"] == "" for a in spec.context["areas"] for r in a["rows"])


def test_review_notice_only_for_published_rounds_that_ask_for_it(sb):
    from dataclasses import replace

    from builder.site.pages import review_notice

    sb.write("appeals/decisions.yaml", """
        decisions:
          - {id: south-2, decision: upheld, score: 18, reason: 材料齐全}
          - {id: south-D1, decision: rejected, reason: 内部理由}
        """)
    rnd, _ = sb.load()
    assert review_notice(compute(rnd)) == []  # round.yaml does not ask for it
    notice = review_notice(compute(replace(rnd, review_notice=True)))
    assert notice == [{"county": "南山县", "kind": "考核项", "ref": "2", "title": "工程质量", "before": D("15.5"),
                       "after": D(18), "reason": "材料齐全"}]
    assert review_notice(compute(replace(rnd, review_notice=True, status="approved"))) == []


def test_the_four_rubrics_say_which_bonus_counts_per_award_and_which_deduction_is_discretionary():
    from builder.project import Project

    p = Project(Path(__file__).resolve().parent.parent)
    cz, lh, hz, aq = (p.load_rubric(r)[0] for r in ("changzhou", "luohe-2022", "huizhou-2017", "aqsiq-2009"))
    assert cz.bonus.items and all(i.per_award for i in cz.bonus.items)  # 003 第六条 “每项加×分”
    assert [i.per_award for i in lh.bonus.items] == [False] * 3  # 004 第 119–121 行 “（加1分）”
    assert not hz.bonus.items and not aq.bonus.items
    assert [d.discretionary for d in lh.deductions] == [True] * 6  # 004 附件5 “酌情扣分”
    assert [d.discretionary for d in hz.deductions] == [False]  # 001 “每发生1件扣10分”


def test_garbage_forms_and_malformed_records_get_messages_not_tracebacks(sb, tmp_path, capsys):
    from builder.season import audit

    approve(sb)
    (sb.round_dir / "appeals").mkdir()
    (sb.round_dir / "appeals" / "south.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (sb.round_dir / "appeals" / "notes.txt").write_text("x", encoding="utf-8")
    capsys.readouterr()
    assert main(["appeals", ROUND, "--project", str(sb.root)]) == 1
    err = capsys.readouterr().err
    assert "south.xlsx: error[sheet-unreadable]" in err and "notes.txt: warning[appeal-file-unknown]" in err
    (sb.round_dir / "appeals" / "south.xlsx").unlink()
    assert run(sb, "publish", ROUND, "--by", "李四", "--why", "发布") == 0
    # a forger who rewrites the last record consistently (own hash recomputed) with a malformed result
    last = sb.round_dir / "audit" / "0002.json"
    body = json.loads(last.read_text(encoding="utf-8"))
    body["results"]["counties"] = [1, {"id": 2}]
    body["hash"] = audit._self_hash(body)
    last.write_bytes(audit.canonical(body))
    capsys.readouterr()
    assert run(sb, "diff", ROUND, "1", "2") == 1
    err = capsys.readouterr().err
    assert "格式不对" in err and "Traceback" not in err
    last.write_text("[]", encoding="utf-8")
    assert run(sb, "history", ROUND) == 1
    assert "0002.json 不是 kaohe 的审计记录" in capsys.readouterr().err


def test_explain_shows_once_only_bonus_discretionary_amounts_and_review_changes(sb, capsys):
    sb.write("events.yaml", """
        bonus:
          - {county: west, item: B4, count: 2, evidence: 市政府质量奖}
        deductions:
          - {county: south, item: D3, amount: 0.5, evidence: 情节较轻}
          - {county: south, item: D3, count: 2, amount: 0.7, evidence: 两起}
          - {county: east, item: D1, count: 1, evidence: 一起}
        """)
    sb.write("appeals/decisions.yaml", """
        decisions:
          - {id: east-D1, decision: upheld, score: 0, reason: 不属本年度}
          - {id: east-1, decision: upheld, score: 40, reason: 补充材料}
        """)
    assert run(sb, "results", ROUND, "--explain", "west") == 0
    assert "B4 获得市政府质量奖：2 项，原文不是“每项加分”，只计一次 1 = 1" in capsys.readouterr().out
    assert run(sb, "results", ROUND, "--explain", "south") == 0
    assert "D3 发生质量安全事件（酌情扣分）：0.5 + 0.7 × 2（酌情扣分） = 1.9（上限 2 分）" in capsys.readouterr().out
    assert run(sb, "results", ROUND, "--explain", "east") == 0
    out = capsys.readouterr().out
    assert "复核调整为 0" in out and "decisions.yaml:3" in out and "复核调整：补充材料" in out


@pytest.mark.slow
def test_office_workbooks_print_a4_landscape_in_libreoffice(sb, tmp_path):
    """The 汇总表 and a reply form as LibreOffice Calc prints them: A4 landscape, headers on the page."""
    import subprocess

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice Calc (libreoffice-calc) is not installed")
    approve(sb)
    assert run(sb, "export", ROUND, "--out", str(tmp_path / "sum.xlsx")) == 0
    assert run(sb, "appeals", ROUND, "--forms", "--out", str(tmp_path)) == 0
    profile = tmp_path / "lo-profile"
    for name in ("sum.xlsx", "south.xlsx"):
        p = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(tmp_path), str(tmp_path / name)], capture_output=True, text=True, timeout=180)
        pdf = tmp_path / name.replace(".xlsx", ".pdf")
        assert pdf.is_file(), p.stdout + p.stderr
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "841.89 x 595.3" in info and "(A4)" in info  # landscape
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert ("总分" in text and "南山县" in text) if name == "sum.xlsx" else ("复核编号" in text and "south-2" in text)


def test_status_lists_the_blank_rows_of_a_returned_form(sb, capsys):
    (sb.round_dir / "scores" / "zhujian.csv").unlink()
    assert run(sb, "forms", ROUND, "--department", "市住建局", "--out", str(sb.root / "f")) == 0
    wb = load_workbook(sb.root / "f" / "市住建局.xlsx")
    ws = wb.active
    for row in ws.iter_rows(min_row=6):
        if row[0].value and not (row[0].value == "south" and row[2].value == "5"):
            row[6].value = 0.1 if row[2].value == "5" else 10
    wb.save(sb.round_dir / "scores" / "zhujian.xlsx")
    capsys.readouterr()
    assert run(sb, "status", ROUND, "--format", "json") == 0
    st = json.loads(capsys.readouterr().out)
    (zj,) = [d for d in st["departments"] if d["department"] == "市住建局"]
    assert zj["state"] == "partial" and zj["filled"] == 5
    (sheet,) = zj["sheets"]
    assert sheet["path"].endswith("zhujian.xlsx") and sheet["empty"] == [{"county": "south", "item": "5"}]


def test_season_workbooks_store_formula_like_text_as_text():
    """The season's workbooks use the forms' one text-cell rule: = + - @ never start a formula."""
    import io

    from openpyxl import Workbook, load_workbook

    from builder.season import xlsx

    wb = Workbook()
    ws = wb.active
    xlsx.put(ws, 1, 1, '=HYPERLINK("http://x","点击")')
    xlsx.put(ws, 1, 2, "+1")
    xlsx.append_rows(ws, [["@SUM(A1)", "-2", "正常文字"]])
    back = load_workbook(io.BytesIO(xlsx.save(wb, 2022))).active
    cells = [back.cell(1, 1), back.cell(1, 2), back.cell(2, 1), back.cell(2, 2), back.cell(2, 3)]
    assert [c.data_type for c in cells] == ["s"] * 5
    assert [c.value for c in cells] == ['=HYPERLINK("http://x","点击")', "+1", "@SUM(A1)", "-2", "正常文字"]
    assert all(c.quotePrefix for c in cells[:4]) and not cells[4].quotePrefix
