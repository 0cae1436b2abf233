"""Computing a round's results (DESIGN §3), pure and exact (:class:`decimal.Decimal`).

* item score: from the department sheet, or from the on-site rating for rated items;
* area subtotal = Σ its item scores; base = Σ area subtotals;
* bonus: per bonus item, awards × amount for 每项 items (``per_award``), else the amount
  once however often it was entered; each group capped by its cap, then everything by the
  overall cap (caps are applied in rubric order, so each line shows what it actually
  contributed);
* each deduction item: min(Σ events × per-event amount, its cap); the per-event amount is
  the rule's, or the event's own for 酌情 rules (``discretionary``); uncapped items are not capped;
* total = base + bonus − deductions, not below 0;
* an upheld 复核 decision (``round.decisions``) replaces an item's score, or a deduction's
  amount after caps, and is listed in ``results.review_changes`` with the value it replaced;
* a veto sets the grade to the veto's grade (D); the total is still computed and shown;
* grade by the rubric's bands (inclusive lower bounds); ranks by total (ranking.py), with
  vetoed counties placed by the round's ``veto_rank``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from ..formats import format_decimal as _fmt
from .model import AreaResult, CountyResult, ItemResult, Line, ReviewChange, Round, RoundResults
from .ranking import rank_order

ZERO = Decimal(0)


def compute(rnd: Round) -> RoundResults:
    """Results of every county of ``rnd``, in rank order. Does no I/O.

    A (county, item) without a score counts 0 (``load_round`` refuses such rounds, so
    this only happens with hand-built rounds in tests).
    """
    rubric = rnd.rubric
    awards = defaultdict(list)
    for a in rnd.bonus_awards:
        awards[a.county].append(a)
    deductions = defaultdict(list)
    for d in rnd.deduction_events:
        deductions[d.county].append(d)
    vetoes = defaultdict(list)
    for v in rnd.veto_events:
        vetoes[v.county].append(v)

    upheld = {(d.county, d.ref): d for d in rnd.decisions if d.upheld}
    changes: list[ReviewChange] = []
    unranked = []
    for county in rnd.counties:
        areas = tuple(_area(rnd, county.id, area, upheld, changes) for area in rubric.areas)
        base = sum((a.score for a in areas), ZERO)
        bonus_lines = _bonus_lines(rnd, awards[county.id])
        bonus = sum((ln.amount for ln in bonus_lines), ZERO)
        deduction_lines = _deduction_lines(rnd, deductions[county.id], upheld, changes)
        deducted = sum((ln.amount for ln in deduction_lines), ZERO)
        total = max(base + bonus - deducted, ZERO)
        band_grade = rubric.grade_for(total)
        veto = vetoes[county.id][0] if vetoes[county.id] else None
        veto_rule = rubric.veto(veto.item) if veto else None
        grade = veto_rule.grade if veto_rule else band_grade
        selfs = [
            rnd.self_scores[(county.id, leaf.id)] for leaf in rubric.leaves() if (county.id, leaf.id) in rnd.self_scores
        ]
        self_base = sum((s.score for s in selfs), ZERO) if selfs else None
        unranked.append(
            CountyResult(
                county=county,
                areas=areas,
                base=base,
                bonus=bonus,
                bonus_lines=bonus_lines,
                deductions=deducted,
                deduction_lines=deduction_lines,
                veto=veto,
                veto_title=veto_rule.title if veto_rule else "",
                total=total,
                grade=grade,
                rank=0,
                self_base=self_base,
                veto_grade=veto_rule.grade if veto_rule else None,
                band_grade=band_grade,
            )
        )
    order = rank_order([(i, r.total, r.veto is not None) for i, r in enumerate(unranked)], rnd.veto_rank)
    counties = tuple(replace(unranked[i], rank=rank) for i, rank in order)
    pos = {d.id: i for i, d in enumerate(rnd.decisions)}
    return RoundResults(rnd, counties, tuple(sorted(changes, key=lambda c: pos.get(c.id, 0))))


def _area(rnd: Round, county_id: str, area, upheld: dict, changes: list) -> AreaResult:
    items = []
    for leaf in area.leaves():
        key = (county_id, leaf.id)
        own = rnd.self_scores.get(key)
        if leaf.rating is not None and key in rnd.ratings:
            r = rnd.ratings[key]
            score, remark, origin, level = r.score, r.remark, r.origin, r.level
        elif key in rnd.scores:
            s = rnd.scores[key]
            score, remark, origin, level = s.score, s.remark, s.origin, None
        else:
            score, remark, origin, level = ZERO, "", None, None
        d = upheld.get(key)
        if d is not None and d.kind == "item":
            changes.append(ReviewChange(d.id, county_id, leaf.id, "item", leaf.title, score, d.score, d.reason))
            score, origin = d.score, d.origin
            remark = f"{remark}（复核调整：{d.reason}）" if remark else f"复核调整：{d.reason}"
        items.append(
            ItemResult(
                leaf,
                score,
                remark,
                origin,
                self_score=own.score if own else None,
                self_remark=own.remark if own else "",
                level=level,
                self_origin=own.origin if own else None,
            )
        )
    return AreaResult(area, sum((i.score for i in items), ZERO), tuple(items))


def _bonus_lines(rnd: Round, awards) -> tuple[Line, ...]:
    bonus = rnd.rubric.bonus
    by_item = defaultdict(list)
    for a in awards:
        by_item[a.item].append(a)
    group_caps = {g.id: g.cap for g in bonus.groups}
    group_left = {g.id: g.cap for g in bonus.groups}
    overall_left = bonus.cap
    lines = []
    for item in bonus.items:  # rubric order
        got = by_item.get(item.id)
        if not got:
            continue
        count = sum(a.count for a in got)
        raw = item.amount * (count if item.per_award else 1)
        amount = raw
        cap = None
        group_room = group_left.get(item.group) if item.group is not None else None
        if item.group is not None and group_room is not None:
            cap = group_caps[item.group]
            amount = min(amount, group_room)
            group_left[item.group] = group_room - amount
        if overall_left is not None and bonus.cap is not None:  # (both or neither are None)
            cap = bonus.cap if cap is None else min(cap, bonus.cap)
            amount = min(amount, overall_left)
            overall_left -= amount
        lines.append(
            Line(
                item.id,
                item.title,
                count,
                amount,
                raw,
                _join(a.evidence for a in got),
                tuple(a.origin for a in got),
                cap=cap,
                capped=amount < raw,
            )
        )
    return tuple(lines)


def _deduction_lines(rnd: Round, events, upheld: dict, changes: list) -> tuple[Line, ...]:
    by_item = defaultdict(list)
    for e in events:
        by_item[e.item].append(e)
    lines = []
    for rule in rnd.rubric.deductions:  # rubric order
        got = by_item.get(rule.id)
        if not got:
            continue
        count = sum(e.count for e in got)
        raw = sum(((e.amount if e.amount is not None else rule.amount) * e.count for e in got), ZERO)
        amount = raw if rule.cap is None else min(raw, rule.cap)
        evidence = _join(e.evidence for e in got)
        origins = tuple(e.origin for e in got)
        d = upheld.get((got[0].county, rule.id))
        if d is not None and d.kind == "deduction":
            changes.append(ReviewChange(d.id, d.county, rule.id, "deduction", rule.title, amount, d.score, d.reason))
            amount, evidence, origins = (
                d.score,
                _join([evidence, f"复核调整为扣{_fmt(d.score)}分：{d.reason}"]),
                origins + (d.origin,),
            )
            lines.append(
                Line(
                    rule.id,
                    rule.title,
                    count,
                    amount,
                    raw,
                    evidence,
                    origins,
                    cap=rule.cap,
                    capped=False,
                    reviewed=True,
                )
            )
            continue
        lines.append(
            Line(rule.id, rule.title, count, amount, raw, evidence, origins, cap=rule.cap, capped=amount < raw)
        )
    return tuple(lines)


def _join(texts) -> str:
    return "；".join(t for t in texts if t)
