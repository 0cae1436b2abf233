"""Rubric → JSON (DESIGN §6) and → a readable text tree."""

from __future__ import annotations

from typing import Any

from ..formats import format_decimal
from .model import Node, Rubric


def _node_json(n: Node) -> dict:
    d: dict[str, Any] = {
        "id": n.id,
        "title": n.title,
        "points": format_decimal(n.points),
        "children": [_node_json(c) for c in n.children],
    }
    if n.is_leaf:
        d["departments"] = list(n.departments)
        if n.offices:
            d["offices"] = list(n.offices)
        if n.methods:
            d["methods"] = list(n.methods)
        d["criterion"] = n.criterion
        d["evidence"] = n.evidence
        if n.guidance:
            d["guidance"] = n.guidance
        if n.rating:
            d["rating"] = n.rating
    return d


def rubric_to_json(r: Rubric) -> dict:
    """The rubric tree in the shape of DESIGN §6; exact decimals as strings."""
    return {
        "id": r.id,
        "title": r.title,
        "base_points": format_decimal(r.base_points),
        "bonus_cap": format_decimal(r.bonus.cap) if r.bonus.cap is not None else None,
        "areas": [_node_json(a) for a in r.areas],
        "leaf_count": sum(1 for _ in r.leaves()),
        "bonus": {
            "cap": format_decimal(r.bonus.cap) if r.bonus.cap is not None else None,
            "groups": [
                {
                    "id": g.id,
                    "title": g.title,
                    "cap": format_decimal(g.cap) if g.cap is not None else None,
                    "items": [i.id for i in g.items],
                }
                for g in r.bonus.groups
            ],
            "items": [
                {
                    "id": i.id,
                    "title": i.title,
                    "amount": format_decimal(i.amount),
                    "group": i.group,
                    "departments": list(i.departments),
                    "per_award": i.per_award,
                }
                for i in r.bonus.items
            ],
        },
        "deductions": [
            {
                "id": d.id,
                "title": d.title,
                "amount": format_decimal(d.amount),
                "cap": format_decimal(d.cap) if d.cap is not None else None,
                "uncapped": d.cap is None,
                "departments": list(d.departments),
                "discretionary": d.discretionary,
            }
            for d in r.deductions
        ],
        "veto": [{"id": v.id, "title": v.title, "grade": v.grade} for v in r.vetoes],
        "grades": [{"grade": b.grade, "min": format_decimal(b.min)} for b in r.grades],
        "rating_scales": {
            s.id: {
                "levels": [{"label": lv.label, "value": format_decimal(lv.value)} for lv in s.levels],
                "max": format_decimal(s.max),
            }
            for s in r.rating_scales.values()
        },
    }


def rubric_to_text(r: Rubric) -> str:
    """Return the rubric as the indented tree ``kaohe rubric show`` prints: items, points, departments."""
    lines = [
        f"{r.title}（{r.id}）",
        f"基本分 {format_decimal(r.base_points)} 分"
        + (f"，加分上限 {format_decimal(r.bonus.cap)} 分" if r.bonus.cap is not None else ""),
    ]
    for a in r.areas:
        for depth, n in a.walk():
            pad = "  " * depth
            dept = (
                f"  〔{'、'.join(n.departments)}{'／' + '、'.join(n.offices) if n.offices else ''}〕"
                if n.is_leaf and n.departments
                else ""
            )
            lines.append(f"{pad}{n.id} {n.title}  {format_decimal(n.points)}分{dept}")
    if r.bonus.items:
        lines.append("加分项" + (f"（合计不超过 {format_decimal(r.bonus.cap)} 分）" if r.bonus.cap is not None else ""))
        for i in r.bonus.items:
            each = (
                f"每项加 {format_decimal(i.amount)} 分"
                if i.per_award
                else f"加 {format_decimal(i.amount)} 分（只计一次）"
            )
            lines.append(f"  {i.id} {i.title}  {each}")
    if r.deductions:
        lines.append("扣分项")
        for d in r.deductions:
            cap = f"最高扣 {format_decimal(d.cap)} 分" if d.cap is not None else "不设上限"
            each = (
                f"每次酌情扣分，最多 {format_decimal(d.amount)} 分"
                if d.discretionary
                else f"每次扣 {format_decimal(d.amount)} 分"
            )
            lines.append(f"  {d.id} {d.title}  {each}，{cap}")
    for v in r.vetoes:
        lines.append(f"否决项 {v.id}：{v.title} → {v.grade}级")
    if r.grades:
        lines.append("等次：" + "；".join(f"{b.grade}级 ≥ {format_decimal(b.min)}" for b in r.grades))
    else:
        lines.append("等次：本细则不设等次")
    return "\n".join(lines)
