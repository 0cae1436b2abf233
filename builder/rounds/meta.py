"""Reading ``content/<round>/round.yaml``: the round's header (no scores).

The checker needs only this (county names, year, rubric id); the full loader in
``builder.rounds.load`` builds on it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ERROR, Diagnostic
from ..fields import Fields, did_you_mean
from ..limits import YEAR_MAX, YEAR_MIN
from ..project import RUBRIC_ID_RE
from ..yamlio import load_yaml, pos_of
from .model import KINDS, PUBLISH_LEVELS, STATUSES, VETO_RANKS, County, Notification, OnsitePart, Waiver

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DOC_CODE_RE = re.compile(r"^(?P<prefix>.+?)[〔\[［(（](?P<year>\d{4})[〕\]］)）]第?0*(?P<num>\d+)号$")


@dataclass(frozen=True)
class RoundMeta:
    id: str
    path: Path
    yaml_path: str  # as displayed in diagnostics
    rubric_id: str
    year: int
    title: str
    organiser: str
    status: str
    publish: str
    counties: tuple[County, ...]
    notification: Notification | None
    published_date: _dt.date | None
    sample: bool
    description: str
    county_lines: dict  # county id -> line in round.yaml
    rubric_pos: tuple[int, int] = (1, 1)  # line, column of ``rubric:`` in round.yaml
    veto_rank: str = "last"  # last | by_total | none (ranking.py)
    deadline: _dt.date | None = None  # 评价表报送截止日期, for kaohe status
    review_notice: bool = False  # publish a 复核说明 of the upheld appeals on the round page
    status_pos: tuple = (1, 1)  # line, column of ``status:``
    publish_docx: bool = False  # also put the .docx copies (kaohe docx) on the site
    root: Path | None = None  # the project folder: every file of the round lies inside it
    waivers: tuple[Waiver, ...] = ()  # checker findings the office waived (publication gate)
    onsite: OnsitePart | None = None  # the on-site check (实地核查) of this assessment

    def county(self, county_id: str) -> County | None:
        return next((c for c in self.counties if c.id == county_id), None)


def round_ids(content_dir: Path) -> list[str]:
    if not content_dir.is_dir():
        return []
    return sorted(p.name for p in content_dir.iterdir() if (p / "round.yaml").is_file())


def load_round_meta(
    content_dir: Path, round_id: str, display=lambda p: str(p), *, partial: bool = False, root: Path | None = None
) -> tuple[RoundMeta | None, list[Diagnostic]]:
    """Read and validate ``content_dir/round_id/round.yaml``. Never raises for bad input.

    ``root`` is the project folder (default: the parent of ``content_dir``); round.yaml
    and every file of the round must really lie inside it (:mod:`builder.paths`).

    The header is None when any diagnostic is an error, unless ``partial``: then whatever
    could be read is returned (so that the rest of the round can still be checked) as
    long as the file itself could be parsed.
    """
    folder = content_dir / round_id
    yaml_path = folder / "round.yaml"
    if not SLUG_RE.match(round_id) or not yaml_path.is_file():
        hint = did_you_mean(round_id, round_ids(content_dir))
        return None, [
            Diagnostic(
                display(content_dir),
                0,
                0,
                ERROR,
                "round-unknown",
                f"找不到考核轮次“{round_id}”（应有 content/{round_id}/round.yaml）。{hint}".rstrip(),
            )
        ]
    shown = display(yaml_path)
    root = root if root is not None else content_dir.parent
    doc = load_yaml(yaml_path, shown, root=root)
    diags = list(doc.diagnostics)
    if doc.data is None:
        if not diags:
            diags.append(Diagnostic(shown, 1, 1, ERROR, "round-empty", "round.yaml 是空的。"))
        return None, diags
    f = Fields(shown, diags, doc.data, "考核轮次")
    if not f.ok:
        return None, diags
    rid = f.get("id", "str", default=round_id)
    if rid != round_id:
        diags.append(
            Diagnostic(
                shown, *f.pos("id"), ERROR, "round-id-folder", f"id“{rid}”与所在文件夹“{round_id}”不一致。请改成一致。"
            )
        )
    rubric_id = f.get("rubric", "str", required=True, default="")
    if "rubric" in f.m and not RUBRIC_ID_RE.match(rubric_id or ""):
        diags.append(
            Diagnostic(
                shown,
                *f.pos("rubric"),
                ERROR,
                "round-rubric",
                f"rubric“{rubric_id}”不是考核细则编号。这里只写 rubrics/ 文件夹中细则文件的编号"
                "（文件名去掉 .yaml，只用小写英文字母、数字和横线，如 luohe-2022），不能为空，也不能写路径。",
            )
        )
        rubric_id = ""
    year = f.get("year", "int", required=True, default=0)
    if "year" in f.m and isinstance(year, int) and not YEAR_MIN.value <= year <= YEAR_MAX.value:
        diags.append(
            Diagnostic(
                shown,
                *f.pos("year"),
                ERROR,
                "round-year",
                f"考核年度 {year} 不对：{YEAR_MIN.label}，{YEAR_MAX.label}。请写四位数的年份，如 2022。",
            )
        )
        year = 0
    title = f.get("title", "str", required=True, default="")
    organiser = f.get("organiser", "str", required=True, default="")
    status = f.get("status", "str", required=True, default="draft")
    if status not in STATUSES:
        diags.append(
            Diagnostic(
                shown,
                *f.pos("status"),
                ERROR,
                "round-status",
                f"status 只能是 draft（草稿）、approved（已审定）或 published（已发布），现在是“{status}”。",
            )
        )
    publish = f.get("publish", "str", default="grades")
    if publish not in PUBLISH_LEVELS:
        diags.append(
            Diagnostic(
                shown,
                *f.pos("publish"),
                ERROR,
                "round-publish",
                "publish 只能是 grades（只公布等次）、scores（公布等次和得分）"
                f"或 ranks（另公布排名），现在是“{publish}”。",
            )
        )
    veto_rank = f.get("veto_rank", "str", default="last")
    if veto_rank not in VETO_RANKS:
        diags.append(
            Diagnostic(
                shown,
                *f.pos("veto_rank"),
                ERROR,
                "round-veto-rank",
                f"veto_rank 只能是 last（被一票否决的县区排在最后、不写名次）、by_total（按总分排名）"
                f"或 none（不写名次、按总分位置列出），现在是“{veto_rank}”。",
            )
        )
        veto_rank = "last"
    deadline = f.get("deadline", "date")
    review_notice = f.get("review_notice", "bool", default=False)
    published_date = f.get("published_date", "date")
    sample = f.get("sample", "bool", default=False)
    description = f.get("description", "str", default="")
    publish_docx = f.get("publish_docx", "bool", default=False)

    counties: list[County] = []
    county_lines: dict[str, int] = {}
    raw = f.get("counties", "list", required=True, default=[])
    if not raw and "counties" in f.m:
        diags.append(
            Diagnostic(shown, *f.pos("counties"), ERROR, "round-counties", "counties 为空：请列出被考核的县（区）。")
        )
    for i, item in enumerate(raw):
        cf = Fields(shown, diags, item, f"第 {i + 1} 个被考核单位", raw, i)
        if not cf.ok:
            continue
        cid = cf.get("id", "str", required=True, default="")
        name = cf.get("name", "str", required=True, default="")
        kind = cf.get("kind", "str", required=True, default="县")
        cf.finish()
        line, col = pos_of(raw, i)
        if cid and not SLUG_RE.match(cid):
            diags.append(
                Diagnostic(
                    shown,
                    *cf.pos("id"),
                    ERROR,
                    "round-county-id",
                    f"单位编号“{cid}”只能用小写英文字母（拼音）、数字和横线，例如 wuyang。",
                )
            )
        if kind not in KINDS:
            diags.append(
                Diagnostic(
                    shown,
                    *cf.pos("kind"),
                    ERROR,
                    "round-county-kind",
                    f"kind 只能是 {'、'.join(KINDS)}，现在是“{kind}”。",
                )
            )
        if not cid:
            continue  # reported as missing above
        if cid in county_lines:
            diags.append(
                Diagnostic(
                    shown,
                    line,
                    col,
                    ERROR,
                    "round-county-duplicate",
                    f"单位编号“{cid}”重复（第 {county_lines[cid]} 行已使用）。",
                )
            )
            continue
        county_lines[cid] = line
        counties.append(County(cid, name, kind))

    notification = _notification(shown, diags, f)
    waivers = _waivers(shown, diags, f, county_lines)
    onsite = _onsite(shown, diags, f)
    f.finish()
    if any(d.is_error for d in diags) and not partial:
        return None, diags
    return RoundMeta(
        round_id,
        folder,
        shown,
        rubric_id,
        year,
        title,
        organiser,
        status,
        publish,
        tuple(counties),
        notification,
        published_date,
        sample,
        description,
        county_lines,
        f.pos("rubric") if "rubric" in f.m else (1, 1),
        veto_rank,
        deadline,
        review_notice,
        f.pos("status") if "status" in f.m else (1, 1),
        publish_docx,
        root,
        waivers,
        onsite,
    ), diags


def _waivers(shown: str, diags: list[Diagnostic], f: Fields, county_lines: dict) -> tuple[Waiver, ...]:
    """``waivers:`` — checker findings of one report that the office accepts, each with a reason."""
    raw = f.get("waivers", "list", default=[])
    out = []
    for i, item in enumerate(raw):
        wf = Fields(shown, diags, item, f"第 {i + 1} 条豁免（waivers）", raw, i)
        if not wf.ok:
            continue
        county = wf.get("county", "str", required=True, default="")
        rule = wf.get("rule", "str", required=True, default="")
        line = wf.get("line", "int", default=0)
        reason = wf.get("reason", "str", required=True, default="")
        wf.finish()
        at_line = pos_of(raw, i)[0]
        if county and county not in county_lines:
            diags.append(
                Diagnostic(
                    shown,
                    *wf.pos("county"),
                    ERROR,
                    "round-waiver-county",
                    f"豁免中的县区“{county}”不在本轮次的 counties 中。{did_you_mean(county, county_lines)}".rstrip(),
                )
            )
            continue
        if "reason" in wf.m and not reason.strip():
            diags.append(
                Diagnostic(
                    shown,
                    *wf.pos("reason"),
                    ERROR,
                    "round-waiver-reason",
                    "豁免必须写明理由（reason），例如“经市质强办审定，该县区案例篇幅特殊，同意发布”。",
                )
            )
            continue
        if county and rule and reason:
            out.append(Waiver(county, rule, line, reason.strip(), at_line))
    return tuple(out)


def _onsite(shown: str, diags: list[Diagnostic], f: Fields) -> OnsitePart | None:
    """``onsite:`` — the on-site check of this assessment, rated against its own rubric (惠州 附件2)."""
    raw = f.get("onsite", "map")
    if raw is None:
        return None
    of = Fields(shown, diags, raw, "实地核查 onsite")
    if not of.ok:
        return None
    rubric = of.get("rubric", "str", required=True, default="")
    title = of.get("title", "str", default="实地核查")
    description = of.get("description", "str", default="")
    informs_raw = of.get("informs", "map", default={})
    of.finish()
    informs = {}
    for key, val in (informs_raw or {}).items():
        ids = val if isinstance(val, list) else [val]
        informs[str(key)] = tuple(str(x) for x in ids if x is not None)
    return OnsitePart(rubric, title, description, informs, of.pos("rubric") if "rubric" in of.m else (1, 1))


def _notification(shown: str, diags: list[Diagnostic], f: Fields) -> Notification | None:
    raw = f.get("notification", "map")
    if raw is None:
        return None
    n = Fields(shown, diags, raw, "通报 notification")
    organ = n.get("organ", "str", required=True, default="")
    code = n.get("doc_number", "str", required=True, default="")
    prefix, year, num = "", 0, 0
    if code:
        m = DOC_CODE_RE.match(code.strip())
        if not m:
            diags.append(
                Diagnostic(
                    shown,
                    *n.pos("doc_number"),
                    ERROR,
                    "round-doc-number",
                    f"发文字号“{code}”格式不对，应写成“漯质强办〔2023〕1号”这样：机关代字、〔年份〕、序号、号。",
                )
            )
        else:
            prefix, year, num = m.group("prefix"), int(m.group("year")), int(m.group("num"))
    title = n.get("title", "str", required=True, default="")
    date = n.get("date", "date", required=True, default=_dt.date(1970, 1, 1))
    to = n.get("to", "str", required=True, default="")
    cc = tuple(n.get("cc", "strlist", default=[]))
    printer = n.get("printer", "str", default=organ)
    printed = n.get("printed", "date", default=date)
    signature = n.get("signature", "str", default=organ)
    requirements = n.get("requirements", "str", default="")
    feedback = n.get("feedback_number", "str", default="")
    feedback_code = ""
    if feedback:
        m = DOC_CODE_RE.match(feedback.strip())
        if not m:
            diags.append(
                Diagnostic(
                    shown,
                    *n.pos("feedback_number"),
                    ERROR,
                    "round-doc-number",
                    f"反馈的发文字号“{feedback}”格式不对，应写成“漯质强办函〔2023〕9号”这样：机关代字、〔年份〕、序号、号。",
                )
            )
        else:
            feedback_code = f"{m.group('prefix')}\u3014{int(m.group('year'))}\u3015{int(m.group('num'))}号"
    n.finish()
    return Notification(
        organ, prefix, year, num, title, date, to, cc, printer, printed, signature, requirements, feedback_code
    )
