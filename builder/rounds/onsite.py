"""On-site ratings (实地核查, 惠州 附件2): ``onsite/<county>.yaml``.

::

    county: huicheng
    ratings:
      R1: {level: 较好, remark: 质量发展规划已出台，配套措施较完整。}
      R2: 好

Only items with ``rating:`` in the rubric are rated; the level must be one of the
rating scale's labels (好 / 较好 / 一般 / 差 / 非常差) and is scaled to the item's points
by :meth:`RatingScale.score`. Every rated item of every county needs a rating.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic
from ..fields import Fields, did_you_mean
from ..yamlio import LMap, load_yaml
from .context import RoundContext
from .departments import _key_pos
from .diag import ERROR, WARNING, at
from .model import Origin, RatingEntry


def load_ratings(ctx: RoundContext, folder: Path, display) -> dict[tuple[str, str], RatingEntry]:
    out: dict[tuple[str, str], RatingEntry] = {}
    rated = ctx.rated_leaves()
    present: set[str] = set()
    seen: set[tuple[str, str]] = set()  # rated pairs, valid or not (no "missing" after a bad level)
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            shown = display(p)
            if p.name.startswith(("~$", ".")):
                continue
            if p.is_dir() or p.suffix.lower() not in (".yaml", ".yml"):
                ctx.diags.append(
                    Diagnostic(
                        shown,
                        0,
                        0,
                        WARNING,
                        "round-file-unknown",
                        f"onsite/ 中的“{p.name}”不是实地核查评价表（<县区编号>.yaml），已忽略。",
                    )
                )
                continue
            county = ctx.county(p.stem, Origin(shown, 0, 0))
            if county is None:
                continue
            present.add(county.id)
            _read(ctx, p, shown, county, out, seen)
    if not rated:
        return out
    for c in ctx.counties:
        missing = [n.id for n in rated if (c.id, n.id) not in seen]
        if not missing:
            continue
        if c.id in present:
            path = next(display(p) for p in sorted(folder.iterdir()) if p.stem == c.id)
            ctx.diags.append(
                Diagnostic(
                    path,
                    1,
                    1,
                    ERROR,
                    "onsite-missing",
                    f"{c.name}缺少 {len(missing)} 个实地核查考核项的评价等级：{'、'.join(missing)}。",
                )
            )
        else:
            ctx.diags.append(
                Diagnostic(
                    ctx.meta.yaml_path,
                    ctx.meta.county_lines.get(c.id, 1),
                    1,
                    ERROR,
                    "onsite-missing",
                    f"没有{c.name}的实地核查评价表（onsite/{c.id}.yaml），"
                    f"缺少 {len(missing)} 个考核项的评价等级：{'、'.join(missing)}。",
                    f"考核细则“{ctx.rubric.id}”中这些考核项按评价等级计分，请新建 onsite/{c.id}.yaml。",
                )
            )
    return out


def _read(ctx: RoundContext, p: Path, shown: str, county, out: dict, seen: set) -> None:
    diags = ctx.diags
    doc = load_yaml(p, shown, root=ctx.root)
    diags.extend(doc.diagnostics)
    if doc.data is None:
        return
    f = Fields(shown, diags, doc.data, "实地核查评价表")
    if not f.ok:
        return
    cval = f.get("county", "str")
    if cval is not None and cval != county.id:
        diags.append(
            Diagnostic(
                shown,
                *f.pos("county"),
                ERROR,
                "onsite-county",
                f"county“{cval}”与文件名“{p.name}”不一致：这里应写 {county.id}。",
            )
        )
    ratings = f.get("ratings", "map", required=True, default=LMap())
    f.finish()
    for ival, body in ratings.items():
        iorigin = Origin(shown, *_key_pos(ratings, ival))
        node = ctx.leaf(ival, iorigin)
        if node is None:
            continue
        if isinstance(body, dict):
            bf = Fields(shown, diags, body, f"考核项 {ival} ")
            level = bf.get("level", "str", required=True, default="")
            remark = bf.get("remark", "str", default="")
            lorigin = Origin(shown, *bf.pos("level"))
            bf.finish()
        else:
            level, remark, lorigin = ("" if body is None else str(body)), "", iorigin
        if node.rating is None:
            diags.append(
                at(
                    iorigin,
                    ERROR,
                    "onsite-not-rated",
                    f"考核项 {node.id}（{node.title}）不按评价等级计分，"
                    f"由{'、'.join(node.departments) or '评价部门'}在评价表中打分。",
                )
            )
            continue
        seen.add((county.id, node.id))
        scale = ctx.rubric.rating_scales[node.rating]
        labels = [lv.label for lv in scale.levels]
        level = level.strip()
        score = scale.score(level, node.points)
        if score is None:
            hint = did_you_mean(level, labels)
            diags.append(
                at(
                    lorigin,
                    ERROR,
                    "onsite-level",
                    f"{county.name} 考核项 {node.id} 的评价等级“{level}”不是可选等级。{hint}".rstrip(),
                    f"可选等级：{'、'.join(labels)}。",
                )
            )
            continue
        out[(county.id, node.id)] = RatingEntry(county.id, node.id, level, score, remark, lorigin)
