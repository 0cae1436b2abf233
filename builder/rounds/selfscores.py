"""Self-score tables (自评打分表, 惠州 附件3): ``self-scores/<county>.{yaml,csv,xlsx}``.

YAML::

    county: huicheng
    scores:
      "1": {score: 4, basis: 2017年产品质量监督抽查合格率 95.2%，得满分。}
      "2": 3.5

CSV/XLSX: ``县区：惠城区`` above the header (optional: the file name names the county),
columns 考核项编号, 自评得分, 评分依据 (and, for reading only, 考核项, 分值, 评分标准).

A table that exists must cover every item of the rubric (one message lists the missing
ones); each self-score is a number between 0 and the item's points.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic
from ..fields import Fields
from ..yamlio import LMap, load_yaml
from .context import RoundContext
from .departments import _key_pos
from .diag import ERROR, INFO, WARNING, at
from .model import Origin, ScoreEntry
from .numbers import parse_score
from .sheets import Columns, Record, Value, read_table

COLUMNS = Columns(
    names={
        "item": "考核项编号",
        "title": "考核项",
        "points": "分值",
        "criterion": "评分标准",
        "score": "自评得分",
        "remark": "评分依据",
    },
    required=("item", "score"),
)
SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


def load_self_scores(ctx: RoundContext, folder: Path, display) -> dict[tuple[str, str], ScoreEntry]:
    """Read the self-score tables ``self-scores/<county>.{yaml,csv,xlsx}`` of a round.

    :param folder: the round's ``self-scores`` folder (it need not exist).
    :param display: turns a path into the form diagnostics show.
    :return: ``(county id, item id)`` → entry; problems are added to ``ctx.diags``.
    """
    out: dict[tuple[str, str], ScoreEntry] = {}
    if not folder.is_dir():
        return out
    done: dict[str, str] = {}
    for p in sorted(folder.iterdir()):
        shown = display(p)
        if p.name.startswith(("~$", ".")):
            continue
        if p.is_dir() or p.suffix.lower() not in SUFFIXES:
            ctx.diags.append(
                Diagnostic(
                    shown,
                    0,
                    0,
                    WARNING,
                    "round-file-unknown",
                    f"self-scores/ 中的“{p.name}”不是自评打分表（<县区编号>.yaml、.csv 或 .xlsx），已忽略。",
                )
            )
            continue
        county = ctx.county(p.stem, Origin(shown, 0, 0))
        if county is None:
            continue
        if county.id in done:
            ctx.diags.append(
                Diagnostic(
                    shown,
                    0,
                    0,
                    ERROR,
                    "self-score-duplicate-file",
                    f"{county.name}已有自评打分表 {done[county.id]}，每个县区只能有一份。",
                )
            )
            continue
        done[county.id] = shown
        records = _read(ctx, p, shown, county)
        if records is None:
            continue
        _check(ctx, county, records, shown, out)
    return out


def _read(ctx: RoundContext, p: Path, shown: str, county) -> list[Record] | None:
    diags = ctx.diags
    if p.suffix.lower() in (".yaml", ".yml"):
        doc = load_yaml(p, shown, root=ctx.root)
        diags.extend(doc.diagnostics)
        if doc.data is None:
            return None
        f = Fields(shown, diags, doc.data, "自评打分表")
        if not f.ok:
            return None
        cval = f.get("county", "str")
        if cval is not None and cval != county.id:
            diags.append(
                Diagnostic(
                    shown,
                    *f.pos("county"),
                    ERROR,
                    "self-score-county",
                    f"county“{cval}”与文件名“{p.name}”不一致：文件名应为 <县区编号>.yaml，这里应写 {county.id}。",
                )
            )
        scores = f.get("scores", "map", required=True, default=LMap())
        f.finish()
        records = []
        for ival, body in scores.items():
            iorigin = Origin(shown, *_key_pos(scores, ival))
            values = {"item": Value(ival, iorigin)}
            if isinstance(body, dict):
                bf = Fields(shown, diags, body, f"考核项 {ival} ")
                values["score"] = Value(body.get("score"), Origin(shown, *bf.pos("score")))
                bf.seen.add("score")
                basis = bf.get("basis", "str", default="")
                if basis:
                    values["remark"] = Value(basis, Origin(shown, *bf.pos("basis")))
                bf.finish()
            else:
                values["score"] = Value(body, iorigin)
            records.append(Record(iorigin, values))
        return records
    table = read_table(p, shown, COLUMNS, diags, root=ctx.root)
    if table is None or not table.ok:
        return None
    cv = table.meta.get("county")
    if cv is not None and cv.value:
        named = ctx.county(cv.value, cv.origin)
        if named is not None and named.id != county.id:
            diags.append(
                at(
                    cv.origin,
                    ERROR,
                    "self-score-county",
                    f"表中写的县区是{named.name}，但文件名是“{p.name}”（{county.name}）。请核对。",
                )
            )
    return table.records


def _check(ctx: RoundContext, county, records: list[Record], shown: str, out: dict) -> None:
    seen: dict[str, Origin] = {}
    for rec in records:
        ival = rec.get("item")
        if ival is None:
            continue
        node = ctx.leaf(ival, rec.origin_of("item"))
        if node is None:
            continue
        if node.id in seen:
            ctx.diags.append(
                at(
                    rec.origin_of("item"),
                    ERROR,
                    "self-score-duplicate",
                    f"考核项 {node.id} 的自评得分重复（第 {seen[node.id].line} 行已填写）。",
                )
            )
            continue
        parsed = parse_score(rec.get("score"))
        sorigin = rec.origin_of("score")
        if parsed.empty:
            continue
        seen[node.id] = rec.origin_of("item")
        value = parsed.value
        if parsed.error or value is None:  # (value is None only for an empty cell or an error)
            ctx.diags.append(
                at(sorigin, ERROR, "score-number", f"{county.name} 考核项 {node.id} 的自评得分{parsed.error}")
            )
            continue
        if parsed.note:
            ctx.diags.append(at(sorigin, INFO, "score-normalised", f"{county.name} 考核项 {node.id}：{parsed.note}"))
        if not ctx.check_range(value, node, sorigin, county, "自评得分"):
            continue
        remark = rec.get("remark")
        out[(county.id, node.id)] = ScoreEntry(
            county.id, node.id, value, "" if remark is None else str(remark), county.name, sorigin
        )
    missing = [n.id for n in ctx.leaves.values() if n.id not in seen]
    if missing:
        ctx.diags.append(
            Diagnostic(
                shown,
                1,
                1,
                ERROR,
                "self-score-missing",
                f"{county.name}的自评打分表缺少 {len(missing)} 个考核项的自评得分：{'、'.join(missing)}。",
                "自评打分表应逐条自评，每个考核项都要填写自评得分和评分依据。",
            )
        )
