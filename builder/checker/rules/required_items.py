"""item-not-evaluated: rubric items that the report must self-evaluate, each by number or name.

惠州 2017: quantitative items 1–7 and 9–11 need no evidence but must still be
self-evaluated in the report. The template lists the ids; their names come from the
rubric (``rubrics/<rubric>.yaml``) when it loads, else items are looked for by number only.
"""

from __future__ import annotations

import re

from ...diagnostics import ERROR
from ..text import compact, nfkc, norm
from ._common import md_heading, where_missing

id = "item-not-evaluated"
alias = "KH301"
severity = ERROR
description = "要求在报告中自评的考核项没有写到（按序号或名称）"
requires = "template"


_GUIDANCE = re.compile(r"【[^】]*】?")


def titles(project, rubric_id: str) -> dict[str, str]:
    """Item id → title from the rubric, or {} when the rubric is absent or does not load."""
    from ..cache import Facts

    if isinstance(project, Facts):  # the checker page: titles exported at build time
        return project.item_titles(rubric_id)
    if project is None or not hasattr(project, "load_rubric"):
        return {}
    try:
        rubric, _ = project.load_rubric(rubric_id)
    except Exception:  # the rubric is optional here: fall back to numbers only
        return {}
    if rubric is None:
        return {}
    return {leaf.id: leaf.title for leaf in rubric.leaves()}


def _titles(report) -> dict[str, str]:
    return titles(report.project, report.template.rubric)


def _number_patterns(n: str) -> list[re.Pattern]:
    return [
        re.compile(rf"第\s*{n}\s*[项条个]"),
        re.compile(rf"(?:指标|考核项|考核要点|项目)\s*{n}(?!\d)"),
        re.compile(rf"^\s*[(（]?{n}[)）.、](?!\d)"),
    ]


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    req = report.template.required_items
    if req is None:
        return
    titles = _titles(report)
    blocks = report.blocks
    texts = [_GUIDANCE.sub("", nfkc(b.text)) for b in blocks]  # guidance in 【…】 is not a self-evaluation
    whole = compact("\n".join(texts))
    numbers = {str(b.item_number) for b in blocks if b.item_number is not None}
    section = report.template.find_section(req.section)
    m = report.outline.match_of(section)
    if m is not None and m.heading is not None:
        line, col, where = m.heading.line, m.heading.column, f"“{m.heading.text}”一节"
    else:
        line, col, _ = where_missing(report, section)
        where = f"“{md_heading(section, report.year).lstrip('# ')}”一节"
    for item in req.ids:
        title = titles.get(item, "")
        if title and norm(title) in whole:
            continue
        if item.isdigit() and (item in numbers or any(p.search(t) for p in _number_patterns(item) for t in texts)):
            continue
        name = f"第 {item} 项“{title}”" if title else f"第 {item} 项"
        yield report.diag(
            id,
            severity,
            line,
            col,
            f"{req.what}{name}没有在报告中自评。请在{where}中逐项写明完成情况（写出“第{item}项”或指标名称）。",
        )
