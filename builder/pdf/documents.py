"""What each printed document says: template contexts built from a round's results.

Logic stays here; the templates in ``themes/print/`` only arrange what these functions
return. Three document types:

* ``notification`` — the 通报 (GB/T 9704-2012 layout): 版头, title, 主送机关, a body
  generated from the round (what was assessed and how, the results as far as the round
  publishes them, the requirements), 附件说明, signature and date, the results table as
  附件, and the 版记;
* ``feedback`` — one county's 考核结果反馈: scores by area and item against the maximum,
  bonus, deductions and veto with reasons, a per-area chart, 问题不足 and 改进建议 from
  ``feedback/<county>.md``;
* ``report`` — one county's 自评报告 from ``reports/<county>.md`` (typical cases as 附件).

Each builder returns a :class:`DocSpec`; :mod:`builder.pdf.render` turns it into a PDF.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import env
from ..diagnostics import ERROR, WARNING, Diagnostic, DiagnosticError
from ..formats import format_cn_date, format_cn_number, format_decimal
from ..rounds.documents import review_points
from ..rounds.export import rank_text
from ..rounds.model import CountyResult, Round, RoundResults
from ..textio import read_text

# One line of the body grid (see print.css): 225 mm / 22 lines, rounded down.
LINE_PT = 28.95
MM = 72 / 25.4
TEXT_WIDTH_PT = 156 * MM
KINDS = ("notification", "feedback", "report")
WATERMARKS = {"draft": "草稿", "approved": "征求意见稿"}
# Numbered headings as written in Chinese documents: 一、 （一） 1． (1)
_H1_RE = re.compile(r"^[一二三四五六七八九十百]+、")
_H2_RE = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")
_H3_RE = re.compile(r"^\d+[.．、]")


@dataclass
class DocSpec:
    """One document to render: template, context, where relative assets live, where it goes."""

    kind: str
    county: str | None  # county id, None for the notification
    rel_path: str  # output path under out_dir, e.g. "luohe-2022/wuyang/feedback.pdf" (DESIGN §6)
    template: str
    context: dict
    base_dir: Path  # relative URLs (report images) resolve against this folder
    round_dir: Path  # the round's folder: its files may be used as assets
    source: str  # shown in diagnostics: the file the document comes from
    diagnostics: list[Diagnostic] = field(default_factory=list)


# --------------------------------------------------------------------------- formatting


def grade_text(grade: str | None) -> str:
    """Return a grade as the 公文 writes it: ``A`` → ``A级``, a word grade as is, none → ``—``."""
    if not grade:
        return "—"
    return f"{grade}级" if re.fullmatch(r"[A-Za-z][+-]?", grade) else grade


def you(kind: str) -> str:
    """How the office addresses a county in a letter: 你县 / 你区 / 你市 / 你单位."""
    return {"县": "你县", "区": "你区", "市": "你市"}.get(kind, "你单位")


def government(county) -> str:
    """The county's government as a recipient: 舞阳县人民政府, 经济技术开发区管委会."""
    return f"{county.name}管委会" if county.kind == "管委会" else f"{county.name}人民政府"


def block(kind: str, text: str = "", lead: str = "", html: str = "") -> dict:
    """One body block of the notification: a heading (h1 一、 / h2 （一）), a paragraph
    (optionally starting with a run-in （一） heading ``lead``), or rendered Markdown."""
    return {"kind": kind, "text": text, "lead": lead, "html": html}


def _width(text: str) -> float:
    from .titles import width

    return width(text)


def title_lines(text: str, per_line: float = 18.0, names: tuple[str, ...] = ()) -> list[str]:
    """Break a 2号 title into balanced lines at word boundaries (:mod:`builder.pdf.titles`)."""
    from .titles import title_lines as _lines

    return _lines(text, per_line, names)


def _join(names: list[str]) -> str:
    return "、".join(names)


_SENTENCE_END = "。！？…"


def sentence(text: str) -> str:
    """``text`` as a sentence ending in one full stop: "依据：……。" never becomes "。。"."""
    text = text.strip().rstrip("，、；：,;:")
    if not text:
        return ""
    if text[-1] in _SENTENCE_END or (text[-1] in "”’）)》" and len(text) > 1 and text[-2] in _SENTENCE_END):
        return text
    return text + "。"


