"""``kaohe forms``: blank XLSX sheets per department, filled in (here by openpyxl) and
dropped into the round's scores/ folder, are read back as is."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from builder.cli import main
from builder.rounds import compute
from builder.rounds.forms import HEADER, HEADER_ROW, build_forms
from builder.rounds.meta import load_round_meta
from test_rounds_support import ROUND, Sandbox, errors


@pytest.fixture
def sb(tmp_path):
    s = Sandbox(tmp_path)
    for f in ("shichang.yaml", "zhujian.csv", "nongye.yaml"):
        (s.round_dir / "scores" / f).unlink()
    return s


def forms(sb):
    meta, _ = load_round_meta(sb.project.content_dir, ROUND)
    rubric, _ = sb.project.load_rubric("tiny")
    return {f.department: f for f in build_forms(meta, rubric)}


def rows(ws):
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        yield r, ws.cell(r, 1).value, ws.cell(r, 3).value


def fill(data: bytes, scores: dict, remark: str = "") -> io.BytesIO:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["评价表"]
    for r, county, item in rows(ws):
        if (county, item) in scores:
            ws.cell(r, 7).value = scores[(county, item)]
            ws.cell(r, 8).value = remark or None
    out = io.BytesIO()
    wb.save(out)
    return out


def test_one_form_per_department_prefilled(sb):
    fs = forms(sb)
    assert sorted(fs) == sorted(["市市场监管局", "市住建局", "市农业农村局", "市畜牧局"])
    wb = load_workbook(io.BytesIO(fs["市市场监管局"].data))
    ws = wb["评价表"]
    assert ws.cell(2, 1).value == "评价部门：市市场监管局"
    assert ws.cell(3, 1).value == f"考核轮次：{ROUND}"
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 9)] == HEADER
    got = [(c, i) for _, c, i in rows(ws)]
    assert got == [(c, i) for c in ("east", "west", "south") for i in ("1", "3", "4")]
    first = [ws.cell(HEADER_ROW + 1, c).value for c in range(1, 9)]
    assert first[:5] == ["east", "东城区", "1", "产品质量", 40] and first[5] == "按合格率测算。"
    assert first[6] is None and first[7] is None  # empty score and 评价说明


def test_cell_validation_allows_zero_to_points(sb):
    ws = load_workbook(io.BytesIO(forms(sb)["市市场监管局"].data))["评价表"]
    dvs = ws.data_validations.dataValidation
    ranges = {(dv.type, dv.operator, dv.formula1, dv.formula2): str(dv.sqref) for dv in dvs}
    assert ("decimal", "between", "0", "40") in ranges and ("decimal", "between", "0", "0.1") in ranges
    item4_rows = [r for r, _, i in rows(ws) if i == "4"]
    assert all(f"G{r}" in ranges[("decimal", "between", "0", "0.1")].split() for r in item4_rows)


def test_forms_are_reproducible(sb):
    a = forms(sb)["市住建局"].data
    b = forms(sb)["市住建局"].data
    assert a == b


def test_round_trip(sb, capsys):
    assert main(["forms", ROUND, "--project", str(sb.root), "--out", str(sb.root / "out")]) == 0
    out = sb.root / "out"
    assert sorted(p.name for p in out.iterdir()) == ["市住建局.xlsx", "市农业农村局.xlsx", "市市场监管局.xlsx", "市畜牧局.xlsx"]
    filled = {
        "市市场监管局": {("east", "1"): 38.5, ("east", "3"): 35, ("east", "4"): 0.1,
                       ("west", "1"): 40, ("west", "3"): 39, ("west", "4"): 0.1,
                       ("south", "1"): "３０分", ("south", "3"): 25.5, ("south", "4"): 0},
        "市住建局": {("east", "2"): 18, ("east", "5"): 0.2, ("west", "2"): 20, ("west", "5"): 0.2,
                    ("south", "2"): 15.5, ("south", "5"): 0.1},
        "市农业农村局": {("east", "6"): 0.7, ("west", "6"): 0.7, ("south", "6"): 0.5},
    }
    slugs = {"市市场监管局": "shichang", "市住建局": "zhujian", "市农业农村局": "nongye"}
    for dept, scores in filled.items():
        buf = fill((out / f"{dept}.xlsx").read_bytes(), scores, remark="工作扎实")
        (sb.round_dir / "scores" / f"{slugs[dept]}.xlsx").write_bytes(buf.getvalue())
    # 市畜牧局 shares item 6 with 市农业农村局 and leaves it empty: that is fine.
    buf = fill((out / "市畜牧局.xlsx").read_bytes(), {})
    (sb.round_dir / "scores" / "xumu.xlsx").write_bytes(buf.getvalue())

    rnd, diags = sb.load()
    assert rnd is not None, [d.format() for d in diags]
    assert [d.rule for d in diags] == ["score-normalised"]  # ３０分 → 30, with a note naming the cell
    assert "单元格 G" in diags[0].message
    e = rnd.scores[("east", "1")]
    assert e.score == Decimal("38.5") and e.remark == "工作扎实" and e.department == "市市场监管局"
    assert e.origin.sheet == "评价表" and e.origin.line == HEADER_ROW + 1 and e.origin.column == 7
    assert rnd.scores[("south", "1")].score == Decimal(30)
    assert rnd.scores[("east", "4")].score == Decimal("0.1")  # a float cell read back exactly
    res = compute(rnd)
    assert [(c.county.id, str(c.total), c.grade, c.rank) for c in res.counties] == [
        ("west", "101.0", "A", 1), ("east", "92.5", "A", 2), ("south", "70.6", "C", 3)]


def test_empty_cells_are_reported_as_missing(sb):
    fs = forms(sb)
    for dept, data in (("市住建局", fs["市住建局"].data), ("市农业农村局", fs["市农业农村局"].data)):
        (sb.round_dir / "scores" / f"{dept}.xlsx").write_bytes(data)
    buf = fill(fs["市市场监管局"].data, {("east", "1"): 40})
    (sb.round_dir / "scores" / "shichang.xlsx").write_bytes(buf.getvalue())
    rnd, diags = sb.load()
    missing = errors(diags, "score-missing")
    assert len(missing) == 3  # one per department, not one per empty cell
    assert all(d.rule == "score-missing" for d in errors(diags))


def test_wrong_department_item_is_rejected_naming_item_and_department(sb):
    data = forms(sb)["市住建局"].data
    wb = load_workbook(io.BytesIO(data))
    ws = wb["评价表"]
    r = ws.max_row + 1
    for c, v in enumerate(["east", "东城区", "1", "产品质量", 40, "", 30, ""], start=1):
        ws.cell(r, c).value = v
    buf = io.BytesIO()
    wb.save(buf)
    (sb.round_dir / "scores" / "zhujian.xlsx").write_bytes(buf.getvalue())
    rnd, diags = sb.load()
    (d,) = errors(diags, "score-department")
    assert rnd is None
    assert "考核项 1" in d.message and "产品质量" in d.message
    assert "市住建局" in d.message and "市市场监管局" in d.message
    assert d.path.endswith("zhujian.xlsx") and d.line == r and f"C{r}" in d.message


def test_xlsx_with_edited_header_is_refused(sb):
    wb = load_workbook(io.BytesIO(forms(sb)["市住建局"].data))
    ws = wb["评价表"]
    ws.cell(HEADER_ROW, 7).value = "得分"
    buf = io.BytesIO()
    wb.save(buf)
    (sb.round_dir / "scores" / "zhujian.xlsx").write_bytes(buf.getvalue())
    rnd, diags = sb.load()
    heads = errors(diags, "sheet-header")
    assert rnd is None and heads
    assert any("“得分”" in d.message and f"G{HEADER_ROW}" in d.message for d in heads)
    assert any("实际得分" in d.message for d in heads)  # the missing column is named


def test_xlsx_score_above_points_names_the_cell(sb):
    buf = fill(forms(sb)["市住建局"].data, {("west", "5"): 0.3})
    (sb.round_dir / "scores" / "zhujian.xlsx").write_bytes(buf.getvalue())
    rnd, diags = sb.load()
    (d,) = errors(diags, "score-range")
    assert "西城区" in d.message and "0.3" in d.message and "0.2" in d.message and "单元格 G" in d.message


def test_forms_cli_unknown_department(sb, capsys):
    rc = main(["forms", ROUND, "--project", str(sb.root), "--out", str(sb.root / "o"), "--department", "市住建"])
    assert rc == 1
    assert "市住建局" in capsys.readouterr().err
