"""Loading a round folder: every bad input gets a located diagnostic, never a traceback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from builder.project import Project
from builder.rounds import compute, list_rounds, load_round
from test_rounds_support import FIXTURE, ROUND, Sandbox, errors


@pytest.fixture
def sb(tmp_path):
    return Sandbox(tmp_path)


def test_fixture_round_loads_clean(sb):
    rnd, diags = sb.load()
    assert rnd is not None, [d.format() for d in diags]
    assert [d for d in diags if d.severity != "info"] == []
    assert len(rnd.scores) == 3 * 6
    e = rnd.scores[("south", "2")]
    assert e.score == Decimal("15.5") and e.remark == "监督抽查发现问题,已整改" and e.department == "市住建局"
    assert e.origin.path.endswith("scores/zhujian.csv") and e.origin.line == 7
    assert rnd.scores[("east", "1")].origin.line == 5
    assert list_rounds(Project(FIXTURE)) == [ROUND]


def test_unknown_round_did_you_mean(sb):
    rnd, diags = sb.load("tiny-2042")
    assert rnd is None and errors(diags, "round-unknown")
    assert "tiny-2024" in errors(diags)[0].message


def test_score_above_points_names_file_line_county_item(sb):
    sb.edit("scores/shichang.yaml", '"3": 35', '"3": 39.5')
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert rnd is None and d.rule == "score-range"
    assert d.path.endswith("scores/shichang.yaml") and d.line == 6
    assert "东城区" in d.message and "3" in d.message and "39.5" in d.message and "39" in d.message


def test_negative_score_in_csv(sb):
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", "west,西城区,2,-1,")
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "score-range" and d.path.endswith("zhujian.csv") and d.line == 5
    assert d.column == len("west,西城区,2,") + 1  # the caret is on the value
    assert "负数" in d.message and "西城区" in d.message


@pytest.mark.parametrize("line", ["west,西城区,2,  -1,", '"west","西城区",2,  -1,', 'west,"西城区","2",  -1,"x"'])
def test_the_caret_is_on_the_value_with_or_without_quotes_and_spaces(sb, line):
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", line)
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "score-range" and d.line == 5 and d.column == line.index("-1") + 1


def test_a_score_written_alike_on_several_rows_is_reported_on_each(sb):
    # each sheet reads a score text once; every row it stands on still gets its own message
    sb.edit("scores/zhujian.csv", "east,东城区,2,18,", "east,东城区,2,１８分,")
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", "west,西城区,2,１８分,")
    sb.edit("scores/zhujian.csv", "east,东城区,5,0.2,", "east,东城区,5,优,")
    sb.edit("scores/zhujian.csv", "west,西城区,5,0.2,", "west,西城区,5,优,")
    rnd, diags = sb.load()
    assert [(d.rule, d.line) for d in errors(diags)] == [("score-number", 4), ("score-number", 6)]
    notes = [d for d in diags if d.rule == "score-normalised"]
    assert [n.line for n in notes] == [3, 5] and "东城区" in notes[0].message
    assert "西城区" in notes[1].message and "18" in notes[1].message


def test_an_unknown_item_on_several_rows_is_one_message_with_its_count(sb):
    sb.edit("scores/zhujian.csv", "east,东城区,2,18,", "east,东城区,22,18,")
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", "west,西城区,22,20,")
    rnd, diags = sb.load()
    (d,) = errors(diags, "round-unknown-item")
    assert d.line == 3 and "共 2 处" in d.message


def test_non_numeric_score(sb):
    sb.edit("scores/shichang.yaml", '"3": 35', '"3": 优秀')
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "score-number" and d.line == 6 and "不是数字" in d.message


@pytest.mark.parametrize("written", ["４.５", "4.5分", "４．５分", " 4.5 "])
def test_fullwidth_and_fen_are_normalised_with_a_note(sb, written):
    sb.edit("scores/zhujian.csv", "east,东城区,2,18,", f"east,东城区,2,{written},")
    rnd, diags = sb.load()
    assert rnd is not None, [d.format() for d in diags]
    assert rnd.scores[("east", "2")].score == Decimal("4.5")
    notes = [d for d in diags if d.rule == "score-normalised"]
    if written.strip() == "4.5":
        assert notes == []
    else:
        (n,) = notes
        assert n.severity in ("info", "warning") and "4.5" in n.message and n.line == 3


@pytest.mark.parametrize("written", ["4,5", "90%", "NaN", "4.5.1", "一"])
def test_other_non_numbers_are_errors(sb, written):
    sb.edit("scores/zhujian.csv", "east,东城区,2,18,", f'east,东城区,2,"{written}",')
    rnd, diags = sb.load()
    assert rnd is None and [d.rule for d in errors(diags)] == ["score-number"]


def test_missing_pairs_are_listed_together(sb):
    sb.write("scores/shichang.yaml", """
        department: 市市场监管局
        scores:
          east: {"1": 38.5, "3": 35, "4": 0.1}
          west: {"1": 40}
        """)
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "score-missing" and d.path.endswith("shichang.yaml")
    assert "市市场监管局" in d.message and "5 项" in d.message
    assert "西城区 3、4" in d.message and "南山县 1、3、4" in d.message


def test_missing_department_sheet(sb):
    (sb.round_dir / "scores" / "nongye.yaml").unlink()
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "score-missing" and "市农业农村局或市畜牧局" in d.message
    assert "全部 3 个县区均缺少考核项 6" in d.message


def test_either_listed_department_may_score_a_shared_item(sb):
    sb.edit("scores/nongye.yaml", "市农业农村局", "市畜牧局")
    rnd, diags = sb.load()
    assert rnd is not None and rnd.scores[("east", "6")].department == "市畜牧局"


def test_duplicate_across_sheets(sb):
    sb.write("scores/zhujian2.yaml", """
        department: 市住建局
        scores:
          south: {"5": 0.2}
        """)
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "score-duplicate" and "南山县" in d.message and "zhujian" in d.message


def test_duplicate_key_within_a_yaml_sheet(sb):
    sb.edit("scores/shichang.yaml", '    "4": 0.1\n  west:', '    "4": 0.1\n    "4": 0.1\n  west:')
    rnd, diags = sb.load()
    assert [d.rule for d in errors(diags)] == ["yaml-duplicate-key"]


def test_department_scoring_an_item_not_its_own(sb):
    sb.edit("scores/shichang.yaml", '"4": 0.1\n  west', '"4": 0.1\n    "2": 18\n  west')
    rnd, diags = sb.load()
    (d,) = errors(diags, "score-department")
    assert "2" in d.message and "工程质量" in d.message and "市市场监管局" in d.message and "市住建局" in d.message


def test_wrong_department_for_every_county_is_one_message(sb):
    sb.write("scores/extra.csv", """
        评价部门：市农业农村局
        县区编号,考核项编号,实际得分
        east,1,3
        west,1,3
        south,1,3
        """)
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "score-department" and "3 处" in d.message


def test_unknown_county_and_item_with_did_you_mean(sb):
    sb.edit("scores/shichang.yaml", "  south:", "  sout:")
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", "west,西城区,22,20,")
    rnd, diags = sb.load()
    county = errors(diags, "round-unknown-county")
    item = errors(diags, "round-unknown-item")
    assert len(county) == 1 and "sout" in county[0].message and "south" in county[0].message
    assert len(item) == 1 and "22" in item[0].message and "“2”" in item[0].message
    # the unscored pairs are still listed, once per department
    assert len(errors(diags, "score-missing")) == 2


def test_county_by_name_and_id_must_agree(sb):
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", "west,东城区,2,20,")
    rnd, diags = sb.load()
    assert errors(diags, "score-county-mismatch")


def test_branch_node_cannot_be_scored(sb):
    sb.edit("scores/shichang.yaml", '"3": 35', '"A2": 35')
    rnd, diags = sb.load()
    (d,) = errors(diags, "round-item-not-leaf")
    assert "3、4、5、6" in d.message


def test_unknown_department(sb):
    sb.edit("scores/shichang.yaml", "市市场监管局", "市场监管局")
    rnd, diags = sb.load()
    (d,) = errors(diags, "sheet-department")
    assert "市市场监管局" in d.message  # did you mean
    assert not errors(diags, "score-department")  # no flood of follow-on errors


def test_csv_without_department(sb):
    sb.edit("scores/zhujian.csv", "评价部门：市住建局\n", "")
    rnd, diags = sb.load()
    assert errors(diags, "sheet-department")


def test_csv_edited_header(sb):
    sb.edit("scores/zhujian.csv", "实际得分", "得分")
    rnd, diags = sb.load()
    rules = [d.rule for d in errors(diags)]
    assert "sheet-header" in rules
    (d,) = [d for d in errors(diags) if "得分" in d.message and d.rule == "sheet-header" and "不是" in d.message]
    assert d.line == 2


def test_sheet_for_another_round(sb):
    sb.edit("scores/zhujian.csv", "评价部门：市住建局\n", "评价部门：市住建局\n考核轮次：luohe-2022\n")
    rnd, diags = sb.load()
    assert errors(diags, "sheet-round")


def test_all_problems_across_all_files_at_once(sb):
    sb.edit("scores/shichang.yaml", '"3": 35', '"3": 350')
    sb.edit("scores/zhujian.csv", "west,西城区,2,20,", "west,西城区,2,abc,")
    sb.edit("events.yaml", "item: B3", "item: B9")
    sb.edit("round.yaml", "kind: 县", "kind: 镇")
    rnd, diags = sb.load()
    # every file is read and every problem reported, round.yaml's included
    assert rnd is None
    assert sorted(d.rule for d in errors(diags)) == ["event-unknown-item", "round-county-kind", "score-number",
                                                     "score-range"]


def test_round_yaml_without_rubric_stops_early(sb):
    sb.edit("round.yaml", "rubric: tiny\n", "")
    rnd, diags = sb.load()
    assert rnd is None and [d.rule for d in errors(diags)] == ["schema-missing"]


def test_events_validation(sb):
    sb.write("events.yaml", """
        bonus:
          - {county: west, item: B9, evidence: x}
        deductions:
          - {county: south, item: D1, count: 0, evidence: x}
          - {county: nowhere, item: D2, evidence: x}
        veto:
          - {county: east, item: V1}
        """)
    rnd, diags = sb.load()
    rules = sorted(d.rule for d in errors(diags))
    assert rules == ["event-count", "event-unknown-item", "round-unknown-county", "schema-missing"]


def test_events_are_loaded_with_origins(sb):
    sb.write("events.yaml", """
        bonus:
          - {county: west, item: B3, evidence: 获奖}
        veto:
          - {county: east, item: V1, description: 发生区域性质量安全事件, evidence: 省通报}
        """)
    rnd, diags = sb.load()
    assert rnd is not None
    (v,) = rnd.veto_events
    assert v.county == "east" and v.origin.line == 4
    res = compute(rnd)
    assert res.county("east").grade == "D"


def test_rating_items_come_from_onsite_ratings(sb):
    sb.edit("round.yaml", "rubric: tiny", "rubric: tiny-onsite")
    for f in ("shichang.yaml", "zhujian.csv", "nongye.yaml"):
        (sb.round_dir / "scores" / f).unlink()
    (sb.round_dir / "events.yaml").unlink()
    sb.write("scores/zqb.yaml", """
        department: 市质强办
        scores:
          east: {R3: 4.5, R1: 8}
          west: {R3: 5}
          south: {R3: 3}
        """)
    sb.write("onsite/east.yaml", """
        county: east
        ratings:
          R1: {level: 较好, remark: 规划已出台}
          R2: 一般
        """)
    sb.write("onsite/west.yaml", """
        ratings:
          R1: 好
          R2: 较差
        """)
    rnd, diags = sb.load()
    rules = sorted(d.rule for d in errors(diags))
    assert rules == ["onsite-level", "onsite-missing", "score-rating-item"]
    level = errors(diags, "onsite-level")[0]
    assert "较差" in level.message and "你是不是想写" in level.message and "较好" in level.hint
    missing = errors(diags, "onsite-missing")[0]
    assert "南山县" in missing.message and "R1、R2" in missing.message

    sb.edit("scores/zqb.yaml", ", R1: 8", "")
    sb.edit("onsite/west.yaml", "较差", "差")
    sb.write("onsite/south.yaml", "ratings: {R1: 非常差, R2: 好}\n")
    rnd, diags = sb.load()
    assert rnd is not None, [d.format() for d in diags]
    res = compute(rnd)
    assert [i.score for i in res.county("east").area("R").items] == [Decimal(8), Decimal(3), Decimal("4.5")]
    assert res.county("south").area("R").score == Decimal(2) + Decimal(5) + Decimal(3)


def test_self_scores(sb):
    sb.write("self-scores/east.yaml", """
        county: east
        scores:
          "1": {score: 40, basis: 合格率 98%}
          "2": 20
          "3": 39
          "4": 0.1
          "5": 0.2
          "6": 0.8
        """)
    sb.write("self-scores/west.csv", """
        县区：西城区
        考核项编号,自评得分,评分依据
        1,40,
        2,20,
        """)
    rnd, diags = sb.load()
    rules = sorted(d.rule for d in errors(diags))
    assert rules == ["score-range", "self-score-missing"]
    assert "3、4、5、6" in errors(diags, "self-score-missing")[0].message
    sb.edit("self-scores/east.yaml", '"6": 0.8', '"6": 0.7')
    (sb.round_dir / "self-scores" / "west.csv").unlink()
    rnd, diags = sb.load()
    assert rnd is not None
    res = compute(rnd)
    item1 = res.county("east").area("A1").items[0]
    assert item1.self_score == Decimal(40) and item1.delta == Decimal("-1.5") and item1.self_remark == "合格率 98%"


def test_documents_and_unknown_files(sb):
    sb.write("reports/east.md", "---\nround: tiny-2024\ncounty: west\n---\n# 报告\n")
    sb.write("feedback/west.md", "## 问题不足\n\n无。\n")
    sb.write("contacts/eats.yaml", "contacts: []\n")
    sb.write("contacts/south.yaml", "county: south\ncontacts:\n  - {name: 张三, mobile: '1391234'}\n")
    sb.write("scores/notes.txt", "x")
    sb.write("scroes/x.yaml", "x: 1\n")
    rnd, diags = sb.load()
    rules = sorted(d.rule for d in diags if d.severity != "info")
    assert rules == ["contacts-format", "feedback-sections", "report-front-matter", "round-file-unknown",
                     "round-file-unknown", "round-unknown-county"]
    unknown_dir = next(d for d in diags if "scroes" in d.path)
    assert "scores" in unknown_dir.message  # did you mean


def test_corrupt_xlsx_is_a_diagnostic_not_a_traceback(sb):
    (sb.round_dir / "scores" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    rnd, diags = sb.load()
    assert errors(diags, "sheet-unreadable")


def test_gbk_csv_is_read_with_a_warning(sb):
    p = sb.round_dir / "scores" / "zhujian.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gbk"))
    rnd, diags = sb.load()
    assert rnd is not None and [d.rule for d in diags if d.severity == "warning"] == ["io-gbk"]


def test_unknown_rubric_is_located_in_round_yaml(sb):
    sb.edit("round.yaml", "rubric: tiny", "rubric: tinny")
    rnd, diags = sb.load()
    (d,) = errors(diags)
    assert d.rule == "round-rubric" and d.path.endswith("round.yaml") and d.line == 3 and "tiny" in d.message


GARBAGE = [
    "", "\n", "- 1\n- 2\n", "just text", "scores: [1, 2]\n", "department: 市住建局\nscores: {east: 5}\n",
    "department: [a]\nscores: {east: {'2': [1]}}\n", "department: 市住建局\nscores: {east: {'2': {score: {a: 1}}}}\n",
    "bonus: {a: 1}\ndeductions: 3\nveto: [[1]]\n", "ratings: {R1: [好]}\n", "county: 3\nscores: {'1': .inf}\n",
    "\x00\x01binary", "key: [unclosed\n", "a: 1\na: 2\n", "? [complex]\n: 1\n",
]


@pytest.mark.parametrize("text", GARBAGE)
@pytest.mark.parametrize("rel", ["scores/zhujian.yaml", "scores/zhujian.csv", "events.yaml", "self-scores/east.yaml",
                                 "self-scores/east.csv", "onsite/east.yaml", "contacts/east.yaml",
                                 "feedback/east.md", "reports/east.md"])
def test_garbage_never_raises(sb, rel, text):
    p = sb.round_dir / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if rel == "scores/zhujian.csv":
        (sb.round_dir / "scores" / "zhujian.csv").unlink(missing_ok=True)
    p.write_bytes(text.encode("utf-8"))
    rnd, diags = sb.load()
    assert all(d.path and d.message for d in diags)
    if rnd is None:
        assert errors(diags)


@pytest.mark.parametrize("content", [b"", b"PK\x05\x06" + b"\x00" * 18])
def test_empty_or_odd_xlsx_never_raises(sb, content):
    (sb.round_dir / "scores" / "x.xlsx").write_bytes(content)
    rnd, diags = sb.load()
    assert rnd is None and errors(diags)


def test_xlsx_with_only_a_header_and_an_empty_workbook(sb):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "评价表"
    wb.save(sb.round_dir / "scores" / "empty.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.append(["评价部门：市住建局"])
    ws.append(["县区编号", "考核项编号", "实际得分"])
    wb.save(sb.round_dir / "scores" / "headonly.xlsx")
    rnd, diags = sb.load()
    assert [d.rule for d in errors(diags)] == ["sheet-header"]  # the empty workbook has no header