# --------------------------------------------------------------------------- shared parts


def created_date(rnd: Round) -> _dt.datetime | None:
    """Document date for the PDF metadata: from the round, else SOURCE_DATE_EPOCH, never the clock."""
    n = rnd.notification
    d = (n.printed or n.date) if n else None
    d = d or rnd.published_date
    if d is not None:
        return _dt.datetime(d.year, d.month, d.day, tzinfo=_dt.UTC)
    epoch = env.text("SOURCE_DATE_EPOCH")
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC)
    return None


SAMPLE_MARK = "示例数据"


def doc_info(rnd: Round, kind: str, title: str, author: str, subject: str) -> dict:
    """PDF metadata (Title, Author = the issuing body, Subject, Keywords), the watermark of
    an unpublished round and the 示例数据 mark of sample content (on every page and in the
    Title, Subject and Keywords)."""
    created = created_date(rnd)
    sample = SAMPLE_MARK if rnd.sample else ""
    return {
        "kind": kind,
        "title": f"{title}（{sample}）" if sample else title,
        "author": author,
        "subject": f"{sample}：{subject}" if sample else subject,
        "keywords": ", ".join(k for k in (sample, "质量工作考核", subject) if k),
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else "",
        "watermark": "" if rnd.is_published else WATERMARKS.get(rnd.status, "草稿"),
        "sample_note": f"{sample}：本文件中的得分、报告和反馈均为虚构，仅用于演示" if sample else "",
    }


def issuing_organ(rnd: Round) -> str:
    """Return the organ that issues the round's documents: the notification's, else the organiser."""
    return rnd.notification.organ if rnd.notification else rnd.organiser


def header(organ: str, code: str) -> dict:
    """版头 geometry. The organ name is set on one line, at most 36 pt (about 2.5 times the
    body size) and smaller for long names so that it fits the 156 mm version."""
    n = max(len(organ), 1)
    size = min(36.0, int(TEXT_WIDTH_PT / n * 10) / 10)
    return {
        "organ": organ,
        "organ_size": size,
        # 35 mm from the top of the version to the top of the characters (a line box of
        # line-height 1em starts at the characters' top: fonts.normalise_metrics).
        "organ_top": round(35 * MM, 2),
        "code": code,
        # 空二行: two grid lines, plus the half-leading of a grid line of 3号 text.
        "code_gap": round(2 * LINE_PT + (LINE_PT - 16) / 2, 2),
    }


def markdown_html(text: str) -> str:
    """Return *text* (official Markdown) as the print templates' HTML (no raw HTML, safe links)."""
    from ..markdown import parse, render_html

    return render_html(parse(text))


def default_requirements(rnd: Round) -> str:
    """Return the 工作要求 paragraphs used when the notification does not write its own."""
    return (
        "各被考核单位要认真对照考核中发现的问题和不足，深入分析原因，制定整改措施，明确整改责任和时限，"
        "切实抓好整改落实。考核结果为A级的单位要总结经验、巩固提升；其他单位要查找差距、补齐短板，"
        "推动质量工作再上新台阶。\n\n"
        "各有关部门要加强对县区质量工作的指导，督促问题整改，共同推进质量强市建设。"
    )


# --------------------------------------------------------------------------- notification


def _method_text(rnd: Round) -> str:
    methods: dict[str, None] = {}
    for leaf in rnd.rubric.leaves():
        for m in leaf.methods:
            methods.setdefault(m, None)
    departments = rnd.rubric.departments()
    parts = []
    if methods:
        parts.append(f"考核采取{_join(list(methods))}等方式进行")
    else:
        parts.append("考核采取被考核单位自评、评价部门评分、综合评定的方式进行")
    if departments:
        parts.append(f"由{len(departments)}个评价部门按职责分工对各考核项评分")
    parts.append(f"{rnd.notification.organ if rnd.notification else rnd.organiser}汇总审核后确定考核结果")
    return "，".join(parts) + "。"


