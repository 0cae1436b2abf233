"""Review and appeal (复核): county reply forms and the office's decisions.

The loop, while a round is ``approved``:

1. the feedback letters number every score below full marks and every deduction with a
   review id (``builder.rounds.documents.review_points``: ``wuyang-1.3``, ``xicheng-D1``);
2. ``kaohe appeals ROUND --forms`` writes one reply form per county (:func:`build_forms`);
3. the counties return them into ``content/<round>/appeals/<county>.xlsx``
   (:func:`read_forms`: accept or dispute each id, a reason, an evidence reference, and
   optionally the score they ask for);
4. the office records its decision per appeal in ``content/<round>/appeals/decisions.yaml``
   (:func:`load_decisions`, read by ``load_round`` so that every output uses it)::

       decisions:
         - id: wuyang-1.3
           decision: upheld        # upheld / 采纳: the score becomes ``score``
           score: 4.5
           reason: 补充提交的抽查报告证明合格率达标。
         - id: xicheng-D1
           decision: rejected      # rejected / 驳回: nothing changes
           reason: 三起事件均经市市场监管局认定，扣分依据充分。

5. ``kaohe appeals ROUND`` re-scores and prints the before/after of every affected county.

Review ids are checked against the round *without* its decisions (the figures the letters
showed). Reply forms and decisions are internal: they never reach the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..diagnostics import Diagnostic
from ..fields import Fields, did_you_mean
from ..formats import format_decimal as fmt  # short: it stands in many long messages
from ..rounds.diag import ERROR, WARNING, at
from ..rounds.documents import ReviewPoint, review_id, review_points, split_review_id
from ..rounds.model import Decision, Origin
from ..rounds.numbers import parse_score
from ..rounds.sheets import Columns, read_table
from ..yamlio import load_yaml, pos_of

DECISIONS_FILE = "decisions.yaml"
UPHELD = {"upheld": True, "采纳": True, "rejected": False, "驳回": False}
ACCEPT, DISPUTE = "接受", "有异议"
FORM_SHEET = "复核申请表"
FORM_COLUMNS = Columns(
    names={
        "id": "复核编号",
        "kind": "类别",
        "title": "考核项或扣分项",
        "max": "满分或最多扣分",
        "score": "得分或扣分",
        "remark": "评价说明或依据",
        "opinion": "意见",
        "claim": "申请得分",
        "reason": "理由",
        "evidence": "证明材料",
    },
    required=("id", "kind", "title", "max", "score", "remark", "opinion", "claim", "reason", "evidence"),
)
HEADER = list(FORM_COLUMNS.names.values())
HEADER_ROW = 5
KIND_ZH = {"item": "考核项得分", "deduction": "扣分"}


# --------------------------------------------------------------------------- decisions


def baseline_points(rnd_scores: dict, deduction_events, rubric, county_ids) -> dict[str, dict]:
    """Review id → {county, ref, kind, title, max, score} of the round without decisions, from
    the loaded scores and events alone (no results needed, so ``load_round`` can check)."""
    out: dict[str, dict] = {}
    leaves = {n.id: n for n in rubric.leaves()}
    for (cid, iid), entry in rnd_scores.items():
        leaf = leaves.get(iid)
        if leaf is not None and entry.score < leaf.points:
            out[review_id(cid, iid)] = {
                "county": cid,
                "ref": iid,
                "kind": "item",
                "title": leaf.title,
                "max": leaf.points,
                "score": entry.score,
            }
    raw: dict[tuple[str, str], Decimal] = {}
    for e in deduction_events:
        rule = rubric.deduction(e.item)
        if rule is None:
            continue
        raw[(e.county, e.item)] = (
            raw.get((e.county, e.item), Decimal(0)) + (e.amount if e.amount is not None else rule.amount) * e.count
        )
    for (cid, did), amount in raw.items():
        rule = rubric.deduction(did)
        most = amount if rule.cap is None else min(amount, rule.cap)
        out[review_id(cid, did)] = {
            "county": cid,
            "ref": did,
            "kind": "deduction",
            "title": rule.title,
            "max": most,
            "score": most,
        }
    return out


def load_decisions(ctx, path: Path, shown: str, scores: dict, deduction_events) -> tuple[Decision, ...]:
    """Read ``appeals/decisions.yaml``; every problem is a located diagnostic in ``ctx.diags``."""
    if not path.exists() and not path.is_symlink():
        return ()
    doc = load_yaml(path, shown, root=getattr(ctx, "root", None))  # the path rule (builder/paths.py)
    ctx.diags.extend(doc.diagnostics)
    if doc.data is None:
        return ()
    f = Fields(shown, ctx.diags, doc.data, "复核决定")
    if not f.ok:
        return ()
    f.get("round", "str")
    rid = f.m.get("round")
    if rid is not None and rid != ctx.meta.id:
        ctx.diags.append(
            Diagnostic(
                shown,
                *f.pos("round"),
                ERROR,
                "appeal-round",
                f"这份复核决定属于考核轮次“{rid}”，不是“{ctx.meta.id}”。请放到正确的轮次文件夹。",
            )
        )
    raw = f.get("decisions", "list", required=True, default=[])
    f.finish()
    known = baseline_points(scores, deduction_events, ctx.rubric, ctx.county_ids)
    out: list[Decision] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        df = Fields(shown, ctx.diags, item, f"第 {i + 1} 条复核决定", raw, i)
        if not df.ok:
            continue
        line, col = pos_of(raw, i)
        did = df.get("id", "str", required=True)
        dec = df.get("decision", "str", required=True)
        score = df.get("score", "decimal")
        reason = df.get("reason", "str", required=True, default="")
        df.get("by", "str")
        df.get("note", "str")
        df.finish()
        if did is None or dec is None:
            continue
        did = did.strip()
        where = Origin(shown, *df.pos("id"))
        if did in seen:
            ctx.diags.append(
                at(
                    where,
                    ERROR,
                    "appeal-duplicate",
                    f"复核编号“{did}”已在第 {seen[did]} 行作出决定，每个编号只能有一条决定。请删除其中一条。",
                )
            )
            continue
        seen[did] = where.line
        point = known.get(did)
        if point is None:
            ctx.diags.append(at(where, ERROR, "appeal-unknown-id", _unknown_id_message(did, known, ctx)))
            continue
        if dec not in UPHELD:
            ctx.diags.append(
                at(
                    Origin(shown, *df.pos("decision")),
                    ERROR,
                    "appeal-decision",
                    f"decision 只能是 upheld（采纳，改分）或 rejected（驳回），现在是“{dec}”。",
                )
            )
            continue
        upheld = UPHELD[dec]
        if not reason.strip():
            ctx.diags.append(
                at(
                    where,
                    ERROR,
                    "appeal-reason",
                    f"复核编号“{did}”的决定没有写理由（reason）。请写明采纳或驳回的理由。",
                )
            )
            continue
        if upheld:
            if score is None:
                ctx.diags.append(
                    at(
                        where,
                        ERROR,
                        "appeal-score-missing",
                        f"复核编号“{did}”采纳了申请，但没有写复核后的分数（score）。"
                        f"{'得分' if point['kind'] == 'item' else '扣分'}应在 0 到 {fmt(point['max'])} 分之间。",
                    )
                )
                continue
            sp = Origin(shown, *df.pos("score"))
            if score < 0 or score > point["max"]:
                what = "得分" if point["kind"] == "item" else "扣分"
                ctx.diags.append(
                    at(
                        sp,
                        ERROR,
                        "appeal-score-range",
                        f"复核编号“{did}”（{point['title']}）复核后的{what} {fmt(score)} 分"
                        f"不在 0 到 {fmt(point['max'])} 分之间"
                        f"（{'该项满分' if point['kind'] == 'item' else '原扣分'} {fmt(point['max'])} 分）。",
                    )
                )
                continue
            if score == point["score"]:
                ctx.diags.append(
                    at(
                        sp,
                        WARNING,
                        "appeal-score-same",
                        f"复核编号“{did}”采纳了申请，但复核后的分数 {fmt(score)} 与原来相同；结果不变。",
                    )
                )
        elif score is not None:
            ctx.diags.append(
                at(
                    Origin(shown, *df.pos("score")),
                    ERROR,
                    "appeal-score-rejected",
                    f"复核编号“{did}”驳回了申请，不能写 score（分数不变）。请删除 score，或把 decision 改为 upheld。",
                )
            )
            continue
        out.append(
            Decision(
                did,
                point["county"],
                point["ref"],
                point["kind"],
                upheld,
                score if upheld else None,
                reason.strip(),
                Origin(shown, line, col),
            )
        )
    return tuple(out)


def _unknown_id_message(did: str, known: dict, ctx) -> str:
    got = split_review_id(did, ctx.county_ids)
    hint = did_you_mean(did, known)
    if got is None:
        return (
            f"复核编号“{did}”不对：应写成“县区编号-考核项编号”，如“{next(iter(known), 'wuyang-1.3')}”。{hint}"
        ).rstrip()
    cid, ref = got
    if ref in {n.id for n in ctx.rubric.leaves()}:
        return (
            f"{ctx.county_ids[cid].name}的考核项 {ref} 是满分，反馈中没有复核编号“{did}”，不能申请复核。{hint}".rstrip()
        )
    if ctx.rubric.deduction(ref) is not None:
        return f"{ctx.county_ids[cid].name}没有扣分项 {ref} 的扣分，反馈中没有复核编号“{did}”。{hint}".rstrip()
    return f"反馈中没有复核编号“{did}”：考核细则中没有考核项或扣分项“{ref}”。{hint}".rstrip()


# --------------------------------------------------------------------------- reply forms


def build_forms(results, organiser: str) -> list[tuple[str, str, bytes]]:
    """``[(county id, file name, XLSX bytes)]``: one reply form per county, listing its review points.

    ``results`` must be computed without decisions (the figures of the letters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from .xlsx import a4_landscape, fit_height, header, put, save

    rnd = results.round
    out = []
    for c in sorted(results.counties, key=lambda c: [x.id for x in rnd.counties].index(c.county.id)):
        points = review_points(c)
        wb = Workbook()
        ws = wb.active
        ws.title = FORM_SHEET
        put(ws, 1, 1, f"{rnd.title} 考核结果复核申请表" + ("（示例数据）" if rnd.sample else ""), bold=True)
        put(ws, 2, 1, f"县区：{c.county.name}")
        put(ws, 3, 1, f"考核轮次：{rnd.id}")
        put(
            ws,
            4,
            1,
            f"说明：对每个复核编号在“意见”列选择“{ACCEPT}”或“{DISPUTE}”；有异议的请写明理由和证明材料"
            f"（文件名或编号），可填写申请得分。请不要修改表头和前六列，不要增删行。填好后交{organiser}。",
            wrap=True,
        )
        ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=len(HEADER))
        ws.row_dimensions[4].height = 36
        widths = [13, 9, 30, 8, 8, 34, 9, 8, 30, 20]
        header(ws, HEADER_ROW, HEADER, widths)
        dv = DataValidation(
            type="list",
            formula1=f'"{ACCEPT},{DISPUTE}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="意见",
            error=f"请选择“{ACCEPT}”或“{DISPUTE}”。",
        )
        ws.add_data_validation(dv)
        for r, p in enumerate(points, start=HEADER_ROW + 1):
            values = [p.id, KIND_ZH[p.kind], p.title, p.max, p.score, p.remark]
            for col, v in enumerate(values, start=1):
                put(ws, r, col, v, wrap=col in (3, 6), top=True)
            fit_height(ws, r, [0, 0, widths[2], 0, 0, widths[5]])
            for col in range(7, 11):
                ws.cell(r, col).protection = Protection(locked=False)
            dv.add(ws.cell(r, 7))
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        a4_landscape(ws, f"{HEADER_ROW}:{HEADER_ROW}")
        data = save(wb, rnd.year, organiser, f"{rnd.title} 复核申请表 {c.county.name}")
        out.append((c.county.id, f"{c.county.id}.xlsx", data))
    return out


