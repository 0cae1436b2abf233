"""``kaohe results ROUND --explain COUNTY``: how a county's figures were derived, each
with the file and line (or spreadsheet row) it came from."""

from __future__ import annotations

from ..formats import format_decimal as fmt  # short: it stands in many long messages
from .model import CountyResult, Origin, RoundResults


def _where(origin: Origin | None) -> str:
    if origin is None:
        return "（无来源：未打分，按 0 分计）"
    if origin.sheet:
        return f"{origin.path} 工作表“{origin.sheet}”第 {origin.line} 行"
    return f"{origin.path}:{origin.line}"


def _signed(d) -> str:
    return f"+{fmt(d)}" if d > 0 else fmt(d)


def explain(results: RoundResults, c: CountyResult) -> str:
    """Return how a county's total, grade and rank were reached, line by line, each with its source."""
    rnd = results.round
    rubric = rnd.rubric
    out = [
        f"{c.county.name}（{c.county.id}）得分推导",
        f"轮次：{rnd.title}（{rnd.id}）；考核细则：{rubric.title}（{rubric.path}）",
        "",
    ]
    for a in c.areas:
        out.append(f"{a.area.id} {a.area.title}：{fmt(a.score)} / {fmt(a.area.points)} 分")
        for it in a.items:
            node = it.item
            score = f"{fmt(it.score)} / {fmt(node.points)}"
            if it.level is not None:
                scale = rubric.rating_scales[node.rating]
                lv = next(lv for lv in scale.levels if lv.label == it.level)
                score += f"（评价等级“{it.level}”：{fmt(node.points)} × {fmt(lv.value)} ÷ {fmt(scale.max)}）"
            out.append(f"  {node.id} {node.title}：{score}    ← {_where(it.origin)}")
            if it.remark:
                out.append(f"      评价说明：{it.remark}")
            if it.self_score is not None:
                out.append(
                    f"      自评 {fmt(it.self_score)}，核定与自评之差 {_signed(it.delta)}    ← {_where(it.self_origin)}"
                )
        terms = " + ".join(fmt(i.score) for i in a.items)
        out.append(f"  小计 = {terms} = {fmt(a.score)}")
        out.append("")
    out.append("基本分 = " + " + ".join(f"{a.area.id} {fmt(a.score)}" for a in c.areas) + f" = {fmt(c.base)}")
    if c.self_base is not None:
        out.append(f"自评基本分 = {fmt(c.self_base)}（核定与自评之差 {_signed(c.base - c.self_base)}）")
    cap = rubric.bonus.cap
    if c.bonus_lines:
        out.append(f"加分 = {fmt(c.bonus)}" + (f"（加分上限 {fmt(cap)} 分）" if cap is not None else ""))
        for ln in c.bonus_lines:
            item = rubric.bonus.find(ln.id)
            assert item is not None  # scoring makes lines for the rubric's own items only
            capped = (
                f"，受上限 {fmt(ln.cap)} 分限制计 {fmt(ln.amount)}" if ln.cap is not None and ln.amount < ln.raw else ""
            )
            terms = (
                f"{ln.count} 项 × {fmt(item.amount)}"
                if item.per_award
                else f"{ln.count} 项，原文不是“每项加分”，只计一次 {fmt(item.amount)}"
                if ln.count > 1
                else fmt(item.amount)
            )
            out.append(
                f"  {ln.id} {ln.title}：{terms} = {fmt(ln.raw)}{capped}    ← "
                + "；".join(_where(o) for o in ln.origins)
            )
            if ln.evidence:
                out.append(f"      依据：{ln.evidence}")
    else:
        out.append("加分 = 0（无加分事项）")
    if c.deduction_lines:
        out.append(f"扣分 = {fmt(c.deductions)}")
        for ln in c.deduction_lines:
            rule = rubric.deduction(ln.id)
            assert rule is not None  # scoring makes lines for the rubric's own rules only
            limit = "不设上限" if ln.cap is None else f"上限 {fmt(ln.cap)} 分"
            capped = f"，计 {fmt(ln.amount)}" if ln.capped else ""
            if ln.reviewed:
                capped = f"，复核调整为 {fmt(ln.amount)}"
            events = [e for e in rnd.deduction_events if e.county == c.county.id and e.item == ln.id]
            if any(e.amount is not None for e in events):  # 酌情: each event its own amount
                terms = (
                    " + ".join(
                        f"{fmt(e.amount if e.amount is not None else rule.amount)}"
                        + (f" × {e.count}" if e.count > 1 else "")
                        for e in events
                    )
                    + "（酌情扣分）"
                )
            else:
                terms = f"{ln.count} 次 × {fmt(rule.amount)}"
            out.append(
                f"  {ln.id} {ln.title}：{terms} = {fmt(ln.raw)}（{limit}{capped}）    ← "
                + "；".join(_where(o) for o in ln.origins)
            )
            if ln.evidence:
                out.append(f"      依据：{ln.evidence}")
    else:
        out.append("扣分 = 0（无扣分事项）")
    raw_total = c.base + c.bonus - c.deductions
    floor = "，低于 0 按 0 计" if raw_total < 0 else ""
    out.append(f"总分 = 基本分 {fmt(c.base)} + 加分 {fmt(c.bonus)} − 扣分 {fmt(c.deductions)} = {fmt(c.total)}{floor}")
    if c.veto is not None:
        out.append(
            f"等次 = {c.grade}：一票否决（{c.veto.item} {c.veto_title}）：{c.veto.description}"
            f"    ← {_where(c.veto.origin)}"
        )
        if c.veto.evidence:
            out.append(f"      依据：{c.veto.evidence}")
        if c.band_grade:
            out.append(f"      （按总分本应为 {c.band_grade}）")
    elif c.grade is not None:
        band = next(b for b in rubric.grades if b.grade == c.grade)
        out.append(f"等次 = {c.grade}（总分 {fmt(c.total)} ≥ {fmt(band.min)}；{rubric.path} 等次表）")
    else:
        out.append("等次 = —（考核细则不设等次）")
    if c.rank is None:
        out.append(f"排名 = 不排名次（一票否决；round.yaml veto_rank: {results.round.veto_rank}）")
        return "\n".join(out)
    tied = [x.county.name for x in results.counties if x.rank == c.rank and x is not c]
    tie = f"，与{'、'.join(tied)}并列" if tied else ""
    out.append(f"排名 = 第 {c.rank} 名 / 共 {len(results.counties)} 个{tie}（按总分从高到低，总分相同名次相同）")
    return "\n".join(out)
