"""heading-format: headings typed as plain or bold paragraphs (as pasted from Word) — a warning.

They are recognised as their sections (nothing is reported missing); the warning says how
to turn them into Markdown headings so that the site and the PDF show them as headings.
"""

from __future__ import annotations

from ...diagnostics import WARNING

id = "heading-format"
alias = "KH107"
severity = WARNING
description = "标题写成了普通段落或加粗文字（如从 Word 粘贴），应写成 Markdown 标题（#）"
requires = "template"

_HOW = {
    "plain": "写成了普通段落",
    "bold": "用加粗代替了标题",
    "run-in": "和正文写在了同一段",
}


def _message(text: str, form: str, hashes: str) -> str:
    text = text.strip().rstrip("。.：:")
    fix = f"请单独一行写成“{hashes} {text}”"
    if form == "run-in":
        fix += "，正文另起一段"
    elif form == "bold":
        fix += "（去掉 **）"
    return f"“{text}”是标题，但{_HOW[form]}。{fix}。"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    if report.doc.origin == "docx":
        # In Word a heading without a heading style is ordinary practice; the reader has found it by
        # its numbering or boldness, and ``kaohe import`` writes it as a Markdown heading.
        return
    o = report.outline
    blocks = report.blocks
    if o.title_index is not None:
        b = blocks[o.title_index]
        h = o.title_heading
        if h is None or h.pseudo:
            form = h.form if h is not None else ("bold" if b.bold else "plain")
            yield report.diag(id, severity, b.line, b.column, _message(o.title_text, form, "#"))
        elif o.title_more_index is not None:
            yield report.diag(id, severity, b.line, b.column, f"标题分成了两行。请写在同一行：“# {o.title_text}”。")
    for m in o.matches:
        h = m.heading
        if h is not None and h.pseudo:
            yield report.diag(id, severity, h.line, h.column, _message(h.text, h.form, "#" * (m.section.level + 1)))
    if o.annex_index is not None and blocks[o.annex_index].kind != "heading":
        b = blocks[o.annex_index]
        h = report.doc.heading_at(o.annex_index)
        form = h.form if h is not None else ("bold" if b.bold else "plain")
        msg = _message(b.text.strip(), form, "##")
        annex = report.template.annex
        if annex is not None:
            msg = msg.replace(f"“## {b.text.strip().rstrip('。.：:')}”", f"“## {annex.heading}”")
        yield report.diag(id, severity, b.line, b.column, msg)