@dataclass(frozen=True)
class Reply:
    """One row of a returned reply form."""

    id: str
    county: str
    disputed: bool
    claim: Decimal | None
    reason: str
    evidence: str
    origin: Origin


def read_forms(folder: Path, display, results, diags: list, root: Path | None = None) -> list[Reply]:
    """Every ``appeals/<county>.xlsx`` (or .csv) under ``folder``; problems go to ``diags``.

    ``results`` are the round's results without decisions (the ids the letters showed);
    ``root``: the project folder, outside which no form is read (:mod:`builder.paths`)."""
    rnd = results.round
    if not folder.is_dir():
        return []
    names = {c.id: c for c in rnd.counties}
    by_name = {c.name: c for c in rnd.counties}
    points = {p.id: p for c in results.counties for p in review_points(c)}
    out: list[Reply] = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "~$")) or p.name == DECISIONS_FILE:
            continue
        shown = display(p)
        if p.suffix.lower() not in (".xlsx", ".csv") or p.is_dir():
            diags.append(
                Diagnostic(
                    shown,
                    0,
                    0,
                    WARNING,
                    "appeal-file-unknown",
                    f"appeals/ 中的“{p.name}”不是复核申请表（<县区编号>.xlsx）或 {DECISIONS_FILE}，已忽略。",
                )
            )
            continue
        county = names.get(p.stem)
        if county is None:
            diags.append(
                Diagnostic(
                    shown,
                    0,
                    0,
                    ERROR,
                    "appeal-county",
                    f"文件名“{p.name}”不是本轮次县区的编号。{did_you_mean(p.stem, names)}".rstrip(),
                    "复核申请表的文件名是县区编号，如 wuyang.xlsx（kaohe appeals --forms 生成的文件名）。",
                )
            )
            continue
        table = read_table(p, shown, FORM_COLUMNS, diags, root=root)
        if table is None or not table.ok:
            continue
        cv = table.meta.get("county")
        if cv is None:
            diags.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    ERROR,
                    "appeal-county",
                    f"复核申请表没有写县区。请用 kaohe appeals {rnd.id} --forms 重新生成，不要删除“县区：”一行。",
                )
            )
            continue
        written = str(cv.value).strip()
        if written not in (county.name, county.id):
            other = by_name.get(written) or names.get(written)
            msg = (
                f"这是{other.name}的复核申请表，文件名却是 {p.name}（{county.name}）。请改名为 {other.id}{p.suffix}。"
                if other
                else f"表中的县区“{written}”不是本轮次的县区，文件名是 {p.name}（{county.name}）。"
            )
            diags.append(at(cv.origin, ERROR, "appeal-county", msg))
            continue
        rv = table.meta.get("round")
        if rv is not None and str(rv.value).strip() != rnd.id:
            diags.append(
                at(rv.origin, ERROR, "appeal-round", f"这张复核申请表属于考核轮次“{rv.value}”，不是“{rnd.id}”。")
            )
            continue
        for rec in table.records:
            raw_id = rec.get("id")
            if raw_id is None:
                continue
            rid = str(raw_id).strip()
            point = points.get(rid)
            if point is None or point.county != county.id:
                mine = [x for x in points if points[x].county == county.id]
                if point is not None:
                    msg = f"复核编号“{rid}”是{names[point.county].name}的，不在{county.name}的复核申请表中。"
                else:
                    msg = f"{county.name}的反馈中没有复核编号“{rid}”。{did_you_mean(rid, mine)}".rstrip()
                diags.append(
                    at(
                        rec.origin_of("id"),
                        ERROR,
                        "appeal-unknown-id",
                        msg,
                        "请不要修改“复核编号”列；需要重新填写时用 kaohe appeals --forms 重新生成。",
                    )
                )
                continue
            opinion = str(rec.get("opinion") or "").strip()
            if opinion in ("", ACCEPT):
                continue
            if opinion != DISPUTE:
                diags.append(
                    at(
                        rec.origin_of("opinion"),
                        ERROR,
                        "appeal-opinion",
                        f"复核编号“{rid}”的意见只能填“{ACCEPT}”或“{DISPUTE}”，现在是“{opinion}”。",
                    )
                )
                continue
            reason = str(rec.get("reason") or "").strip()
            if not reason:
                diags.append(
                    at(
                        rec.origin_of("opinion"),
                        ERROR,
                        "appeal-reason",
                        f"复核编号“{rid}”有异议，但没有写理由。请在“理由”列写明。",
                    )
                )
                continue
            claim = None
            if rec.get("claim") is not None:
                parsed = parse_score(rec.get("claim"))
                where = rec.origin_of("claim")
                if parsed.error:
                    diags.append(at(where, ERROR, "appeal-claim", f"复核编号“{rid}”的申请得分{parsed.error}"))
                    continue
                claim = parsed.value
                if claim is not None and (claim < 0 or claim > point.max):
                    what = "得分" if point.kind == "item" else "扣分"
                    diags.append(
                        at(
                            where,
                            ERROR,
                            "appeal-claim-range",
                            f"复核编号“{rid}”（{point.title}）申请的{what} {fmt(claim)} 分超过了"
                            f"{'该项满分' if point.kind == 'item' else '原扣分'} {fmt(point.max)} 分（或是负数）。",
                        )
                    )
                    continue
            out.append(
                Reply(rid, county.id, True, claim, reason, str(rec.get("evidence") or "").strip(), rec.origin_of("id"))
            )
    return out


def review_point_map(results) -> dict[str, ReviewPoint]:
    """Return every county's review points (what an appeal may name), by point id."""
    return {p.id: p for c in results.counties for p in review_points(c)}
