"""A YAML syntax error is reported on the line that is wrong (issue 12 item 9): something left
open — a ``[``, a ``{``, a quote, a key without its colon — at the line where it was opened,
not where the parser gave up; every other error where the parser stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.yamlio import load_yaml

REPO = Path(__file__).resolve().parent.parent


def _error(text: str):
    doc = load_yaml(Path("x.yaml"), "x.yaml", text=text)
    assert doc.data is None
    [d] = [d for d in doc.diagnostics if d.is_error]
    assert d.rule == "yaml-syntax"
    return d


def test_real_round_with_an_open_flow_sequence_is_reported_at_its_line():
    text = (REPO / "content/luohe-2022/round.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert lines[7] == "publish: ranks\n"
    lines[7] = "publish: [ranks\n"
    d = _error("".join(lines))
    assert (d.line, d.column) == (8, 10)
    assert "方括号“[”没有配对的“]”" in d.message and "第 9 行" in d.message


@pytest.mark.parametrize("text, line, column, words", [
    ("a: 1\nc: {id: x, name: y\nb: 2\n", 2, 4, "花括号“{”没有配对的“}”"),
    ("counties:\n  - {id: wuyang, name: 舞阳县\n  - {id: x, name: y}\n", 2, 5, "花括号"),
    ("a: 1\ntitle: \"abc\nb: 2\n", 2, 8, "引号没有配对"),
    ("a: 1\ntitle: 'abc\nb: 2\n", 2, 8, "引号没有配对"),
    ("a: 1\npublish ranks\nb: 2\n", 2, 1, "缺少冒号"),
    ("a: [1, 2\n\n\n# 注释\nb: 2\n", 1, 4, "第 5 行"),
    ("publish: [ranks, scores\n", 1, 10, "方括号"),
])
def test_something_left_open_is_reported_where_it_was_opened(text, line, column, words):
    d = _error(text)
    assert (d.line, d.column) == (line, column), d
    assert words in d.message


@pytest.mark.parametrize("text, line, column", [
    ("a: 1\nb:\n  c: 1\n d: 2\n", 4, 2),  # bad indentation: the line itself
    ("a: b: c\n", 1, 5),
    ("a: \"bad \\q escape\"\n", 1, 10),  # an escape inside a quote: where it is
    ("a: [1, 2]]\n", 1, 10),
])
def test_other_errors_stay_where_the_parser_stopped(text, line, column):
    d = _error(text)
    assert (d.line, d.column) == (line, column), d
    assert "请检查这一行" in d.message