def _scope_text(rnd: Round) -> str:
    r = rnd.rubric
    areas = "、".join(f"{a.title}（{format_decimal(a.points)}分）" for a in r.areas)
    s = (
        f"本次考核依据《{r.title}》，从{areas}{format_cn_number(len(r.areas))}个方面进行，"
        f"基本分{format_decimal(r.base_points)}分"
    )
    extra = []
    if r.bonus.items:
        cap = f"，加分合计不超过{format_decimal(r.bonus.cap)}分" if r.bonus.cap is not None else ""
        extra.append(f"加分项{len(r.bonus.items)}项{cap}")
    if r.deductions:
        extra.append(f"扣分项{len(r.deductions)}项")
    if r.vetoes:
        extra.append("一票否决项")
    if extra:
        s += "；另设" + ("、".join(extra[:-1]) + "和" + extra[-1] if len(extra) > 1 else extra[0])
    return s + "。" + _method_text(rnd)


def _opening(rnd: Round) -> str:
    organ = rnd.notification.organ if rnd.notification else rnd.organiser
    desc = rnd.description.strip()
    if desc.startswith("对"):
        desc = desc.rstrip("。")
        if desc.endswith("进行考核"):
            desc = desc[: -len("进行考核")] + "进行了考核"
        return f"为推动质量强市建设，{organ}{desc}。现将考核结果通报如下。"
    names = _join([c.name for c in rnd.counties])
    return f"为推动质量强市建设，{organ}对{names}{rnd.year}年度质量工作进行了考核。现将考核结果通报如下。"


def _result_paragraphs(results: RoundResults) -> list[dict]:
    rnd = results.round
    publish = rnd.publish
    order = {c.id: i for i, c in enumerate(rnd.counties)}
    paras: list[dict] = []

    def label(c: CountyResult) -> str:
        if publish == "grades":
            return c.county.name
        if publish == "ranks" and c.rank is None:
            return f"{c.county.name}（{format_decimal(c.total)}分，一票否决，不排名次）"
        if publish == "ranks":
            return f"{c.county.name}（{format_decimal(c.total)}分，第{c.rank}名）"
        return f"{c.county.name}（{format_decimal(c.total)}分）"

    grades = rnd.rubric.grades
    if grades:
        groups = results.by_grade()
        present = [(b, groups.get(b.grade, [])) for b in grades if groups.get(b.grade)]
        summary = "，".join(f"{grade_text(b.grade)}{len(cs)}个" for b, cs in present)
        paras.append(block("p", f"经综合评定，{len(results.counties)}个被考核单位中，{summary}。"))
        for i, (band, cs) in enumerate(present):
            if publish != "ranks":
                cs = sorted(cs, key=lambda c: order.get(c.county.id, 0))
            lead = f"（{format_cn_number(i + 1)}）{grade_text(band.grade)}（{len(cs)}个）。"
            paras.append(block("p", _join([label(c) for c in cs]) + "。", lead=lead))
    else:
        cs = list(results.counties)
        if publish != "ranks":
            cs.sort(key=lambda c: order.get(c.county.id, 0))
        if publish == "grades":
            paras.append(block("p", "本轮考核不设等次，各被考核单位考核结果见附件。"))
        else:
            paras.append(block("p", "各被考核单位考核得分为：" + _join([label(c) for c in cs]) + "。"))
    for c in results.counties:
        if c.veto is not None:
            why = c.veto.description.rstrip("。") or c.veto_title
            paras.append(
                block("p", f"{c.county.name}因{why}，按照“{c.veto_title}”的规定，考核结果为{grade_text(c.grade)}。")
            )
    paras.append(block("p", "各被考核单位考核结果见附件。"))
    return paras


