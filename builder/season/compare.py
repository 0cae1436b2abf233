"""Before/after of two sets of results, score by score (``kaohe appeals`` and ``kaohe diff``).

Both sides are *snapshots*: plain JSON-able dicts (:func:`snapshot`), the form the audit
trail stores, so that two audit records compare without reloading anything. Numbers are
exact decimal strings and compared as :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..formats import format_decimal


def snapshot(results) -> dict:
    """The computed results as plain data: every item score, bonus and deduction line,
    subtotals, totals, grades and ranks, counties in listing order."""
    rnd = results.round
    counties = []
    for c in results.counties:
        counties.append(
            {
                "id": c.county.id,
                "name": c.county.name,
                "items": {it.item.id: format_decimal(it.score) for a in c.areas for it in a.items},
                "areas": {a.area.id: format_decimal(a.score) for a in c.areas},
                "bonus_lines": {ln.id: format_decimal(ln.amount) for ln in c.bonus_lines},
                "deduction_lines": {ln.id: format_decimal(ln.amount) for ln in c.deduction_lines},
                "base": format_decimal(c.base),
                "bonus": format_decimal(c.bonus),
                "deductions": format_decimal(c.deductions),
                "total": format_decimal(c.total),
                "grade": c.grade,
                "rank": c.rank,
                "veto": c.veto.item if c.veto is not None else None,
            }
        )
    titles = {n.id: n.title for n in rnd.rubric.leaves()}
    titles.update({d.id: d.title for d in rnd.rubric.deductions})
    titles.update({b.id: b.title for b in rnd.rubric.bonus.items})
    return {"round": rnd.id, "status": rnd.status, "titles": titles, "counties": counties}


def valid_snapshot(snap) -> bool:
    """Whether ``snap`` has the shape :func:`snapshot` writes (an audit record read back)."""
    if not isinstance(snap, dict) or not isinstance(snap.get("counties"), list):
        return False
    if not isinstance(snap.get("titles", {}), dict):
        return False
    for c in snap["counties"]:
        if not isinstance(c, dict) or not isinstance(c.get("id"), str):
            return False
        for key in ("items", "bonus_lines", "deduction_lines"):
            v = c.get(key, {})
            if not isinstance(v, dict) or not all(isinstance(x, (str, type(None))) for x in v.values()):
                return False
        for key in ("total", "base", "bonus", "deductions"):
            v = c.get(key)
            if v is not None and not isinstance(v, str):
                return False
            if isinstance(v, str):
                try:
                    Decimal(v)
                except Exception:
                    return False
        for key in ("items", "bonus_lines", "deduction_lines"):
            for x in c.get(key, {}).values():
                if x is not None:
                    try:
                        Decimal(x)
                    except Exception:
                        return False
    return True


@dataclass
class CountyChange:
    """What changed for one county between two states: scores, and totals, grade and rank."""

    id: str
    name: str
    scores: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)  # (kind, id, before, after)
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)

    @property
    def moved(self) -> list[str]:
        """Which of total, grade, rank changed."""
        return [k for k in ("total", "grade", "rank") if _norm(self.before.get(k)) != _norm(self.after.get(k))]


def _norm(v):
    if isinstance(v, str):
        try:
            return Decimal(v)
        except Exception:
            return v
    return v


def compare(a: dict, b: dict) -> list[CountyChange]:
    """Counties whose scores, totals, grades or ranks differ between snapshots ``a`` and ``b``,
    in ``b``'s listing order (counties only in one side are listed too)."""
    before = {c["id"]: c for c in a.get("counties", [])}
    after = {c["id"]: c for c in b.get("counties", [])}
    order = [c["id"] for c in b.get("counties", [])] + [cid for cid in before if cid not in after]
    out = []
    for cid in order:
        x, y = before.get(cid, {}), after.get(cid, {})
        ch = CountyChange(cid, (y or x).get("name", cid), before=x, after=y)
        for kind in ("items", "bonus_lines", "deduction_lines"):
            xs, ys = x.get(kind, {}), y.get(kind, {})
            for key in list(xs) + [k for k in ys if k not in xs]:
                u, v = xs.get(key), ys.get(key)
                if _norm(u) != _norm(v):
                    ch.scores.append((kind, key, u, v))
        if ch.scores or ch.moved or (x.get("veto") != y.get("veto")):
            out.append(ch)
    return out


KIND_ZH = {"items": "考核项", "bonus_lines": "加分项", "deduction_lines": "扣分项"}


def _show(v) -> str:
    return "—" if v is None else str(v)


def _rank(v) -> str:
    return "不排名" if v is None else f"第{v}名"


def render(changes: list[CountyChange], titles: dict) -> str:
    """Text for the office: per county, each changed score, then total, grade, rank."""
    if not changes:
        return "没有变化：各县区的得分、总分、等次和名次都相同。"
    out = []
    for ch in changes:
        out.append(f"{ch.name}（{ch.id}）")
        for kind, key, u, v in ch.scores:
            delta = ""
            if u is not None and v is not None:
                d = Decimal(v) - Decimal(u)
                delta = f"（{'+' if d > 0 else ''}{format_decimal(d)}）"
            out.append(f"  {KIND_ZH[kind]} {key} {titles.get(key, '')}：{_show(u)} → {_show(v)}{delta}")
        x, y = ch.before, ch.after
        out.append(
            f"  总分：{_show(x.get('total'))} → {_show(y.get('total'))}"
            f"；等次：{_show(x.get('grade'))} → {_show(y.get('grade'))}"
            f"；名次：{_rank(x.get('rank'))} → {_rank(y.get('rank'))}"
            + ("" if ch.moved else "（总分、等次、名次不变）")
        )
    return "\n".join(out)


def to_json(changes: list[CountyChange]) -> list[dict]:
    """Return county changes as JSON-ready data, for ``kaohe diff --format json``."""
    return [
        {
            "id": ch.id,
            "name": ch.name,
            "scores": [{"kind": k, "id": i, "before": u, "after": v} for k, i, u, v in ch.scores],
            "before": {k: ch.before.get(k) for k in ("base", "bonus", "deductions", "total", "grade", "rank")},
            "after": {k: ch.after.get(k) for k in ("base", "bonus", "deductions", "total", "grade", "rank")},
        }
        for ch in changes
    ]
