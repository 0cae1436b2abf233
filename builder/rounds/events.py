"""Bonus awards, deduction events and vetoes: ``events.yaml`` in the round folder.

::

    bonus:        # 加分项: the rubric's bonus item ids
      - {county: linying, item: B3, count: 1, evidence: 获得“中州杯”省优质工程奖（……）}
    deductions:   # 扣分项: the rubric's deduction ids; count defaults to 1
      - {county: yuanhui, item: D1, count: 1, evidence: ……}
    veto:         # 一票否决: the rubric's veto ids
      - {county: boluo, item: V1, description: ……, evidence: ……}

Every entry names a county of the round and an id of the rubric (unknown ids get a
"did you mean"); ``count`` is a whole number ≥ 1. Several entries for the same county
and item add up (each with its own evidence).
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic
from ..fields import Fields, did_you_mean
from ..yamlio import load_yaml, pos_of
from .context import RoundContext, item_key
from .diag import ERROR, at
from .model import BonusAward, DeductionEvent, Origin, VetoEvent


def load_events(ctx: RoundContext, path: Path, shown: str) -> tuple[tuple, tuple, tuple]:
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

    def entries(key: str, what: str, known: dict):
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
                    ctx.diags.append(at(Origin(shown, *ef.pos("item")), ERROR, "event-unknown-item",
                                        f"考核细则“{rubric.id}”中没有{what}“{key_}”。{did_you_mean(key_, known)}".rstrip(),
                                        f"本细则的{what}：{listing}。"))
            yield ef, origin, county, node

    awards = []
    for ef, origin, county, node in entries("bonus", "加分项", bonus_ids):
        count = _count(ctx, ef, shown)
        evidence = ef.get("evidence", "str", required=True, default="")
        description = ef.get("description", "str", default="")
        ef.finish()
        if county and node and count:
            awards.append(BonusAward(county.id, node.id, count, evidence, origin, description))
    deductions = []
    for ef, origin, county, node in entries("deductions", "扣分项", ded_ids):
        count = _count(ctx, ef, shown)
        evidence = ef.get("evidence", "str", required=True, default="")
        description = ef.get("description", "str", default="")
        ef.finish()
        if county and node and count:
            deductions.append(DeductionEvent(county.id, node.id, count, evidence, origin, description))
    vetoes = []
    for ef, origin, county, node in entries("veto", "否决项", veto_ids):
        description = ef.get("description", "str", required=True, default="")
        evidence = ef.get("evidence", "str", default="")
        ef.finish()
        if county and node:
            vetoes.append(VetoEvent(county.id, node.id, description, evidence, origin))
    f.finish()
    return tuple(awards), tuple(deductions), tuple(vetoes)


def _count(ctx: RoundContext, ef: Fields, shown: str) -> int | None:
    count = ef.get("count", "int", default=1)
    if count is None:
        return None
    if count < 1:
        ctx.diags.append(Diagnostic(shown, *ef.pos("count"), ERROR, "event-count",
                                    f"count 是次数（项数），应当是不小于 1 的整数，现在是 {count}。没有发生就删除这一条。"))
        return None
    return count
