"""Results as plain data: the JSON of ``kaohe results --format json`` (DESIGN §6) and the
text table of ``kaohe results``. Numbers are exact decimal strings (:func:`builder.formats.format_decimal`)."""

from __future__ import annotations

import unicodedata

from ..formats import format_decimal
from .model import CountyResult, RoundResults

STATUS_ZH = {"draft": "草稿", "approved": "已审定", "published": "已发布"}
PUBLISH_ZH = {"grades": "只公布等次", "scores": "公布等次和得分", "ranks": "公布等次、得分和排名"}


def county_json(c: CountyResult) -> dict:
    """Return one county's results as JSON-ready data (scores as strings, exactly as computed)."""
    return {
        "id": c.county.id,
        "name": c.county.name,
        "base": format_decimal(c.base),
        "bonus": format_decimal(c.bonus),
        "deductions": format_decimal(c.deductions),
        "veto": None
        if c.veto is None
        else {"id": c.veto.item, "title": c.veto_title, "description": c.veto.description},
        "total": format_decimal(c.total),
        "grade": c.grade,
        "rank": c.rank,
        "areas": {a.area.id: format_decimal(a.score) for a in c.areas},
    }


def rank_text(rank: int | None) -> str:
    """A rank for a table cell: "3", or "—" for a vetoed county without a rank number."""
    return "—" if rank is None else str(rank)


def results_json(results: RoundResults) -> dict:
    """``{"round": id, "counties": [...]}`` in rank order (DESIGN §6)."""
    return {"round": results.round.id, "counties": [county_json(c) for c in results.counties]}


def width(s: str) -> int:
    """Return the width of *s* in terminal cells (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def pad(s: str, w: int, right: bool = False) -> str:
    """Return *s* padded with spaces to *w* cells, on the left when *right* (right-aligned)."""
    gap = " " * max(w - width(s), 0)
    return gap + s if right else s + gap


def table(headers: list[str], rows: list[list[str]], right: set[int]) -> str:
    """Return a plain-text table: header, a rule, the rows; columns in *right* right-aligned."""
    widths = [max(width(h), *(width(r[i]) for r in rows)) if rows else width(h) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(pad(v, widths[i], i in right) for i, v in enumerate(r)).rstrip())
    return "\n".join(lines)


def results_text(results: RoundResults) -> str:
    """Return a round's results as the text ``kaohe results`` prints."""
    rnd = results.round
    rubric = rnd.rubric
    flags = [STATUS_ZH.get(rnd.status, rnd.status), PUBLISH_ZH.get(rnd.publish, rnd.publish)]
    if rnd.sample:
        flags.append("示例数据")
    out = [f"{rnd.title}（{rnd.id}；考核细则 {rubric.id}；{'，'.join(flags)}）", ""]
    headers = ["排名", "县区", *[a.id for a in rubric.areas], "基本分", "加分", "扣分", "总分", "等次"]
    rows = []
    for c in results.counties:
        grade = c.grade or "—"
        if c.veto is not None:
            grade += "（否决）"
        rows.append(
            [
                rank_text(c.rank),
                c.county.name,
                *[format_decimal(a.score) for a in c.areas],
                format_decimal(c.base),
                format_decimal(c.bonus),
                format_decimal(c.deductions),
                format_decimal(c.total),
                grade,
            ]
        )
    n_areas = len(rubric.areas)
    out.append(table(headers, rows, right={0, *range(2, 2 + n_areas + 4)}))
    out.append("")
    out.append("领域：" + "；".join(f"{a.id} {a.title}（{format_decimal(a.points)}分）" for a in rubric.areas) + "。")
    notes = [f"基本分 {format_decimal(rubric.base_points)} 分"]
    if rubric.bonus.items:
        notes.append(
            f"加分上限 {format_decimal(rubric.bonus.cap)} 分" if rubric.bonus.cap is not None else "加分不设上限"
        )
    if rubric.grades:
        notes.append(
            "等次："
            + "，".join(f"{b.grade} ≥ {format_decimal(b.min)}" for b in rubric.grades[:-1])
            + f"，其余为 {rubric.grades[-1].grade}"
        )
    vetoed_rank = {
        "last": "被一票否决的县区排在最后，不排名次",
        "by_total": "被一票否决的县区也按总分排名",
        "none": "被一票否决的县区不排名次",
    }[rnd.veto_rank]
    out.append("；".join(notes) + f"。排名按总分从高到低，总分相同名次相同；{vetoed_rank}。")
    for c in results.counties:
        if c.veto is not None:
            out.append(f"{c.county.name}：一票否决（{c.veto_title}）：{c.veto.description}，等次为 {c.grade}。")
    return "\n".join(out)


def _origin(o) -> dict | None:
    if o is None:
        return None
    d = {"path": o.path, "line": o.line}
    if o.sheet:
        d["sheet"] = o.sheet
    return d


def explain_json(c: CountyResult) -> dict:
    """:func:`county_json` plus every item, bonus and deduction line with its source."""
    out = county_json(c)
    out["items"] = [
        {
            "id": i.item.id,
            "title": i.item.title,
            "area": a.area.id,
            "points": format_decimal(i.item.points),
            "score": format_decimal(i.score),
            "level": i.level,
            "remark": i.remark,
            "source": _origin(i.origin),
            "self_score": None if i.self_score is None else format_decimal(i.self_score),
            "delta": None if i.delta is None else format_decimal(i.delta),
        }
        for a in c.areas
        for i in a.items
    ]
    for key, lines in (("bonus_lines", c.bonus_lines), ("deduction_lines", c.deduction_lines)):
        out[key] = [
            {
                "id": ln.id,
                "title": ln.title,
                "count": ln.count,
                "raw": format_decimal(ln.raw),
                "amount": format_decimal(ln.amount),
                "cap": None if ln.cap is None else format_decimal(ln.cap),
                "evidence": ln.evidence,
                "sources": [_origin(o) for o in ln.origins],
            }
            for ln in lines
        ]
    if c.veto is not None:
        out["veto"]["source"] = _origin(c.veto.origin)
    return out