def results_table(results: RoundResults) -> dict:
    """Return the columns and rows of the results table in the 通报's annex.

    The columns follow the round's ``publish`` setting (grades only, scores or ranks).
    """
    rnd = results.round
    publish = rnd.publish
    has_grades = bool(rnd.rubric.grades)
    cols: list[dict[str, Any]] = [
        {"title": "排名" if publish == "ranks" else "序号", "num": True},
        {"title": "被考核单位", "num": False},
    ]
    if publish in ("scores", "ranks"):
        cols += [{"title": t, "num": True} for t in ("基本分", "加分", "扣分", "总分")]
    if has_grades:
        cols.append({"title": "考核等次", "num": True})
    # Column widths (fixed table layout): the names get what the figures leave.
    fixed = {"排名": 9, "序号": 9, "基本分": 12, "总分": 12, "加分": 10, "扣分": 10, "考核等次": 15}
    for col in cols:
        col["width"] = fixed.get(col["title"], 0)
    cols[1]["width"] = 100 - sum(c["width"] for c in cols)
    order = {c.id: i for i, c in enumerate(rnd.counties)}
    band_order: dict[str | None, int] = {b.grade: i for i, b in enumerate(rnd.rubric.grades)}
    rows_src = list(results.counties)
    if publish == "grades":
        rows_src.sort(key=lambda c: (band_order.get(c.grade, 99), order.get(c.county.id, 0)))
    elif publish == "scores":
        rows_src.sort(key=lambda c: order.get(c.county.id, 0))
    rows = []
    for i, c in enumerate(rows_src):
        row = [(rank_text(c.rank) if publish == "ranks" else str(i + 1)), c.county.name]
        if publish in ("scores", "ranks"):
            row += [
                format_decimal(c.base),
                format_decimal(c.bonus),
                format_decimal(c.deductions),
                format_decimal(c.total),
            ]
        if has_grades:
            row.append(grade_text(c.grade))
        rows.append(row)
    notes = []
    vetoed = [c for c in results.counties if c.veto is not None]
    for c in vetoed:
        notes.append(f"注：{c.county.name}{c.veto_title}，实行一票否决，考核结果为{grade_text(c.grade)}。")
    return {"columns": cols, "rows": rows, "notes": notes}


def notification_spec(results: RoundResults, project) -> DocSpec:
    """Return the spec of the round's 通报.

    :raises DiagnosticError: when ``round.yaml`` has no ``notification`` block.
    """
    rnd = results.round
    n = rnd.notification
    src = _round_yaml(rnd, project)
    if n is None:
        raise DiagnosticError(
            [
                Diagnostic(
                    src,
                    1,
                    1,
                    ERROR,
                    "pdf-notification-missing",
                    "round.yaml 没有 notification（通报的发文机关、发文字号、标题、日期、主送机关），不能生成通报。",
                    hint="请在 round.yaml 中补写 notification 一节（见 content/luohe-2022/round.yaml）。",
                )
            ]
        )
    annex_title = f"{rnd.title}结果"
    body: list[dict] = [block("p", _opening(rnd))]
    body.append(block("h1", "一、考核基本情况"))
    body.append(block("p", _scope_text(rnd)))
    body.append(block("h1", "二、考核结果"))
    body += _result_paragraphs(results)
    body.append(block("h1", "三、有关要求"))
    body.append(block("html", html=markdown_html(n.requirements or default_requirements(rnd))))
    ctx = {
        "doc": doc_info(rnd, "notification", n.title, n.organ, f"{rnd.title}结果通报"),
        "head": header(n.organ, n.doc_code),
        "title": title_lines(n.title),
        "to": n.to,
        "body": body,
        "attachments": [annex_title],
        "signature": n.signature or n.organ,
        "date": format_cn_date(n.date),
        "annex": {"number": "", "title": title_lines(annex_title), **results_table(results)},
        "banji": {
            "cc": ("，".join(n.cc) + "。") if n.cc else "",
            "printer": n.printer or n.organ,
            "printed": format_cn_date(n.printed or n.date),
        },
    }
    return DocSpec(
        "notification", None, f"{rnd.id}/notification.pdf", "notification.html", ctx, rnd.path, rnd.path, src
    )


def _round_yaml(rnd: Round, project) -> str:
    return project.display(rnd.path / "round.yaml")


# --------------------------------------------------------------------------- feedback


def _sections_of(tokens: list, titles: tuple[str, ...]) -> dict[str, list]:
    """Split tokens at level-2 headings whose text is one of ``titles``."""
    out: dict[str, list] = {}
    current = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open" and tok.tag in ("h1", "h2"):
            text = re.sub(r"\s+", "", tokens[i + 1].content if i + 1 < len(tokens) else "")
            text = re.sub(r"^[一二三四五六七八九十]+、", "", text)
            current = text if text in titles else None
            if current is not None:
                out[current] = []
            i += 3
            continue
        if current is not None:
            out[current].append(tok)
        i += 1
    return out


