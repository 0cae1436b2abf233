"""The budgets and the path rule in-process: the contracts the CLI corpus relies on."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from hostile_support import inline, num, score_rows, xlsx_bytes

from builder.diagnostics import ERROR, Diagnostic, cap_per_file
from builder.limits import number_problem
from builder.rounds.numbers import parse_score
from builder.rounds.xlsx import read_workbook
from builder.textio import read_text
from builder.yamlio import key_pos_of, load_yaml, pos_of


@pytest.mark.parametrize(
    "value,ok",
    [
        (0, True),
        (100, True),
        (999999, True),
        (1000000, False),
        (-1000000, False),
        (10**19, False),
        (Decimal("4.5"), True),
        (Decimal("4.50000"), True),
        (Decimal("0.0000000"), True),
        (Decimal("0.1234"), True),
        (Decimal("0.12345"), False),
        (Decimal("90.499999999999999999999999999999"), False),
        (Decimal("1E+308"), False),
        (Decimal("1E+5"), True),
        (Decimal("1E+6"), False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
    ],
)
def test_number_problem(value, ok):
    assert (number_problem(value) == "") is ok


def test_thirty_decimals_are_never_rounded():
    p = parse_score("90.499999999999999999999999999999")
    assert p.value is None and "4 位" in p.error
    assert parse_score(90.5).value == Decimal("90.5")


def _yaml(text):
    return load_yaml(Path("x.yaml"), "x.yaml", text=text)


def test_yaml_alias_budget_points_at_the_alias():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    doc = _yaml("\n".join(lines) + "\n")
    assert doc.data is None
    (d,) = [d for d in doc.diagnostics if d.is_error]
    assert d.rule == "yaml-too-large" and d.line == 6  # a5 would expand to 10^6 values
    assert lines[d.line - 1][d.column - 1] == "*"


def test_yaml_too_many_aliases():
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    (d,) = _yaml(text).diagnostics
    assert d.rule == "yaml-too-many-aliases" and d.line == 2


@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, "{a: " * 50_000 + "1" + "}" * 50_000, "x:\n  " + "- " * 50_000 + "1\n"]
)
def test_yaml_deep_nesting_never_recurses(text):
    (d,) = _yaml(text).diagnostics
    assert d.rule == "yaml-too-deep" and d.line >= 1 and d.column > 1


def test_yaml_values_and_positions_are_kept():
    doc = _yaml("a: &x [1, 2.50]\nb: *x\nc: {d: 2024-01-02, e: '=1'}\nn: " + "1" * 5000 + "\n")
    assert doc.data["a"] == [1, Decimal("2.50")] and doc.data["b"] == doc.data["a"]
    assert doc.data["a"].item_pos[1].line == 1 and doc.data.val_pos["b"].line == 2
    assert doc.data["c"]["e"] == "=1"
    assert isinstance(doc.data["n"], Decimal) and number_problem(doc.data["n"])  # kept exact, refused by the checker


def test_yaml_same_text_in_other_styles_and_places_keeps_its_own_value_and_position():
    doc = _yaml("a: 1\nb: '1'\nc: !!str 1\nd: [1, 1.0, 1]\n1: x\n'1.5': y\n1.5: z\n")
    assert [doc.data[k] for k in "abc"] == [1, "1", "1"] and type(doc.data["d"][1]) is Decimal
    assert [pos_of(doc.data["d"], i) for i in range(3)] == [(4, 5), (4, 8), (4, 13)]
    assert key_pos_of(doc.data, 1) == (5, 1) and pos_of(doc.data, 1) == (5, 4)
    (dup,) = doc.diagnostics  # a number key is its text: '1.5' and 1.5 are one key
    assert (dup.rule, dup.line, dup.column) == ("yaml-duplicate-key", 7, 1) and "第 6 行" in dup.message
    assert doc.data.key_pos.get("c").line == 3 and doc.data.key_pos.get("zz") is None


def test_yaml_duplicate_and_merge_keys_still_refused():
    rules = sorted(d.rule for d in _yaml("a: 1\na: 2\n<<: {b: 1}\n? [1]\n: 2\n").diagnostics)
    assert rules == ["yaml-duplicate-key", "yaml-key-type", "yaml-merge"]


def test_cap_per_file():
    diags = [Diagnostic("a.csv", i, 1, ERROR, "r", "错") for i in range(1, 121)] + [
        Diagnostic("b.csv", 1, 1, ERROR, "r", "错")
    ]
    out = cap_per_file(diags)
    a = [d for d in out if d.path == "a.csv"]
    assert len(a) == 51 and "70 条" in a[-1].message and len([d for d in out if d.path == "b.csv"]) == 1


def test_outside_fifo_is_refused_without_being_opened(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # opening it for reading would block for ever
    link = root / "report.md"
    link.symlink_to(fifo)
    diags = []
    assert read_text(link, "report.md", diags, root=root) is None
    assert diags[0].rule == "path-outside" and str(fifo) in diags[0].message


def test_inside_link_is_fine(tmp_path):
    (tmp_path / "a.md").write_text("正文\n", encoding="utf-8")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    diags = []
    assert read_text(tmp_path / "b.md", "b.md", diags, root=tmp_path) == "正文\n" and not diags


def test_xlsx_reader_reads_only_cells_with_values(tmp_path):
    path = tmp_path / "s.xlsx"
    shared = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>甲</t></si><si><r><t>乙</t></r><r><t>丙</t></r></si></sst>'
    path.write_bytes(
        xlsx_bytes(
            [
                (
                    "评价表",
                    score_rows(
                        '<row r="20"><c r="A20" t="s"><v>1</v></c><c r="B20" s="0"/>'
                        '<c r="C20" t="b"><v>1</v></c>' + num("D20", "4.5") + "</row>"
                    ),
                ),
                ("附表", '<row r="1">' + inline("A1", "备注") + "</row>"),
            ],
            shared,
        )
    )
    diags = []
    sheets = read_workbook(path, "s.xlsx", diags)
    assert not diags
    assert [s.title for s in sheets] == ["评价表", "附表"]
    last = [c for c in sheets[0].cells if c[0] == 20]
    assert last == [(20, 1, "乙丙"), (20, 3, True), (20, 4, 4.5)]
    assert (3, 3, 2) in sheets[0].cells and (3, 1, "east") in sheets[0].cells
