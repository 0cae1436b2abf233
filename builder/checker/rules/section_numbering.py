"""section-numbering: headings are numbered 一、二、三… and, under each, （一）（二）… in sequence."""

from __future__ import annotations

from ...diagnostics import ERROR
from ..text import numbering_label, raw_numbering_length

id = "section-numbering"
alias = "KH104"
severity = ERROR
description = "章节编号缺失、格式不对或不连续（一、二、三… / （一）（二）…）"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    year = report.year
    prev = {1: 0, 2: 0}
    for st in report.outline.structure:
        h, level, m = st.heading, st.level, st.match
        num = h.numbering
        written = h.text[: raw_numbering_length(h.text)].strip()
        expected_seq = prev[level] + 1
        if m is not None:
            want = m.section.number
            if num is None:
                yield report.diag(id, severity, h.line, h.column, f"标题缺少编号，应写作“{m.section.heading(year)}”。")
                prev[level] = want
            elif num.level != level:
                yield report.diag(
                    id,
                    severity,
                    h.line,
                    h.column,
                    f"编号格式不对：这是{'一级' if level == 1 else '二级'}标题，应写作"
                    f"“{numbering_label(level, want)}”，现在是“{written}”。",
                )
                prev[level] = want
            elif num.value not in (want, expected_seq):
                yield report.diag(
                    id,
                    severity,
                    h.line,
                    h.column,
                    f"编号应为“{numbering_label(level, want)}”，现在是“{written}”。"
                    f"编号要按{'“一、二、三、四”' if level == 1 else '“（一）（二）（三）”'}的顺序连续排列。",
                )
                prev[level] = want
            else:
                prev[level] = num.value
        elif num is not None:
            if num.value != expected_seq:
                yield report.diag(
                    id,
                    severity,
                    h.line,
                    h.column,
                    f"编号不连续：这里应为“{numbering_label(level, expected_seq)}”，现在是“{written}”。",
                )
            prev[level] = num.value
        else:
            prev[level] = expected_seq
        if level == 1:
            prev[2] = 0