def feedback_spec(results: RoundResults, county: CountyResult, project) -> DocSpec:
    """Return the spec of one county's feedback letter (考核结果反馈).

    :param county: the county's results; its ``feedback/<county>.md`` gives the findings,
        read by :func:`builder.textio.read_text` (UTF-8 or GBK, with its warnings kept in
        the spec's diagnostics).
    :raises DiagnosticError: when the feedback file cannot be read.
    """
    from ..markdown import parse, render_html

    rnd = results.round
    c = county.county
    n = rnd.notification
    organ = issuing_organ(rnd)
    title = f"关于{c.name}{rnd.year}年度质量工作考核结果的反馈"
    diags: list[Diagnostic] = []
    sections: dict[str, str] = {}
    path = rnd.feedback.get(c.id)
    src = project.display(path) if path else _round_yaml(rnd, project)
    if path is not None:
        text = _read_source(path, src, diags)
        secs = _sections_of(parse(text), ("问题不足", "改进建议"))
        for name in ("问题不足", "改进建议"):
            if name in secs:
                sections[name] = render_html(secs[name])
            else:
                diags.append(
                    Diagnostic(
                        src,
                        1,
                        1,
                        WARNING,
                        "pdf-feedback-section",
                        f"反馈缺少“## {name}”一节，反馈 PDF 中这一节写“无”。",
                    )
                )
    rank_text = ""
    if rnd.publish == "ranks" and county.rank is None:
        rank_text = "，因一票否决不排名次"
    elif rnd.publish == "ranks":
        rank_text = f"，在{len(results.counties)}个被考核单位中排名第{county.rank}位"
    grade_part = f"，考核等次为{grade_text(county.grade)}" if county.grade else ""
    summary = (
        f"{you(c.kind)}{rnd.year}年度质量工作考核基本分{format_decimal(county.base)}分，加分{format_decimal(county.bonus)}分，"
        f"扣分{format_decimal(county.deductions)}分，总分{format_decimal(county.total)}分{grade_part}{rank_text}。"
    )
    veto_text = ""
    if county.veto is not None:
        why = county.veto.description.rstrip("。") or county.veto_title
        veto_text = f"因{why}，实行一票否决，考核等次为{grade_text(county.grade)}。"
    # While the round is approved (审定, before publication) the county may ask for a review (复核):
    # every score below full marks and every deduction carries its review id.
    review = {p.ref: p.id for p in review_points(county)} if rnd.status == "approved" else {}
    areas = []
    for a in county.areas:
        items = [
            {
                "id": it.item.id,
                "title": it.item.title,
                "max": format_decimal(it.item.points),
                "score": format_decimal(it.score),
                "remark": it.remark,
                "review_id": review.get(it.item.id, ""),
            }
            for it in a.items
        ]
        areas.append(
            {"title": a.area.title, "max": format_decimal(a.max), "score": format_decimal(a.score), "rows": items}
        )
    adjust = []
    for ln in county.bonus_lines:
        capped = f"（按上限计{format_decimal(ln.amount)}分）" if ln.amount != ln.raw else ""
        adjust.append(
            f"加分：{ln.title}，{ln.count}项，加{format_decimal(ln.raw)}分{capped}。"
            + (sentence(f"依据：{ln.evidence}") if ln.evidence else "")
        )
    for ln in county.deduction_lines:
        capped = (
            f"，经复核扣{format_decimal(ln.amount)}分"
            if ln.reviewed
            else f"，按上限扣{format_decimal(ln.amount)}分"
            if ln.amount != ln.raw
            else ""
        )
        adjust.append(
            f"扣分：{ln.title}，{ln.count}次，应扣{format_decimal(ln.raw)}分{capped}。"
            if capped
            else f"扣分：{ln.title}，{ln.count}次，扣{format_decimal(ln.amount)}分。"
        )
        if ln.evidence:
            adjust[-1] += sentence(f"依据：{ln.evidence}")
        if ln.id in review:
            adjust[-1] = f"〔复核编号 {review[ln.id]}〕" + adjust[-1]
    if county.veto is not None:
        adjust.append(
            f"一票否决：{county.veto_title}。"
            + (sentence(f"情况：{county.veto.description}") if county.veto.description else "")
        )
    date = rnd.notification.date if rnd.notification else rnd.published_date
    ctx = {
        "doc": doc_info(rnd, "feedback", title, organ, f"{c.name}{rnd.year}年度质量工作考核结果反馈"),
        "head": header(organ, n.feedback_code if n else ""),
        "title": title_lines(title, names=(c.name, organ)),
        "to": government(c),
        "intro": f"根据{rnd.title}安排，{organ}组织对{you(c.kind)}{rnd.year}年度质量工作进行了考核。"
        "现将考核结果反馈如下。",
        "summary": summary,
        "veto_text": veto_text,
        "areas": areas,
        "area_results": county.areas,
        "max_total": format_decimal(rnd.rubric.base_points),
        "totals": {
            "base": format_decimal(county.base),
            "bonus": format_decimal(county.bonus),
            "deductions": format_decimal(county.deductions),
            "total": format_decimal(county.total),
            "grade": grade_text(county.grade),
        },
        "adjust": adjust,
        # "无": the feedback states no problem (its section is missing); "未公开": there is no feedback at all,
        # as the county page says
        "feedback_public": path is not None,
        "review_note": (
            f"对标有复核编号的得分或扣分有异议的，请在复核申请表中按编号填写意见、理由和证明材料，报{organ}。"
        )
        if review
        else "",
        "problems": sections.get("问题不足", ""),
        "suggestions": sections.get("改进建议", ""),
        "signature": organ,
        "date": format_cn_date(date),
        # 版记 (印发机关和印发日期) only when round.yaml has the notification's dates: a
        # draft round without them has nothing to print there.
        "banji": {"cc": "", "printer": n.printer or organ, "printed": format_cn_date(n.printed or n.date)}
        if n
        else None,
    }
    return DocSpec(
        "feedback", c.id, f"{rnd.id}/{c.id}/feedback.pdf", "feedback.html", ctx, rnd.path, rnd.path, src, diags
    )


