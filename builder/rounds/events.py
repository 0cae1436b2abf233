"""Bonus awards, deduction events and vetoes: ``events.yaml`` in the round folder.

::

    bonus:        # 加分项: the rubric's bonus item ids
      - {county: linying, item: B3, count: 1, evidence: 获得“中州杯”省优质工程奖（……）}
    deductions:   # 扣分项: the rubric's deduction ids; count defaults to 1
      - {county: yuanhui, item: D1, count: 1, evidence: ……}
      - {county: xicheng, item: D2, amount: 0.5, evidence: ……}   # 酌情 (discretionary) rules only
    veto:         # 一票否决: the rubric's veto ids
      - {county: boluo, item: V1, description: ……, evidence: ……}

Every entry names a county of the round and an id of the rubric (unknown ids get a
"did you mean"); ``count`` is a whole number ≥ 1. Several entries for the same county
and item add up (each with its own evidence). A bonus item counts once unless the rubric
marks it ``per_award`` (每项); a larger count is a warning and still counts once. ``amount``
on a deduction is allowed only where the rubric marks the rule ``discretionary`` (酌情)
and must lie in (0, the rule's amount].
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ..diagnostics import Diagnostic
from ..fields import Fields, did_you_mean
from ..formats import format_decimal
from ..yamlio import load_yaml, pos_of
from .context import RoundContext, item_key
from .diag import ERROR, WARNING, at
from .model import BonusAward, County, DeductionEvent, Origin, VetoEvent


def load_events(ctx: RoundContext, path: Path, shown: str) -> tuple[tuple, tuple, tuple]:
    """Read ``events.yaml``: bonus awards, deduction events and vetoes.

    :param path: the file (a missing file means no events; a folder, a pipe or a link
        outside the project is an error, see builder/textio.py).
    :param shown: its path as diagnostics show it.
    :return: ``(awards, deductions, vetoes)``; wrong entries are left out and reported in ``ctx.diags``.
    """
    if not path.exists() and not path.is_symlink():
        return (), (), ()
    doc = load_yaml(path, shown, root=ctx.root)  # a folder or a link outside is an error there
    ctx.diags.extend(doc.diagnostics)
    if doc.data is None:
        return (), (), ()
    f = Fields(shown, ctx.diags, doc.data, "events.yaml")
    if not f.ok:
        return (), (), ()
    rubric = ctx.rubric
    bonus_ids = {i.id: i for i in rubric.bonus.items}
    ded_ids = {d.id: d for d in rubric.deductions}
    veto_ids = {v.id: v for v in rubric.vetoes}

    def entries(key: str, what: str, known: dict) -> Iterator[tuple[Fields, Origin, County | None, Any]]:
        raw = f.get(key, "list", default=[])
        for i, item in enumerate(raw):
            ef = Fields(shown, ctx.diags, item, f"{what}第 {i + 1} 条", raw, i)
            if not ef.ok:
                continue
            origin = Origin(shown, *pos_of(raw, i))
            cval = ef.get("county", "str", required=True)
            ival = ef.get("item", "str", required=True)
            county = ctx.county(cval, Origin(shown, *ef.pos("county"))) if cval is not None else None
            node = None
            if ival is not None:
                key_ = item_key(ival)
                node = known.get(key_)
                if node is None:
                    listing = "、".join(f"{k}（{v.title}）" for k, v in known.items()) or "（无）"
                    ctx.diags.append(
                        at(
                            Origin(shown, *ef.pos("item")),
                            ERROR,
                            "event-unknown-item",
                            f"考核细则“{rubric.id}”中没有{what}“{key_}”。{did_you_mean(key_, known)}".rstrip(),
                            f"本细则的{what}：{listing}。",
                        )
                    )
            yield ef, origin, county, node

    awards = []
    for ef, origin, county, node in entries("bonus", "加分项", bonus_ids):
        count = _count(ctx, ef, shown)
        evidence = ef.get("evidence", "str", required=True, default="")
        description = ef.get("description", "str", default="")
        ef.finish()
        if county and node and count:
            awards.append(BonusAward(county.id, node.id, count, evidence, origin, description))
        if node is not None and count and count > 1 and not node.per_award:
            ctx.diags.append(
                Diagnostic(
                    shown,
                    *ef.pos("count"),
                    WARNING,
                    "event-bonus-once",
                    f"加分项“{node.id}”（{node.title}）按原文只加一次（{format_decimal(node.amount)} 分），"
                    f"写了 {count} 项也只计一次。",
                    "细则中写了 per_award: true（原文“每项加×分”）的加分项才按项数累加。",
                )
            )
    deductions = []
    for ef, origin, county, node in entries("deductions", "扣分项", ded_ids):
        count = _count(ctx, ef, shown)
        evidence = ef.get("evidence", "str", required=True, default="")
        description = ef.get("description", "str", default="")
        amount = _amount(ctx, ef, shown, node)
        ef.finish()
        if county and node and count and amount is not False:
            deductions.append(DeductionEvent(county.id, node.id, count, evidence, origin, description, amount))
    vetoes = []
    for ef, origin, county, node in entries("veto", "否决项", veto_ids):
        description = ef.get("description", "str", required=True, default="")
        evidence = ef.get("evidence", "str", default="")
        ef.finish()
        if county and node:
            vetoes.append(VetoEvent(county.id, node.id, description, evidence, origin))
    f.finish()
    return tuple(awards), tuple(deductions), tuple(vetoes)


def _amount(ctx: RoundContext, ef: Fields, shown: str, node) -> Decimal | None | Literal[False]:
    """The per-event amount of a 酌情 deduction: None (the rule's amount), a Decimal, or
    False when it is wrong (reported)."""
    if "amount" not in ef.m:
        ef.seen.add("amount")
        return None
    value = ef.get("amount", "decimal")
    if value is None:
        return False
    if node is None:
        return None
    line, col = ef.pos("amount")
    if not node.discretionary:
        ctx.diags.append(
            Diagnostic(
                shown,
                line,
                col,
                ERROR,
                "event-amount-fixed",
                f"扣分项“{node.id}”（{node.title}）每次扣 {format_decimal(node.amount)} 分，是固定的，不能写 amount。",
                "只有细则中写了 discretionary: true（原文“酌情扣分”）的扣分项才能写每次扣分。请删除 amount。",
            )
        )
        return False
    if value <= 0 or value > node.amount:
        ctx.diags.append(
            Diagnostic(
                shown,
                line,
                col,
                ERROR,
                "event-amount-range",
                f"扣分项“{node.id}”（{node.title}）酌情扣分，每次最多扣 {format_decimal(node.amount)} 分；"
                f"这里写的 {format_decimal(value)} 分不在 0 到 {format_decimal(node.amount)} 之间（不含 0）。",
            )
        )
        return False
    return value


def _count(ctx: RoundContext, ef: Fields, shown: str) -> int | None:
    count = ef.get("count", "int", default=1)
    if count is None:
        return None
    if count < 1:
        ctx.diags.append(
            Diagnostic(
                shown,
                *ef.pos("count"),
                ERROR,
                "event-count",
                f"count 是次数（项数），应当是不小于 1 的整数，现在是 {count}。没有发生就删除这一条。",
            )
        )
        return None
    return count
