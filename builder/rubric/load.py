"""Load a rubric YAML file into :class:`~builder.rubric.model.Rubric`, reporting every problem.

The format is documented in ``rubrics/README.md``. Structural rules checked here:
unique ids, positive points, every declared subtotal equal to the sum of its children
(at every level, and the areas to ``base_points``), grade bands strictly descending,
caps positive and not below one award/event, references to rating scales resolvable.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..diagnostics import ERROR, Diagnostic
from ..fields import Fields, did_you_mean
from ..formats import format_decimal as fmt  # short: it stands in many long messages
from ..yamlio import LMap, load_yaml, pos_of
from .model import (
    Band,
    Bonus,
    BonusGroup,
    BonusItem,
    Deduction,
    Node,
    RatingLevel,
    RatingScale,
    Rubric,
    Source,
    Veto,
)

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Ctx:
    def __init__(self, path: str):
        self.path = path
        self.diags: list[Diagnostic] = []
        self.ids: dict[str, int] = {}

    def error(self, line, col, rule, msg, hint=None):
        self.diags.append(Diagnostic(self.path, line, col, ERROR, rule, msg, hint))

    def claim_id(self, fields: Fields, value: str | None, what: str) -> str:
        if value is None:
            return ""
        line, col = fields.pos("id")
        if not ID_RE.match(value):
            self.error(line, col, "rubric-id-format", f"{what}的编号“{value}”只能用英文字母、数字、点、横线和下划线。")
        if value in self.ids:
            self.error(
                line,
                col,
                "rubric-duplicate-id",
                f"编号“{value}”重复（第 {self.ids[value]} 行已使用）。每个编号在本文件中必须唯一。",
            )
        else:
            self.ids[value] = line
        return value


def load_rubric(
    path: Path, display: str | None = None, root: Path | None = None
) -> tuple[Rubric | None, list[Diagnostic]]:
    """Load and validate one rubric file. Returns (rubric or None, diagnostics).

    ``root``: the project folder; a rubric file that really lies outside it (a symlink) is
    refused (:mod:`builder.paths`)."""
    display = display or str(path)
    doc = load_yaml(path, display, root=root)
    ctx = _Ctx(display)
    ctx.diags.extend(doc.diagnostics)
    if doc.data is None:
        if not doc.diagnostics:
            ctx.error(1, 1, "rubric-empty", "考核细则文件是空的。")
        return None, ctx.diags
    f = Fields(display, ctx.diags, doc.data, "考核细则")
    if not f.ok:
        return None, ctx.diags

    rid = f.get("id", "str", required=True, default="")
    if rid and path.suffix in (".yaml", ".yml") and path.stem != rid:
        line, col = f.pos("id")
        ctx.error(
            line, col, "rubric-id-filename", f"编号“{rid}”与文件名“{path.name}”不一致。请把文件命名为“{rid}.yaml”。"
        )
    title = f.get("title", "str", required=True, default="")
    issuer = f.get("issuer", "str", default="")
    year = f.get("year", "int")
    note = f.get("note", "str", default="")
    base_points = f.get("base_points", "decimal", required=True, default=Decimal(0))
    source = _source(ctx, f)
    scales = _scales(ctx, f)
    grade_rule = f.get("grade_rule", "str", default="")
    rdate = f.get("date", "date")
    sample = f.get("sample", "bool", default=False)
    explanation = f.get("explanation", "str", default="")
    grades_explanation = f.get("grades_explanation", "str", default="")
    grades = _grades(ctx, f)
    areas_raw = f.get("areas", "list", required=True, default=[])
    areas = tuple(
        n for n in (_node(ctx, item, areas_raw, i, scales, "考核领域") for i, item in enumerate(areas_raw)) if n
    )
    bonus = _bonus(ctx, f)
    deductions = _deductions(ctx, f)
    vetoes = _vetoes(ctx, f, grades)
    f.finish()

    if areas and base_points:
        total = sum((a.points for a in areas), Decimal(0))
        if total != base_points:
            line, col = f.pos("base_points")
            ctx.error(
                line,
                col,
                "rubric-sum",
                f"基本分 base_points 写的是 {fmt(base_points)} 分，但各考核领域合计 {fmt(total)} 分。"
                "请核对各领域分值或基本分。",
            )
    if base_points is not None and base_points <= 0 and "base_points" in f.m:
        line, col = f.pos("base_points")
        ctx.error(line, col, "rubric-points-positive", "基本分必须大于 0。")
    if bonus.cap is not None:
        for g in bonus.groups:
            if g.cap is not None and g.cap > bonus.cap:
                ctx.error(
                    g.line,
                    1,
                    "rubric-cap",
                    f"加分组“{g.title}”的上限 {fmt(g.cap)} 分超过了加分总上限 {fmt(bonus.cap)} 分。",
                )

    if any(d.is_error for d in ctx.diags):
        return None, ctx.diags
    rubric = Rubric(
        id=rid,
        title=title,
        path=display,
        base_points=base_points,
        areas=areas,
        bonus=bonus,
        deductions=deductions,
        vetoes=vetoes,
        grades=grades,
        grade_rule=grade_rule,
        rating_scales=scales,
        source=source,
        issuer=issuer,
        year=year,
        note=note,
        date=rdate,
        sample=sample,
        explanation=explanation,
        grades_explanation=grades_explanation,
    )
    return rubric, ctx.diags


def _source(ctx: _Ctx, f: Fields) -> Source | None:
    raw = f.get("source", "map")
    if raw is None:
        return None
    s = Fields(ctx.path, ctx.diags, raw, "来源 source")
    src = Source(
        file=s.get("file", "str", required=True, default=""),
        title=s.get("title", "str", default=""),
        section=s.get("section", "str", default=""),
    )
    s.finish()
    return src


def _scales(ctx: _Ctx, f: Fields) -> dict[str, RatingScale]:
    raw = f.get("rating_scales", "map", default=LMap())
    out: dict[str, RatingScale] = {}
    for sid, body in raw.items():
        s = Fields(ctx.path, ctx.diags, body, f"评价等级 {sid} ", raw, sid)
        levels_raw = s.get("levels", "list", required=True, default=[])
        levels = []
        for i, lv in enumerate(levels_raw):
            lf = Fields(ctx.path, ctx.diags, lv, f"评价等级 {sid} 第 {i + 1} 级", levels_raw, i)
            label = lf.get("label", "str", required=True, default="")
            value = lf.get("value", "decimal", required=True, default=Decimal(0))
            lf.finish()
            levels.append(RatingLevel(label, value))
        mx = s.get("max", "decimal", required=True, default=Decimal(0))
        if mx is not None and mx <= 0:
            ctx.error(*s.pos("max"), "rubric-scale", f"评价等级 {sid} 的 max 必须大于 0。")
            mx = Decimal(1)
        for lv in levels:
            if lv.value < 0 or (mx and lv.value > mx):
                ctx.error(
                    *s.pos("levels"),
                    "rubric-scale",
                    f"评价等级 {sid} 中“{lv.label}”的分值 {fmt(lv.value)} 不在 0 到 {fmt(mx)} 之间。",
                )
        out[str(sid)] = RatingScale(
            str(sid),
            s.get("title", "str", default=""),
            tuple(levels),
            mx or Decimal(1),
            s.get("note", "str", default=""),
        )
        s.finish()
    return out


def _grades(ctx: _Ctx, f: Fields) -> tuple[Band, ...]:
    raw = f.get("grades", "list", default=None)
    if raw is None:
        return ()
    bands: list[Band] = []
    prev: Decimal | None = None
    seen: set[str] = set()
    for i, item in enumerate(raw):
        b = Fields(ctx.path, ctx.diags, item, f"等次第 {i + 1} 档", raw, i)
        grade = b.get("grade", "str", required=True, default="")
        mn = b.get("min", "decimal", required=True, default=Decimal(0))
        label = b.get("label", "str", default="")
        b.finish()
        line, col = pos_of(raw, i)
        if grade in seen:
            ctx.error(line, col, "rubric-bands", f"等次“{grade}”重复。")
        seen.add(grade)
        if mn is not None and mn < 0:
            ctx.error(line, col, "rubric-bands", f"等次“{grade}”的下限不能为负数。")
        if prev is not None and mn is not None and mn >= prev:
            ctx.error(
                line,
                col,
                "rubric-bands",
                f"等次应按下限从高到低排列：“{grade}”的下限 {fmt(mn)} 不低于上一档的 {fmt(prev)}。",
            )
        prev = mn
        bands.append(Band(grade, mn, label))
    if bands and bands[-1].min != 0:
        ctx.error(
            *pos_of(raw, len(raw) - 1),
            "rubric-bands",
            f"最低一档的下限应为 0（现在是 {fmt(bands[-1].min)}），否则低分没有等次。",
        )
    return tuple(bands)


def _node(ctx: _Ctx, raw, container, index, scales, what) -> Node | None:
    line, col = pos_of(container, index)
    f = Fields(ctx.path, ctx.diags, raw, what, container, index)
    if not f.ok:
        return None
    nid = ctx.claim_id(f, f.get("id", "str", required=True), what)
    title = f.get("title", "str", required=True, default="")
    label = f"{what}“{nid or title}”"
    f.where = label
    declared = f.get("points", "decimal")
    children_raw = f.get("children", "list")
    section = f.get("section", "str", default="")
    note = f.get("note", "str", default="")
    explanation = f.get("explanation", "str", default="")
    if children_raw is not None:
        if not children_raw:
            ctx.error(
                *f.pos("children"),
                "rubric-empty-children",
                f"{label}的 children 是空的。没有下级时请删除 children 并写分值。",
            )
        children = tuple(
            n for n in (_node(ctx, c, children_raw, i, scales, "考核项") for i, c in enumerate(children_raw)) if n
        )
        # guidance may stand at a group: shared by every item below it, shown once
        guidance = f.get("guidance", "str", default="")
        for k in ("criterion", "departments", "offices", "methods", "evidence", "rating"):
            if k in f.m:
                f.seen.add(k)
                ctx.error(*f.pos(k), "rubric-leaf-key", f"“{k}”只能写在最末一级的考核项上，{label}有下级。")
        total = sum((c.points for c in children), Decimal(0))
        if declared is not None and children and len(children) == len(children_raw) and declared != total:
            pl, pc = f.pos("points")
            ctx.error(
                pl,
                pc,
                "rubric-sum",
                f"{label}的分值写的是 {fmt(declared)} 分，但下级合计 {fmt(total)} 分。请核对下级各项分值或这里的小计。",
            )
        points = declared if declared is not None else total
        f.finish()
        if declared is not None and declared <= 0:
            ctx.error(*f.pos("points"), "rubric-points-positive", f"{label}的分值必须大于 0。")
        return Node(
            nid,
            title,
            points,
            declared,
            children,
            guidance=guidance,
            section=section,
            note=note,
            line=line,
            explanation=explanation,
        )

    if declared is None and "points" not in f.m:
        ctx.error(line, col, "schema-missing", f"{label}缺少分值“points”（最末一级考核项必须有分值）。")
    if declared is not None and declared <= 0:
        ctx.error(*f.pos("points"), "rubric-points-positive", f"{label}的分值必须大于 0，现在是 {fmt(declared)}。")
    rating = f.get("rating", "str")
    if rating is not None and rating not in scales:
        ctx.error(
            *f.pos("rating"),
            "rubric-unknown-scale",
            f"{label}引用的评价等级“{rating}”没有在 rating_scales 中定义。{did_you_mean(rating, scales)}".rstrip(),
        )
    node = Node(
        nid,
        title,
        declared or Decimal(0),
        declared,
        criterion=f.get("criterion", "str", default=""),
        departments=tuple(f.get("departments", "strlist", default=[])),
        offices=tuple(f.get("offices", "strlist", default=[])),
        methods=tuple(f.get("methods", "strlist", default=[])),
        evidence=f.get("evidence", "bool", default=True),
        guidance=f.get("guidance", "str", default=""),
        rating=rating,
        section=section,
        note=note,
        line=line,
        explanation=explanation,
    )
    f.finish()
    return node


def _bonus(ctx: _Ctx, f: Fields) -> Bonus:
    raw = f.get("bonus", "map")
    if raw is None:
        return Bonus(None, (), ())
    b = Fields(ctx.path, ctx.diags, raw, "加分项 bonus")
    cap = _cap(ctx, b, "加分总上限")
    note = b.get("note", "str", default="")
    bexpl = b.get("explanation", "str", default="")
    items: list[BonusItem] = []
    groups: list[BonusGroup] = []
    for i, it in enumerate(b.get("items", "list", default=[])):
        item = _bonus_item(ctx, it, b.m["items"], i, None)
        if item:
            items.append(item)
    groups_raw = b.get("groups", "list", default=[])
    for gi, graw in enumerate(groups_raw):
        g = Fields(ctx.path, ctx.diags, graw, f"加分组第 {gi + 1} 组", groups_raw, gi)
        if not g.ok:
            continue
        gid = ctx.claim_id(g, g.get("id", "str", required=True), "加分组")
        gtitle = g.get("title", "str", required=True, default="")
        gcap = _cap(ctx, g, f"加分组“{gtitle}”上限")
        gitems = []
        gl = g.get("items", "list", required=True, default=[])
        for i, it in enumerate(gl):
            item = _bonus_item(ctx, it, gl, i, gid)
            if item:
                gitems.append(item)
        g.finish()
        for it in gitems:
            if gcap is not None and it.amount > gcap:
                ctx.error(
                    it.line,
                    1,
                    "rubric-cap",
                    f"加分项“{it.title}”每项 {fmt(it.amount)} 分，超过了所在加分组的上限 {fmt(gcap)} 分。",
                )
        groups.append(BonusGroup(gid, gtitle, gcap, tuple(gitems), pos_of(groups_raw, gi)[0]))
        items.extend(gitems)
    b.finish()
    for it in items:
        if cap is not None and it.amount > cap:
            ctx.error(
                it.line,
                1,
                "rubric-cap",
                f"加分项“{it.title}”每项 {fmt(it.amount)} 分，超过了加分总上限 {fmt(cap)} 分。",
            )
    return Bonus(cap, tuple(groups), tuple(items), note, bexpl)


def _cap(ctx: _Ctx, f: Fields, what: str) -> Decimal | None:
    cap = f.get("cap", "decimal")
    if cap is not None and cap <= 0:
        ctx.error(*f.pos("cap"), "rubric-cap", f"{what}必须大于 0，现在是 {fmt(cap)}。")
    return cap


def _bonus_item(ctx: _Ctx, raw, container, index, group) -> BonusItem | None:
    f = Fields(ctx.path, ctx.diags, raw, "加分项", container, index)
    if not f.ok:
        return None
    iid = ctx.claim_id(f, f.get("id", "str", required=True), "加分项")
    title = f.get("title", "str", required=True, default="")
    amount = f.get("amount", "decimal", required=True, default=Decimal(0))
    if amount is not None and amount <= 0 and "amount" in f.m:
        ctx.error(*f.pos("amount"), "rubric-points-positive", f"加分项“{title}”每项加分必须大于 0。")
    item = BonusItem(
        iid,
        title,
        amount,
        group,
        tuple(f.get("departments", "strlist", default=[])),
        f.get("section", "str", default=""),
        pos_of(container, index)[0],
        per_award=f.get("per_award", "bool", default=False),
    )
    f.finish()
    return item


def _deductions(ctx: _Ctx, f: Fields) -> tuple[Deduction, ...]:
    out = []
    raw = f.get("deductions", "list", default=[])
    for i, d in enumerate(raw):
        df = Fields(ctx.path, ctx.diags, d, f"扣分项第 {i + 1} 项", raw, i)
        if not df.ok:
            continue
        did = ctx.claim_id(df, df.get("id", "str", required=True), "扣分项")
        title = df.get("title", "str", required=True, default="")
        amount = df.get("amount", "decimal", required=True, default=Decimal(0))
        cap = df.get("cap", "decimal")
        uncapped = df.get("uncapped", "bool", default=False)
        line, col = pos_of(raw, i)
        if (cap is None) == (not uncapped):
            ctx.error(
                line,
                col,
                "rubric-cap",
                f"扣分项“{title}”必须写明上限：写“cap: 分值”，或者确实不设上限时写“uncapped: true”（二者只能写一个）。",
            )
        if amount is not None and amount <= 0 and "amount" in df.m:
            ctx.error(*df.pos("amount"), "rubric-points-positive", f"扣分项“{title}”每次扣分必须大于 0。")
        if cap is not None and amount and cap < amount:
            ctx.error(
                *df.pos("cap"), "rubric-cap", f"扣分项“{title}”的上限 {fmt(cap)} 分小于每次扣分 {fmt(amount)} 分。"
            )
        out.append(
            Deduction(
                did,
                title,
                amount,
                None if uncapped else cap,
                tuple(df.get("departments", "strlist", default=[])),
                df.get("description", "str", default=""),
                df.get("section", "str", default=""),
                line,
                df.get("note", "str", default=""),
                discretionary=df.get("discretionary", "bool", default=False),
                explanation=df.get("explanation", "str", default=""),
            )
        )
        df.finish()
    return tuple(out)


def _vetoes(ctx: _Ctx, f: Fields, grades: tuple[Band, ...]) -> tuple[Veto, ...]:
    out = []
    raw = f.get("veto", "list", default=[])
    for i, v in enumerate(raw):
        vf = Fields(ctx.path, ctx.diags, v, f"否决项第 {i + 1} 项", raw, i)
        if not vf.ok:
            continue
        vid = ctx.claim_id(vf, vf.get("id", "str", required=True), "否决项")
        title = vf.get("title", "str", required=True, default="")
        grade = vf.get("grade", "str", required=True, default="D")
        if grades and grade not in {b.grade for b in grades}:
            ctx.error(*vf.pos("grade"), "rubric-veto-grade", f"否决项“{title}”的等次“{grade}”不在等次表中。")
        out.append(
            Veto(
                vid,
                title,
                grade,
                vf.get("description", "str", default=""),
                tuple(vf.get("departments", "strlist", default=[])),
                vf.get("section", "str", default=""),
                pos_of(raw, i)[0],
                vf.get("note", "str", default=""),
                vf.get("explanation", "str", default=""),
            )
        )
        vf.finish()
    return tuple(out)