# --------------------------------------------------------------------------- report


def _heading_class(text: str, level: int, in_annex: bool) -> str:
    t = text.strip()
    if _H1_RE.match(t):
        return "h1"
    if _H2_RE.match(t):
        return "h2"
    if _H3_RE.match(t):
        return "h3"
    # Unnumbered headings: by Markdown level (## → 一、 style, ### → （一） style).
    if in_annex:
        return {3: "h1", 4: "h2"}.get(level, "h3")
    return {2: "h1", 3: "h2"}.get(level, "h3")


def _is_annex_heading(text: str) -> bool:
    return re.match(r"^\s*附\s*件", text) is not None


def report_date(text: str) -> _dt.date | None:
    """The report's date from its front matter (``date: 2023-01-10``), else None."""
    from ..markdown import split_front_matter

    fm, _ = split_front_matter(text)
    m = re.search(r"^date:\s*['\"]?(\d{4})-(\d{1,2})-(\d{1,2})['\"]?\s*$", fm.text or "", re.M)
    if m is None:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def report_spec(results: RoundResults, county: CountyResult, project) -> DocSpec:
    """The self-report; the first ``#`` heading is the title, ``## 附件…`` starts the annex.

    The report is read by :func:`builder.textio.read_text` (UTF-8 or GBK); its warnings
    stay in the spec's diagnostics.

    :raises DiagnosticError: when the report cannot be read.
    """
    from ..markdown import parse, render_html

    rnd = results.round
    c = county.county
    path = rnd.reports[c.id]
    src = project.display(path)
    diags: list[Diagnostic] = []
    text = _read_source(path, src, diags)
    tokens = parse(text)
    title = f"{government(c)}{rnd.year}年度质量工作考核自评报告"
    parts: list[list] = [[]]
    annex_titles: list[str] = []
    seen_title = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            level = int(tok.tag[1])
            if level == 1 and not seen_title and not parts[0] and not annex_titles:
                seen_title = True
                title = inline.content.strip() or title
                i += 3
                continue
            if level <= 2 and _is_annex_heading(inline.content):
                name = re.sub(r"^\s*附\s*件\s*\d*\s*[：:．.、]?\s*", "", inline.content).strip()
                annex_titles.append(name or "典型案例")
                parts.append([])
                i += 3
                continue
            tok = copy.copy(tok)
            tok.attrs = dict(tok.attrs)
            tok.attrSet("class", _heading_class(inline.content, level, bool(annex_titles)))
        parts[-1].append(tok)
        i += 1
    body_html = render_html(parts[0])
    annexes = [
        {
            "number": (str(k + 1) if len(annex_titles) > 1 else ""),
            "title": title_lines(t, names=(c.name,)),
            "html": render_html(p),
        }
        for k, (t, p) in enumerate(zip(annex_titles, parts[1:], strict=True))
    ]
    author = government(c)
    ctx = {
        "doc": doc_info(rnd, "report", title, author, f"{c.name}{rnd.year}年度质量工作考核自评报告"),
        "title": title_lines(title, names=(c.name, author)),
        "body": body_html,
        "attachments": annex_titles,
        "annexes": annexes,
        "signature": author,
        "date": format_cn_date(report_date(text)),
    }
    return DocSpec("report", c.id, f"{rnd.id}/{c.id}/report.pdf", "report.html", ctx, path.parent, rnd.path, src, diags)


