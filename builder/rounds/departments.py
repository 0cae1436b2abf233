"""Department score sheets (评价表, 漯河 附件6): ``scores/<department>.{yaml,csv,xlsx}``.

Rules checked here (every problem is reported, reading goes on):

* each sheet names its department (YAML ``department:``; CSV/XLSX ``评价部门：…`` above
  the header), which must be one of the rubric's departments;
* a department scores only the items the rubric assigns to it (the leaf's
  ``departments``; a leaf without departments may be scored by any department);
* items rated on site (``rating:`` in the rubric) are not scored on department sheets;
* each (county, item) is scored exactly once across all sheets; every scored item of
  every county must be scored (missing pairs are listed per department, in one message);
* a score is a number between 0 and the item's points (``４.５`` and ``4.5分`` are read
  as 4.5 with a note).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..diagnostics import Diagnostic
from ..fields import Fields, did_you_mean
from ..formats import format_decimal
from ..rubric.model import Node
from ..yamlio import LMap, load_yaml, pos_of
from ..yamlio import key_pos_of as _key_pos  # the name selfscores and onsite import
from .context import RoundContext, dept_key
from .diag import ERROR, INFO, WARNING, at
from .model import Origin, ScoreEntry
from .numbers import Parsed, parse_score
from .sheets import Columns, Record, Value, read_table

COLUMNS = Columns(
    names={
        "county_id": "县区编号",
        "county": "所评县区",
        "item": "考核项编号",
        "title": "所评价项目",
        "points": "分值",
        "criterion": "评分标准",
        "score": "实际得分",
        "remark": "评价说明",
    },
    required=("item", "score"),
    one_of=(("county_id", "county"),),
    fill_down=("county_id", "county"),
)
SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


class Sheet:
    """One department's score sheet: its file, the department, its rows and where the
    department is declared."""

    def __init__(self, path: str, department: str, records: list[Record], origin: Origin):
        self.path = path
        self.department = department  # canonical rubric name when known
        self.records = records
        self.origin = origin  # where the department is declared


def read_yaml_sheet(
    path: Path, display: str, diags: list[Diagnostic], root: Path | None = None
) -> tuple[str, Origin, list[Record], dict] | None:
    """(department, its origin, the score rows, the other header fields) of a YAML score
    sheet, or None with the reasons added to ``diags``. ``root``: the project folder, passed on
    to :func:`~builder.yamlio.load_yaml` (the path rule)."""
    doc = load_yaml(path, display, root=root)
    diags.extend(doc.diagnostics)
    if doc.data is None:
        if not doc.diagnostics:
            diags.append(Diagnostic(display, 1, 1, ERROR, "sheet-empty", "评价表是空的。"))
        return None
    f = Fields(display, diags, doc.data, "评价表")
    if not f.ok:
        return None
    department = f.get("department", "str", required=True, default="")
    dorigin = Origin(display, *f.pos("department"))
    extra = {"round": f.get("round", "str"), "date": f.get("date", "date")}
    scores = f.get("scores", "map", required=True, default=LMap())
    f.finish()
    records: list[Record] = []
    for cval, items in scores.items():
        corigin = Origin(display, *_key_pos(scores, cval))
        if not isinstance(items, dict):
            diags.append(
                at(
                    Origin(display, *pos_of(scores, cval)),
                    ERROR,
                    "schema-type",
                    f"县区“{cval}”下面应当是“考核项编号: 得分”的映射。",
                )
            )
            continue
        for ival, body in items.items():
            iorigin = Origin(display, *_key_pos(items, ival))
            vorigin = Origin(display, *pos_of(items, ival))
            values = {"county": Value(cval, corigin), "item": Value(ival, iorigin)}
            if isinstance(body, dict):
                bf = Fields(display, diags, body, f"{cval} 考核项 {ival} ")
                if "score" in body:
                    values["score"] = Value(body["score"], Origin(display, *bf.pos("score")))
                else:
                    values["score"] = Value(None, vorigin)
                bf.seen.add("score")
                remark = bf.get("remark", "str", default="")
                if remark:
                    values["remark"] = Value(remark, Origin(display, *bf.pos("remark")))
                bf.finish()
            else:
                values["score"] = Value(body, vorigin)
            records.append(Record(iorigin, values))
    return department, dorigin, records, extra


def load_sheets(ctx: RoundContext, folder: Path, display) -> dict[tuple[str, str], ScoreEntry]:
    """Read every sheet under ``scores/`` and return the validated scores."""
    return read_sheets(ctx, folder, display)[0]


def read_sheets(ctx: RoundContext, folder: Path, display) -> tuple[dict[tuple[str, str], ScoreEntry], list[Sheet]]:
    """:func:`load_sheets` plus the sheets that could be read (for ``kaohe status``)."""
    diags = ctx.diags
    sheets: list[Sheet] = []
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            shown = display(p)
            if p.name.startswith(("~$", ".")):
                continue  # Excel lock files, hidden files
            if p.is_dir() or p.suffix.lower() not in SUFFIXES:
                hint = "Excel 97-2003（.xls）格式不支持，请另存为 .xlsx。" if p.suffix.lower() == ".xls" else ""
                diags.append(
                    Diagnostic(
                        shown,
                        0,
                        0,
                        WARNING,
                        "round-file-unknown",
                        f"scores/ 中的“{p.name}”不是评价表（.yaml、.csv 或 .xlsx），已忽略。{hint}",
                    )
                )
                continue
            sheet = _read_sheet(ctx, p, shown)
            if sheet is not None:
                sheets.append(sheet)
    scores: dict[tuple[str, str], ScoreEntry] = {}
    seen: dict[tuple[str, str], Origin] = {}
    for sheet in sheets:
        _check_records(ctx, sheet, scores, seen)
    _report_missing(ctx, sheets, seen, folder, display)
    return scores, sheets


def _read_sheet(ctx: RoundContext, p: Path, shown: str) -> Sheet | None:
    diags = ctx.diags
    if p.suffix.lower() in (".yaml", ".yml"):
        got = read_yaml_sheet(p, shown, diags, root=ctx.root)
        if got is None:
            return None
        department, dorigin, records, extra = got
        round_id = extra.get("round")
        round_origin = dorigin
    else:
        table = read_table(p, shown, COLUMNS, diags, root=ctx.root)
        if table is None or not table.ok:
            return None
        dval = table.meta.get("department")
        if dval is None or not dval.value:
            diags.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    ERROR,
                    "sheet-department",
                    "评价表没有写评价部门。请在表头上方加一行“评价部门：市××局”。",
                )
            )
            return None
        department, dorigin, records = dval.value, dval.origin, table.records
        rv = table.meta.get("round")
        round_id, round_origin = (rv.value, rv.origin) if rv else (None, dorigin)
    if round_id and round_id != ctx.meta.id:
        diags.append(
            at(
                round_origin,
                ERROR,
                "sheet-round",
                f"这张评价表属于考核轮次“{round_id}”，不是“{ctx.meta.id}”。请放到正确的轮次文件夹。",
            )
        )
    if not department:
        return None
    canonical = ctx.dept_names.get(dept_key(department))
    if canonical is None and ctx.dept_names:
        hint = did_you_mean(department, ctx.dept_names.values())
        diags.append(
            at(
                dorigin,
                ERROR,
                "sheet-department",
                f"评价部门“{department}”不是考核细则“{ctx.rubric.id}”中的评价部门。{hint}".rstrip(),
                f"评价部门：{'、'.join(sorted(ctx.dept_names.values()))}。",
            )
        )
    return Sheet(shown, canonical or department, records, dorigin)


def _check_records(ctx: RoundContext, sheet: Sheet, scores: dict, seen: dict) -> None:
    diags = ctx.diags
    dkey = dept_key(sheet.department)
    known_dept = not ctx.dept_names or dkey in ctx.dept_names
    # Every county's rows repeat the same item ids and score texts: each is resolved once
    # per sheet (an unknown item is looked up, and counted, on every row as before).
    leaves: dict[tuple[type, object], Node] = {}
    not_ours: dict[str, bool] = {}
    parsed_of: dict[tuple[type, object], Parsed] = {}
    for rec in sheet.records:
        county = _county_of(ctx, rec)
        ival = rec.get("item")
        if ival is None:
            if rec.get("score") is not None:
                diags.append(at(rec.origin, ERROR, "score-no-item", "这一行有得分但没有考核项编号。请填写考核项编号。"))
            continue
        ikey = _memo_key(ival)
        node = leaves.get(ikey) if ikey is not None else None
        if node is None:
            node = ctx.leaf(ival, rec.origin_of("item"))
            if node is not None and ikey is not None:
                leaves[ikey] = node
        if county is None or node is None:
            continue
        if node.rating is not None:
            ctx.grouped.add(
                ("rating", sheet.path, node.id),
                lambda rec=rec, node=node: at(
                    rec.origin_of("item"),
                    ERROR,
                    "score-rating-item",
                    f"考核项 {node.id}（{node.title}）按实地核查评价等级（{node.rating}）计分，不在评价表中打分。",
                    "请删除这一行，在 onsite/<县区>.yaml 中填写评价等级。",
                ),
            )
            continue
        other = not_ours.get(node.id)
        if other is None:
            other = not_ours[node.id] = bool(node.departments) and dkey not in {dept_key(d) for d in node.departments}
        if known_dept and other:
            owners = "、".join(node.departments)
            ctx.grouped.add(
                ("dept", sheet.path, node.id),
                lambda rec=rec, node=node, owners=owners: at(
                    rec.origin_of("item"),
                    ERROR,
                    "score-department",
                    f"考核项 {node.id}（{node.title}）由{owners}评价，"
                    f"不是{sheet.department}的考核项，{sheet.department}不能给它打分。",
                    f"请删除这一行，或把它交给{owners}的评价表。",
                ),
            )
            continue
        pair = (county.id, node.id)
        sorigin = rec.origin_of("score")
        raw = rec.get("score")
        skey = _memo_key(raw)
        parsed = parsed_of.get(skey) if skey is not None else None
        if parsed is None:
            parsed = parse_score(raw)
            if skey is not None:
                parsed_of[skey] = parsed
        if parsed.empty:
            continue  # an unfilled row: reported with the missing pairs
        if pair in seen:
            first = seen[pair]
            diags.append(
                at(
                    rec.origin_of("item"),
                    ERROR,
                    "score-duplicate",
                    f"{county.name} 考核项 {node.id} 的得分重复：{first.path} 第 {first.line} 行已经打过分。"
                    "每个县区的每个考核项只能打一次分。",
                    "请删除其中一处。",
                )
            )
            continue
        seen[pair] = rec.origin_of("item")
        if parsed.error:
            diags.append(at(sorigin, ERROR, "score-number", f"{county.name} 考核项 {node.id} 的得分{parsed.error}"))
            continue
        if parsed.note:
            diags.append(at(sorigin, INFO, "score-normalised", f"{county.name} 考核项 {node.id}：{parsed.note}"))
        value = parsed.value
        assert value is not None  # parse_score gives a value whenever it is neither empty nor an error
        if not ctx.check_range(value, node, sorigin, county):
            continue
        pv = rec.values.get("points")
        if pv is not None:
            pp = parse_score(pv.value)
            if pp.value is not None and pp.value != node.points:
                ctx.grouped.add(
                    ("points", sheet.path, node.id),
                    lambda pv=pv, pp=pp, node=node: at(
                        pv.origin,
                        WARNING,
                        "sheet-points",
                        f"表中考核项 {node.id} 的分值写的是 {format_decimal(pp.value)}，"
                        f"考核细则中是 {format_decimal(node.points)}；按考核细则计算。"
                        "表格可能是旧版本，请用 kaohe forms 重新生成。",
                    ),
                )
        remark = rec.get("remark")
        scores[pair] = ScoreEntry(
            county.id, node.id, value, "" if remark is None else str(remark), sheet.department, sorigin
        )


def _memo_key(value) -> tuple[type, object] | None:
    """The key under which a cell's value is resolved once per sheet: str and int values by
    type and value; None for the others (a float or Decimal equal to another may be written
    differently, and the way it is written shows in messages)."""
    t = type(value)
    return (t, value) if t is str or t is int else None


def _county_of(ctx: RoundContext, rec: Record):
    cid, cname = rec.values.get("county_id"), rec.values.get("county")
    if cid is None and cname is None:
        if rec.get("item") is not None:
            ctx.diags.append(at(rec.origin, ERROR, "score-no-county", "这一行没有写县区。请填写县区编号或县区名称。"))
        return None
    by_id = ctx.county(cid.value, cid.origin) if cid is not None else None
    by_name = ctx.county(cname.value, cname.origin) if cname is not None else None
    if cid is not None and cname is not None and by_id is not None and by_name is not None and by_id.id != by_name.id:
        ctx.grouped.add(
            ("mismatch", cid.origin.path, by_id.id, by_name.id),
            lambda: at(
                cid.origin,
                ERROR,
                "score-county-mismatch",
                f"县区编号“{by_id.id}”（{by_id.name}）与县区名称“{cname.value}”不一致。请核对是哪个县区。",
            ),
        )
        return None
    return by_id or by_name


def _report_missing(ctx: RoundContext, sheets: list[Sheet], seen: dict, folder: Path, display) -> None:
    """One error per department listing every (county, item) it has not scored."""
    by_owner: dict[str, list[tuple[str, str]]] = defaultdict(list)
    owner_keys: dict[str, set[str]] = {}
    for node in ctx.scored_leaves():
        owner = "或".join(node.departments) if node.departments else "（未指定评价部门）"
        owner_keys[owner] = {dept_key(d) for d in node.departments}
        for c in ctx.counties:
            if (c.id, node.id) not in seen:
                by_owner[owner].append((c.id, node.id))
    for owner in sorted(by_owner, key=lambda o: min(ctx.leaf_order[i] for _, i in by_owner[o])):
        missing = by_owner[owner]
        keys = owner_keys[owner]
        sheet = next((s for s in sheets if dept_key(s.department) in keys), None) if keys else None
        per_county: dict[str, list[str]] = defaultdict(list)
        for cid, iid in missing:
            per_county[cid].append(iid)
        item_sets = {tuple(v) for v in per_county.values()}
        if len(per_county) == len(ctx.counties) and len(item_sets) == 1:
            listing = f"全部 {len(ctx.counties)} 个县区均缺少考核项 {'、'.join(next(iter(item_sets)))}"
        else:
            listing = "；".join(f"{ctx.county_ids[cid].name} {'、'.join(items)}" for cid, items in per_county.items())
        n = len(missing)
        if sheet is not None:
            where = Origin(sheet.path, sheet.origin.line, sheet.origin.column)
            msg = f"{owner}的评价表缺少 {n} 项得分：{listing}。"
            hint = "请在评价表中补填这些县区和考核项的实际得分。"
        else:
            where = Origin(display(folder) + "/", 0, 0)
            msg = f"没有{owner}的评价表（scores/ 中没有评价部门为“{owner}”的文件），缺少 {n} 项得分：{listing}。"
            hint = f"用 kaohe forms {ctx.meta.id} 生成该部门的评价表，填好后放到 scores/ 文件夹。"
        ctx.diags.append(at(where, ERROR, "score-missing", msg, hint))
