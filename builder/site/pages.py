"""The pages the plugin generates, with each page's document metadata and template data.

:func:`plan` turns :class:`~builder.site.collect.SiteData` into a list of :class:`PageSpec`
(no MkDocs here). Every figure comes from the computed :class:`RoundResults`, computed once
per round; the per-page data are small dicts of references into them, so the cost of a
county page is one template render.

URL layout (``use_directory_urls``)::

    ./                         home: published rounds, the latest results at a glance
    rounds/                    every published round
    <round>/                   round: grade list, results table, grade chart, notification
    <round>/<county>/          county: breakdown, bonus/deductions/veto, feedback, downloads
    <round>/<county>/report/   the county's self-report
    rubrics/                   every rubric
    rubrics/<rubric>/          the rubric tree, bonus, deductions, veto, grade bands
    search/                    local search
    check/                     the checker page (builder/checkpage/), when a shown round has a report template

What a round publishes (``Round.publish``) decides what appears anywhere — pages, charts
and the search index: ``grades`` shows grades only; ``scores`` adds the scores;
``ranks`` adds the rank column and lists counties in rank order.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..checkpage.page import plan_page as plan_check_page
from ..rounds.model import CountyResult, Round, RoundResults
from ..rubric.model import Node, Rubric
from .collect import SiteData, round_date
from .pagecache import render_markdown, render_markdown_many

STATUS_LABELS = {"draft": "草稿", "approved": "已审定，尚未发布", "published": "已发布"}
PUBLISH_LABELS = {"grades": "公布等次", "scores": "公布等次和得分", "ranks": "公布等次、得分和排名"}


@dataclass(frozen=True)
class SiteOptions:
    site_name: str = "质量工作考核结果公开"
    publisher: str = ""  # 发布机构 of the site's own pages (home, lists, search)
    date: _dt.date | None = None  # 发布日期 of those pages; default: the newest round's
    drafts: bool = False
    pdfs: bool = True  # whether the PDFs are built (and so linked)


@dataclass(frozen=True)
class DocMeta:
    """What every content page states, visibly and in <meta> tags."""

    title: str
    date: _dt.date | None
    organ: str
    doc_code: str = ""  # 文号
    description: str = ""
    sample: bool = False  # 示例数据
    draft: str = ""  # "" when published, else the status label shown in the 草稿 banner


@dataclass
class PageSpec:
    url: str  # site-relative directory URL: "" (home), "luohe-2022/", "luohe-2022/wuyang/"
    kind: str  # home | rounds | round | county | report | rubrics | rubric | search | check
    template: str
    meta: DocMeta
    crumbs: tuple[tuple[str, str], ...]  # (title, url) from home to the parent page
    data: dict = field(default_factory=dict)

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"


@dataclass(frozen=True)
class SearchDoc:
    url: str  # site-relative, may carry a #fragment
    title: str
    kind: str  # 考核结果 / 县区结果 / 自评报告 / 考核细则
    text: str
    sample: bool = False
    draft: bool = False


@dataclass
class Plan:
    pages: list[PageSpec]
    search: list[SearchDoc]
    nav: list[tuple[str, str]]  # (title, url) of the global navigation
    site_date: _dt.date | None
    publisher: str


# ───────────────────────────── view helpers ─────────────────────────────


def round_url(r: Round) -> str:
    return f"{r.id}/"


def county_url(r: Round, county_id: str) -> str:
    return f"{r.id}/{county_id}/"


def report_url(r: Round, county_id: str) -> str:
    return f"{r.id}/{county_id}/report/"


def rubric_url(rubric_id: str) -> str:
    return f"rubrics/{rubric_id}/"


def node_anchor(node_id: str) -> str:
    return f"n-{node_id}"


def shows_scores(r: Round) -> bool:
    return r.publish in ("scores", "ranks")


def shows_ranks(r: Round) -> bool:
    return r.publish == "ranks"


def public_order(res: RoundResults) -> list[CountyResult]:
    """Counties in the order the public sees them: rank order only when ranks are published.

    Otherwise the round's own (administrative) order, so that a grades-only round does not
    reveal its ranking through the order of names.
    """
    if shows_ranks(res.round):
        return list(res.counties)
    pos = {c.id: i for i, c in enumerate(res.round.counties)}
    return sorted(res.counties, key=lambda c: pos.get(c.county.id, len(pos)))


def grade_groups(res: RoundResults) -> list[dict]:
    """The announcement: [{grade, label, counties: [CountyResult]}] for the grades that occur."""
    rubric = res.round.rubric
    order = public_order(res)
    groups = []
    labels = {b.grade: b.label for b in rubric.grades}
    grades = [b.grade for b in rubric.grades]
    grades += sorted({c.grade for c in order if c.grade and c.grade not in grades})
    for g in grades:
        members = [c for c in order if c.grade == g]
        if members:
            groups.append({"grade": g, "label": labels.get(g, ""), "counties": members})
    return groups


def grade_counts(res: RoundResults) -> list[tuple[str, int]]:
    """(grade, number of counties) for every band of the rubric, zeros included."""
    return [(g, len(members)) for g, members in res.by_grade().items()]


def review_notice(res: RoundResults) -> list[dict]:
    """The 复核说明 of a published round whose round.yaml says ``review_notice: true``: the
    upheld appeals, [{county, kind, ref, title, before, after, reason}] in decision order.
    Empty otherwise. Rejected appeals, the counties' reply forms and the audit trail are
    internal and never reach a page."""
    r = res.round
    if not (r.review_notice and r.is_published):
        return []
    names = {c.id: c.name for c in r.counties}
    return [
        {
            "county": names.get(ch.county, ch.county),
            "kind": "扣分项" if ch.kind == "deduction" else "考核项",
            "ref": ch.ref,
            "title": ch.title,
            "before": ch.before,
            "after": ch.after,
            "reason": ch.reason,
        }
        for ch in res.review_changes
    ]


def tied_ranks(res: RoundResults) -> set[int]:
    seen: dict[int, int] = {}
    for c in res.counties:
        if c.rank is not None:
            seen[c.rank] = seen.get(c.rank, 0) + 1
    return {r for r, n in seen.items() if n > 1}


def _round_meta(r: Round, title: str | None = None, description: str = "", doc_code: bool = True) -> DocMeta:
    n = r.notification
    return DocMeta(
        title=title or r.title,
        date=round_date(r),
        organ=(n.organ if n is not None else "") or r.organiser,
        doc_code=n.doc_code if (doc_code and n is not None and n.doc_prefix) else "",
        description=description or r.description,
        sample=r.sample,
        draft="" if r.is_published else STATUS_LABELS.get(r.status, r.status),
    )


def _read(path: Path | None) -> str | None:
    """A report's or feedback's text through the one reader (:mod:`builder.textio`: UTF-8 or
    GBK, as the checker and the loader accept it); None when unreadable (the loader has
    already reported why)."""
    if path is None:
        return None
    from ..textio import read_text

    return read_text(Path(path), str(path), [])


def round_summary(res: RoundResults) -> dict:
    r = res.round
    return {
        "round": r,
        "results": res,
        "url": round_url(r),
        "date": round_date(r),
        "groups": grade_groups(res),
        "counts": grade_counts(res),
        "has_grades": bool(r.rubric.grades),
        "publish_label": PUBLISH_LABELS.get(r.publish, r.publish),
        "draft": "" if r.is_published else STATUS_LABELS.get(r.status, r.status),
    }


# ───────────────────────────── the plan ─────────────────────────────


def plan(site: SiteData, opts: SiteOptions) -> Plan:
    """Every generated page and search document for ``site`` (see the module doc)."""
    rounds = list(site.rounds)
    published = [res for res in rounds if res.round.is_published]
    site_date = opts.date or (round_date(published[0].round) if published else None)
    publisher = opts.publisher or (published[0].round.organiser if published else "")
    pages: list[PageSpec] = []
    search: list[SearchDoc] = []
    home = (("首页", ""),)

    summaries = [round_summary(res) for res in rounds]
    check = plan_check_page(site, site_date, publisher)  # check/: the checker page, or None
    check_rounds = {c["id"] for c in check.data["rounds"]} if check is not None else set()
    for s in summaries:
        s["check_url"] = check.url if s["round"].id in check_rounds else None
    used_by: dict[str, list[Round]] = {}
    for res in rounds:
        used_by.setdefault(res.round.rubric.id, []).append(res.round)
        if res.round.onsite is not None:  # the on-site part of a round is rated against its own rubric
            used_by.setdefault(res.round.onsite.rubric.id, []).append(res.round)

    pages.append(
        PageSpec(
            "",
            "home",
            "home.html",
            DocMeta(
                opts.site_name,
                site_date,
                publisher,
                description="历年质量工作考核结果、考核细则和自评报告。",
                sample=any(s["round"].sample for s in summaries[:1]),
                draft=summaries[0]["draft"] if summaries else "",
            ),
            (),
            {
                "rounds": summaries,
                "latest": summaries[0] if summaries else None,
                "rubrics": site.rubrics,
                "check_url": check.url if check is not None else None,
            },
        )
    )
    pages.append(
        PageSpec(
            "rounds/",
            "rounds",
            "rounds.html",
            DocMeta(
                "考核结果",
                site_date,
                publisher,
                description="历年质量工作考核结果一览。",
                sample=any(s["round"].sample for s in summaries),
            ),
            home,
            {"rounds": summaries},
        )
    )
    pages.append(
        PageSpec(
            "rubrics/",
            "rubrics",
            "rubrics.html",
            DocMeta("考核细则", site_date, publisher, description="各年度质量工作考核细则（考核要点）。"),
            home,
            {
                "rubrics": [
                    {"rubric": rb, "url": rubric_url(rb.id), "used_by": used_by.get(rb.id, [])} for rb in site.rubrics
                ]
            },
        )
    )
    # the search finds, and a missing address may have been, any page: 示例数据 when any is
    any_sample = any(s["round"].sample for s in summaries) or any(rb.sample for rb in site.rubrics)
    # the page a web server shows for a missing address (404.html at the site's root)
    pages.append(
        PageSpec(
            "404.html",
            "404",
            "404.html",
            DocMeta("页面不存在", site_date, publisher, description="没有找到要访问的页面。", sample=any_sample),
            (),
            {},
        )
    )
    pages.append(
        PageSpec(
            "search/",
            "search",
            "search.html",
            DocMeta(
                "站内搜索", site_date, publisher, description="搜索考核结果、考核细则和自评报告。", sample=any_sample
            ),
            home,
            {},
        )
    )

    if check is not None:
        pages.append(check)
        search.append(SearchDoc(check.url, check.meta.title, "页面", check.meta.description))
    histories = county_histories(rounds)
    for s in summaries:
        _round_pages(s, opts, pages, search, site.findings.get(s["round"].id, {}), histories)

    for rb in site.rubrics:
        users = used_by.get(rb.id, [])
        # the rubric's own date (印发日期), never a round's: none when the source states none
        pages.append(
            PageSpec(
                rubric_url(rb.id),
                "rubric",
                "rubric.html",
                DocMeta(
                    rb.title,
                    rb.date,
                    rb.issuer or publisher,
                    description=f"{rb.title}：考核领域、考核项、分值、评价部门和评分标准。",
                    sample=rb.sample,
                ),
                home + (("考核细则", "rubrics/"),),
                {"rubric": rb, "used_by": [{"round": u, "url": round_url(u)} for u in users], "tree": rubric_rows(rb)},
            )
        )
        search.extend(rubric_search_docs(rb))

    nav = [("首页", ""), ("考核结果", "rounds/"), ("考核细则", "rubrics/"), ("站内搜索", "search/")]
    return Plan(pages, search, nav, site_date, publisher)


def _round_pages(
    s: dict,
    opts: SiteOptions,
    pages: list[PageSpec],
    search: list[SearchDoc],
    findings: dict | None = None,
    histories: dict | None = None,
) -> None:
    """The round's pages. ``findings``: county id → checker findings of its report (draft
    previews only, :mod:`builder.rounds.gate`), listed on the report page."""
    res: RoundResults = s["results"]
    r = res.round
    scores, ranks = shows_scores(r), shows_ranks(r)
    crumbs = (("首页", ""), ("考核结果", "rounds/"))
    n = r.notification
    notification_pdf = f"{r.id}/notification.pdf" if (opts.pdfs and n is not None) else None
    order = public_order(res)
    ties = tied_ranks(res) if ranks else set()
    pages.append(
        PageSpec(
            round_url(r),
            "round",
            "round.html",
            _round_meta(r),
            crumbs,
            {
                **s,
                "show_scores": scores,
                "show_ranks": ranks,
                "rows": order,
                "areas": r.rubric.areas,
                "ties": ties,
                "rubric_url": rubric_url(r.rubric.id),
                "notification": n,
                "notification_pdf": notification_pdf,
                # open data (builder/opendata.py), written by the build under <round>/data/
                "data_files": [
                    ("CSV（UTF-8，Excel 可直接打开）", f"{r.id}/data/results.csv"),
                    ("Excel（XLSX）", f"{r.id}/data/results.xlsx"),
                    ("JSON", f"{r.id}/data/results.json"),
                    ("数据说明（datapackage.json，Frictionless Data Package）", f"{r.id}/data/datapackage.json"),
                ],
                "review_notice": review_notice(res),
            },
        )
    )
    announce = "；".join(f"{g['grade']}级：" + "、".join(c.county.name for c in g["counties"]) for g in s["groups"])
    search.append(
        SearchDoc(
            round_url(r),
            r.title,
            "考核结果",
            "\n".join(x for x in (r.description, announce, n.title if n else "") if x),
            r.sample,
            not r.is_published,
        )
    )

    crumbs_c = crumbs + ((r.title, round_url(r)),)
    fb_options, rep_options = {"top_level": 3, "anchor_prefix": "f"}, {"top_level": 2, "take_title": True}
    texts = {cr.county.id: (_read(r.feedback.get(cr.county.id)), _read(r.reports.get(cr.county.id))) for cr in order}
    render_markdown_many([(t, o) for fb, rep in texts.values() for t, o in ((fb, fb_options), (rep, rep_options)) if t])
    for cr in order:
        cid = cr.county.id
        fb_text, rep_text = texts[cid]
        feedback = render_markdown(fb_text, **fb_options) if fb_text else None
        report = render_markdown(rep_text, **rep_options) if rep_text else None
        report_title = report.title if report and report.title else f"{cr.county.name}{r.year}年度质量工作自评报告"
        title = f"{cr.county.name}考核结果"
        pdfs = []
        if opts.pdfs and scores:  # the feedback PDF states the scores: not public for a grades-only round
            pdfs.append(("考核结果反馈（PDF）", f"{r.id}/{cid}/feedback.pdf"))
            if report is not None:
                pdfs.append(("自评报告（PDF）", f"{r.id}/{cid}/report.pdf"))
        pages.append(
            PageSpec(
                county_url(r, cid),
                "county",
                "county.html",
                _round_meta(r, f"{r.title}：{title}", description=f"{cr.county.name}在{r.title}中的考核结果。"),
                crumbs_c,
                {
                    "round": r,
                    "results": res,
                    "cr": cr,
                    "county": cr.county,
                    "show_scores": scores,
                    "show_ranks": ranks,
                    "tied": cr.rank in ties,
                    "count": len(res.counties),
                    "feedback": feedback,
                    "report_url": report_url(r, cid) if report is not None else None,
                    "report_title": report_title,
                    "pdfs": pdfs,
                    "onsite": onsite_rows(r, cr) if scores else [],
                    "history": county_history(r, cr, (histories or {}).get(history_key(r, cid), [])),
                    "round_url": round_url(r),
                    "rubric_url": rubric_url(r.rubric.id),
                },
            )
        )
        text = f"{cr.county.name} {cr.grade + '级' if cr.grade else ''}"
        if feedback is not None:
            text += "\n" + feedback.text
        search.append(
            SearchDoc(
                county_url(r, cid),
                f"{cr.county.name}考核结果",
                f"县区结果 · {r.title}",
                text,
                r.sample,
                not r.is_published,
            )
        )
        if report is not None:
            pages.append(
                PageSpec(
                    report_url(r, cid),
                    "report",
                    "report.html",
                    _round_meta(
                        r,
                        report_title,
                        doc_code=False,
                        description=f"{cr.county.name}报送的{r.year}年度质量工作自评报告。",
                    ),
                    crumbs_c + ((cr.county.name, county_url(r, cid)),),
                    {
                        "round": r,
                        "county": cr.county,
                        "report": report,
                        "county_url": county_url(r, cid),
                        "pdf": f"{r.id}/{cid}/report.pdf" if opts.pdfs else None,
                        "findings": [
                            {"line": f.line, "severity": f.severity, "rule": f.rule, "message": f.message}
                            for f in (findings or {}).get(cid, ())
                        ],
                    },
                )
            )
            for sec in report.sections:
                url = report_url(r, cid) + (f"#{sec.anchor}" if sec.anchor else "")
                title_ = f"{report_title}" + (f" · {sec.title}" if sec.title else "")
                search.append(SearchDoc(url, title_, f"自评报告 · {r.title}", sec.text, r.sample, not r.is_published))


# ───────────────────────────── history across rounds ─────────────────────────────


def history_key(r: Round, county_id: str) -> tuple[str, str]:
    """Rounds of the same city: the same organising office (``organiser``) and the same county id."""
    return (r.organiser, county_id)


def county_histories(rounds: list[RoundResults]) -> dict:
    """(organiser, county id) → [(Round, CountyResult)] over the published rounds, oldest first."""
    out: dict = {}
    for res in rounds:
        if not res.round.is_published:
            continue
        for cr in res.counties:
            out.setdefault(history_key(res.round, cr.county.id), []).append((res.round, cr))
    for v in out.values():
        v.sort(key=lambda rc: (rc[0].year, round_date(rc[0]), rc[0].id))
    return out


def county_history(r: Round, cr: CountyResult, entries: list) -> dict | None:
    """The county's results in every published round of its city, for its page in round ``r``.

    ``{"rows": [{year, title, url, grade, total, max, rank, veto, current}], "points": rows with a
    total (for the trend chart), "streak": "连续2年A级" or "", "compare": the items of the previous
    round with the same id (rubric versions differ: items only where ids match)}``; None when the
    county appears in one round only. Each round shows only what it publishes.
    """
    if not any(rnd.id == r.id for rnd, _ in entries):  # a draft preview: shown beside the published ones
        entries = sorted([*entries, (r, cr)], key=lambda rc: (rc[0].year, round_date(rc[0]), rc[0].id))
    if len(entries) < 2:
        return None
    rows = []
    for rnd, c in entries:
        # a page shows no more than its own round publishes (a grades-only page: grades only)
        rows.append(
            {
                "year": rnd.year,
                "title": rnd.title,
                "url": county_url(rnd, c.county.id),
                "grade": c.grade,
                "total": c.total if shows_scores(rnd) and shows_scores(r) else None,
                "max": rnd.rubric.base_points,
                "rank": c.rank if shows_ranks(rnd) and shows_ranks(r) else None,
                "count": len(rnd.counties),
                "veto": c.veto is not None and shows_scores(rnd),
                "current": rnd.id == r.id,
                "round": rnd,
            }
        )
    here = next(i for i, row in enumerate(rows) if row["current"])
    # a streak: consecutive years with the same grade, ending with this round
    n = 1
    while (
        here - n >= 0
        and rows[here - n]["grade"] == rows[here]["grade"]
        and rows[here - n]["year"] == rows[here]["year"] - n
    ):
        n += 1
    grade = rows[here]["grade"]
    streak = f"连续{n}年{grade}级" if grade and n >= 2 else ""
    compare = None
    if here > 0 and shows_scores(r) and shows_scores(rows[here - 1]["round"]):
        prev_round = rows[here - 1]["round"]
        prev = next(c for rr, c in entries if rr.id == prev_round.id)
        before = {it.item.id: it for a in prev.areas for it in a.items}
        items, unmatched = [], 0
        for a in cr.areas:
            for it in a.items:
                old = before.get(it.item.id)
                if old is None:
                    unmatched += 1
                    continue
                items.append(
                    {
                        "id": it.item.id,
                        "title": it.item.title,
                        "before": old.score,
                        "now": it.score,
                        "delta": it.score - old.score,
                        "max": it.item.points,
                    }
                )
        compare = {
            "year": prev_round.year,
            "matched": items,
            "unmatched": unmatched,
            "changed": [x for x in items if x["delta"]],
        }
    points = [row for row in rows if row["total"] is not None]
    return {
        "rows": rows,
        "points": points if len(points) >= 2 else [],
        "streak": streak,
        "compare": compare,
        "totals": shows_scores(r),
        "ranks": shows_ranks(r),
    }


def onsite_rows(r: Round, cr: CountyResult) -> list[dict]:
    """The county's on-site ratings (实地核查) as part of its round, with the round's items they
    informed and the county's score there: [{item, area, level, remark, informs: [{node, score, max, url}]}].
    No score, grade or rank of the on-site check itself: it has none (issue 12)."""
    if r.onsite is None:
        return []
    scores = {it.item.id: it.score for a in cr.areas for it in a.items}
    nodes = {n.id: n for _, n in r.rubric.nodes()}
    rows = []
    for area in r.onsite.rubric.areas:
        for leaf in area.leaves():
            entry = r.onsite.ratings.get((cr.county.id, leaf.id))
            if entry is None:
                continue
            informs = []
            for nid in r.onsite.informed(leaf.id):
                node = nodes.get(nid)
                if node is None:
                    continue
                got = sum((scores.get(lf.id, Decimal(0)) for lf in node.leaves()), Decimal(0))
                informs.append(
                    {
                        "node": node,
                        "score": got,
                        "max": node.points,
                        "url": rubric_url(r.rubric.id) + "#" + node_anchor(node.id),
                    }
                )
            rows.append(
                {
                    "item": leaf,
                    "area": area,
                    "level": entry.level,
                    "remark": entry.remark,
                    "url": rubric_url(r.onsite.rubric.id) + "#" + node_anchor(leaf.id),
                    "informs": informs,
                }
            )
    return rows


def handwritten_spec(url: str, title: str, meta: dict, plan_: Plan) -> PageSpec:
    """The spec of a hand-written page of docs_dir; front matter: title, date, organ, doc_number, description."""
    day = meta.get("date")
    if isinstance(day, str):
        day = _dt.date.fromisoformat(day)
    if isinstance(day, _dt.datetime):
        day = day.date()
    return PageSpec(
        url,
        "page",
        "main.html",
        DocMeta(
            title=title,
            date=day or plan_.site_date,
            organ=str(meta.get("organ") or plan_.publisher),
            doc_code=str(meta.get("doc_number") or ""),
            description=str(meta.get("description") or ""),
        ),
        (("首页", ""),),
    )


# ───────────────────────────── rubric pages ─────────────────────────────


def rubric_rows(rb: Rubric) -> list[dict]:
    """The rubric tree flattened for a table: depth, node, and its position in the tree.

    ``scale``: the rating scale to state on this row. A scale shared by every item of a group
    is stated once, at the highest such group, not under each item.
    """
    rows = []

    def walk(node: Node, depth: int, stated: bool) -> None:
        ratings = {lf.rating for lf in node.leaves()}
        shared = len(ratings) == 1 and None not in ratings
        here = shared and not stated
        scale = rb.rating_scales.get(node.rating if node.is_leaf else next(iter(ratings))) if here else None
        rows.append(
            {"depth": depth, "node": node, "anchor": node_anchor(node.id), "leaf": node.is_leaf, "scale": scale}
        )
        for c in node.children:
            walk(c, depth + 1, stated or here)

    for a in rb.areas:
        walk(a, 0, False)
    return rows


def _leaf_text(n: Node) -> str:
    # public fields only: never ``note`` or ``grade_rule`` (editorial remarks)
    parts = [
        n.criterion,
        n.guidance,
        n.explanation,
        "、".join(n.departments),
        "、".join(n.offices),
        "、".join(n.methods),
    ]
    return "\n".join(p for p in parts if p)


def rubric_search_docs(rb: Rubric) -> list[SearchDoc]:
    url = rubric_url(rb.id)
    docs = [
        SearchDoc(
            url, rb.title, "考核细则", "\n".join(x for x in (rb.issuer, rb.explanation, rb.grades_explanation) if x)
        )
    ]
    for a in rb.areas:
        for _, n in a.walk():
            if not n.is_leaf and (n.guidance or n.explanation):
                docs.append(
                    SearchDoc(
                        f"{url}#{node_anchor(n.id)}",
                        f"{n.title} · {rb.title}",
                        "考核细则",
                        "\n".join(x for x in (n.guidance, n.explanation) if x),
                    )
                )
            if n.is_leaf:
                docs.append(
                    SearchDoc(
                        f"{url}#{node_anchor(n.id)}",
                        f"{n.id} {n.title} · {rb.title}",
                        "考核细则",
                        f"{a.title}\n{_leaf_text(n)}",
                    )
                )
    for i in rb.bonus.items:
        docs.append(
            SearchDoc(
                f"{url}#{node_anchor(i.id)}", f"加分项 {i.title} · {rb.title}", "考核细则", "、".join(i.departments)
            )
        )
    for d in rb.deductions:
        docs.append(
            SearchDoc(
                f"{url}#{node_anchor(d.id)}",
                f"扣分项 {d.title} · {rb.title}",
                "考核细则",
                "\n".join(x for x in (d.description, d.explanation, "、".join(d.departments)) if x),
            )
        )
    for v in rb.vetoes:
        docs.append(
            SearchDoc(
                f"{url}#{node_anchor(v.id)}",
                f"否决项 {v.title} · {rb.title}",
                "考核细则",
                "\n".join(x for x in (v.description, v.explanation, "、".join(v.departments)) if x),
            )
        )
    if rb.sample:  # a fictional rubric version: its results say 示例数据 like its pages
        docs = [SearchDoc(d.url, d.title, d.kind, d.text, sample=True) for d in docs]
    return docs


def pct(score: Decimal, maximum: Decimal) -> float:
    """score / maximum as a percentage for drawing, clamped to 0–100."""
    if not maximum:
        return 0.0
    return max(0.0, min(100.0, float(score) * 100.0 / float(maximum)))