def _read_source(path: Path, display: str, diags: list[Diagnostic]) -> str:
    """A county's report or feedback decoded as ``kaohe check`` and ``validate`` decode it
    (:func:`builder.textio.read_text`: UTF-8 or GBK, the size limits), so that a file that
    checks also prints. Its warnings (GBK) go to ``diags``; an unreadable file raises
    DiagnosticError. The path rule was applied when the round was loaded
    (builder/rounds/documents.py)."""
    text = read_text(path, display, diags)
    if text is None:
        raise DiagnosticError(list(diags))
    return text


def round_docs(
    results: RoundResults, county: str | None = None, kinds: tuple[str, ...] | None = None
) -> list[tuple[str, str | None]]:
    """(kind, county id or None) of the documents of a round, in order: the notification
    (when the round has a ``notification`` section and no county is asked for), then per
    county its feedback and, when it has one, its report. ``kinds`` limits the document
    types (default: all of KINDS). Nothing is read or rendered here."""
    rnd = results.round
    kinds = KINDS if kinds is None else tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown document kinds {unknown}; expected some of {KINDS}")
    docs: list[tuple[str, str | None]] = []
    if county is None and "notification" in kinds and rnd.notification is not None:
        docs.append(("notification", None))
    for c in rnd.counties:
        if county is not None and c.id != county:
            continue
        if results.county(c.id) is None:
            continue
        if "feedback" in kinds:
            docs.append(("feedback", c.id))
        if "report" in kinds and c.id in rnd.reports:
            docs.append(("report", c.id))
    return docs


def doc_rel_path(results: RoundResults, kind: str, county: str | None) -> str:
    """Where a document goes under the output folder (DocSpec.rel_path)."""
    return f"{results.round.id}/notification.pdf" if county is None else f"{results.round.id}/{county}/{kind}.pdf"


def doc_spec(results: RoundResults, kind: str, county: str | None, project) -> DocSpec:
    """Return the spec of one document listed by :func:`round_docs`.

    :param kind: ``notification``, ``feedback`` or ``report``.
    :param county: the county id; ``None`` only for the notification.
    :raises DiagnosticError: when the county's report or feedback cannot be read.
    :raises ValueError: for a county document without a county of the round.
    """
    if kind == "notification":
        return notification_spec(results, project)
    cr = results.county(county) if county is not None else None
    if cr is None:
        raise ValueError(f"a {kind} document needs a county of round {results.round.id}, not {county!r}")
    return (feedback_spec if kind == "feedback" else report_spec)(results, cr, project)


def round_specs(
    results: RoundResults, project, county: str | None = None, kinds: tuple[str, ...] | None = None
) -> list[DocSpec]:
    """The documents of a round (:func:`round_docs`) with their template contexts; every
    problem of every document is raised at once (DiagnosticError)."""
    specs: list[DocSpec] = []
    diags: list[Diagnostic] = []
    for kind, cid in round_docs(results, county, kinds):
        try:
            specs.append(doc_spec(results, kind, cid, project))
        except DiagnosticError as exc:
            if kind == "notification":
                raise
            diags.extend(exc.diagnostics)
    if diags:
        raise DiagnosticError(diags)
    return specs
