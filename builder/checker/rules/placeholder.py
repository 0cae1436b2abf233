"""placeholder: template placeholders and guidance left in the report (××, XX, （模板）, 【…】)."""

from __future__ import annotations

import re

from ...diagnostics import ERROR

id = "placeholder"
alias = "KH002"
severity = ERROR
description = "模板占位符或填写说明没有替换（××、XX、（模板）、【……】）"
requires = None

_PATTERNS = (
    (re.compile(r"【[^】\n]*】?"), "bracket"),
    (re.compile(r"[×✕╳](?:[ \u3000]*[×✕╳])+|×(?=[县区市镇乡村街年月日])"), "cross"),
    (re.compile(r"(?<![A-Za-z])(?:XX+|ＸＸ+|xx(?=[县区市镇乡]))(?![A-Za-z])"), "cross"),
    (re.compile(r"[（(][ \u3000]*模板[ \u3000]*[）)]"), "template"),
)


def _excerpt(s: str, n: int = 24) -> str:
    s = s.strip()
    return s if len(s) <= n else s[: n - 1] + "…"


# A cheap first look (most lines hold no placeholder): what every pattern's match contains.
_ANY = re.compile("[【×✕╳]|XX|ＸＸ|xx|模板")


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked.
    """
    for b in report.blocks:
        if b.kind == "code" or not _ANY.search(b.text):
            continue
        src = report.doc.source(b.line) or ""
        found = []
        for rx, kind in _PATTERNS:
            in_src = list(rx.finditer(src))
            for k, m in enumerate(rx.finditer(b.text)):
                if k < len(in_src) and in_src[k].group(0) == m.group(0):
                    col = in_src[k].start() + 1
                else:
                    i = src.find(m.group(0))
                    col = i + 1 if i >= 0 else b.column
                found.append((col, m.group(0), kind))
        for col, text, kind in sorted(found):
            if kind == "bracket":
                msg = f"“{_excerpt(text)}”是模板的填写说明或占位符。请删除【】及其中的说明，写上实际内容。"
            elif kind == "template":
                msg = f"“{text}”是模板的标记，请删除。"
            else:
                msg = f"“{text}”是模板占位符，请换成实际的名称或数字。"
            yield report.diag(id, severity, b.line, col, msg)
