"""Loading a whole round folder: ``content/<round>/``, reporting every problem at once.

Layout (documented in ``content/README.md``)::

    round.yaml                 header: rubric, year, counties, status, publication, 通报 metadata
    scores/<dept>.{yaml,csv,xlsx}   department score sheets (departments.py)
    events.yaml                bonus awards, deductions, vetoes (events.py)
    self-scores/<county>.{yaml,csv,xlsx}   self-score tables (selfscores.py)
    onsite/<county>.yaml       on-site ratings for items with ``rating:`` (onsite.py)
    reports/<county>.md        self-evaluation reports (documents.py; template: kaohe check)
    feedback/<county>.md       feedback text (documents.py)
    contacts/<county>.yaml     contact lists, private (documents.py)
"""

from __future__ import annotations

from ..buildcache import paused_gc
from ..diagnostics import Diagnostic
from ..fields import did_you_mean
from ..season.appeals import load_decisions
from .context import RoundContext
from .departments import load_sheets
from .diag import ERROR, WARNING
from .documents import load_contacts, load_feedback, load_reports
from .events import load_events
from .meta import load_round_meta
from .model import Onsite, OnsitePart, Round
from .onsite import load_ratings
from .selfscores import load_self_scores

KNOWN_ENTRIES = {
    "round.yaml": "轮次信息",
    "scores": "评价表文件夹",
    "events.yaml": "加分、扣分、否决事项",
    "self-scores": "自评打分表文件夹",
    "onsite": "实地核查评价文件夹",
    "reports": "自评报告文件夹",
    "feedback": "反馈意见文件夹",
    "contacts": "联系人员名单文件夹",
    "README.md": "说明",
    "appeals": "复核申请与决定文件夹（kaohe appeals，不公开）",
    "audit": "审计记录文件夹（kaohe history，不公开）",
}


def load_round(project, round_id: str) -> tuple[Round | None, list[Diagnostic]]:
    """Load ``content/<round_id>/`` of ``project``.

    Returns ``(round, diagnostics)``: every problem in every file of the round, sorted;
    ``round`` is None when any of them is an error. Never raises for bad input.
    """
    with paused_gc():
        return _load_round(project, round_id)


def _load_round(project, round_id: str) -> tuple[Round | None, list[Diagnostic]]:
    display = project.display
    meta, diags = load_round_meta(project.content_dir, round_id, display, partial=True, root=project.root)
    if meta is None:
        return None, _sorted(diags)
    if not meta.rubric_id:
        return None, _sorted(diags)  # nothing to check the scores against
    rubric_path = project.rubric_path(meta.rubric_id)
    if not rubric_path.is_file():
        hint = did_you_mean(meta.rubric_id, project.rubric_ids())
        diags.append(
            Diagnostic(
                meta.yaml_path,
                *meta.rubric_pos,
                ERROR,
                "round-rubric",
                f"找不到考核细则“{meta.rubric_id}”（应为 rubrics/{meta.rubric_id}.yaml）。{hint}".rstrip(),
            )
        )
        return None, _sorted(diags)
    rubric, rdiags = project.load_rubric(meta.rubric_id)
    diags.extend(rdiags)
    if rubric is None:
        diags.append(
            Diagnostic(
                meta.yaml_path,
                *meta.rubric_pos,
                ERROR,
                "round-rubric",
                f"考核细则“{meta.rubric_id}”有错误（见上），无法计算本轮次。请先修正考核细则。",
            )
        )
        return None, _sorted(diags)
    if meta.year and rubric.year and meta.year != rubric.year:
        diags.append(
            Diagnostic(
                meta.yaml_path,
                *meta.rubric_pos,
                WARNING,
                "round-rubric-year",
                f"本轮次是 {meta.year} 年度，"
                f"但考核细则“{rubric.id}”是 {rubric.year} 年度的。请确认引用的细则是否正确。",
            )
        )

    folder = meta.path
    ctx = RoundContext(meta, rubric, diags)
    for p in sorted(folder.iterdir()):
        if p.name in KNOWN_ENTRIES or p.name.startswith("."):
            continue
        hint = did_you_mean(p.name, KNOWN_ENTRIES)
        diags.append(
            Diagnostic(
                display(p),
                0,
                0,
                WARNING,
                "round-file-unknown",
                f"轮次文件夹中的“{p.name}”不是本工具认识的文件，已忽略。{hint}".rstrip(),
                "认识的文件：" + "、".join(f"{k}（{v}）" for k, v in KNOWN_ENTRIES.items()),
            )
        )
    scores = load_sheets(ctx, folder / "scores", display)
    onsite = None
    if meta.onsite is not None:
        onsite = _load_onsite(project, meta, rubric, folder, diags, display)
        ratings = {}
    else:
        ratings = load_ratings(ctx, folder / "onsite", display)
    self_scores = load_self_scores(ctx, folder / "self-scores", display)
    events_path = folder / "events.yaml"
    awards, deductions, vetoes = load_events(ctx, events_path, display(events_path))
    decisions_path = folder / "appeals" / "decisions.yaml"
    decisions = load_decisions(ctx, decisions_path, display(decisions_path), {**scores, **ratings}, deductions)
    reports = load_reports(ctx, folder / "reports", display)
    feedback = load_feedback(ctx, folder / "feedback", display)
    contacts = load_contacts(ctx, folder / "contacts", display)
    ctx.finish()

    if any(d.is_error for d in diags):
        return None, _sorted(diags)
    rnd = Round(
        id=meta.id,
        path=folder,
        rubric=rubric,
        year=meta.year,
        title=meta.title,
        organiser=meta.organiser,
        status=meta.status,
        publish=meta.publish,
        counties=meta.counties,
        notification=meta.notification,
        published_date=meta.published_date,
        sample=meta.sample,
        description=meta.description,
        publish_docx=meta.publish_docx,
        scores=dict(sorted(scores.items())),
        self_scores=dict(sorted(self_scores.items())),
        ratings=dict(sorted(ratings.items())),
        bonus_awards=awards,
        deduction_events=deductions,
        veto_events=vetoes,
        reports=reports,
        feedback=feedback,
        contacts=contacts,
        decisions=decisions,
        veto_rank=meta.veto_rank,
        deadline=meta.deadline,
        review_notice=meta.review_notice,
        waivers=meta.waivers,
        onsite=onsite,
    )
    return rnd, _sorted(diags)


def _load_onsite(project, meta, rubric, folder, diags, display) -> Onsite | None:
    """The round's on-site check (``onsite:`` in round.yaml): ratings read against its own rubric."""
    part: OnsitePart = meta.onsite  # not None: the caller checked
    orubric, odiags = project.load_rubric(part.rubric_id) if part.rubric_id else (None, [])
    diags.extend(odiags)
    if orubric is None:
        hint = did_you_mean(part.rubric_id, project.rubric_ids())
        diags.append(
            Diagnostic(
                meta.yaml_path,
                *part.rubric_pos,
                ERROR,
                "round-onsite-rubric",
                f"找不到实地核查的考核细则“{part.rubric_id}”（应为 rubrics/{part.rubric_id}.yaml），"
                f"或该细则有错误（见上）。{hint}".rstrip(),
            )
        )
        return None
    octx = RoundContext(meta, orubric, diags)
    ratings = load_ratings(octx, folder / "onsite", display)
    octx.finish()
    rated = {n.id for n in orubric.leaves() if n.rating is not None}
    known = {n.id for _, n in rubric.nodes()}
    for item, targets in part.informs.items():
        if item not in rated:
            diags.append(
                Diagnostic(
                    meta.yaml_path,
                    *part.rubric_pos,
                    ERROR,
                    "round-onsite-informs",
                    f"onsite.informs 中的“{item}”不是实地核查细则“{orubric.id}”中按评价等级计分的考核项。"
                    f"{did_you_mean(item, rated)}".rstrip(),
                )
            )
        for t in targets:
            if t not in known:
                diags.append(
                    Diagnostic(
                        meta.yaml_path,
                        *part.rubric_pos,
                        ERROR,
                        "round-onsite-informs",
                        f"onsite.informs 中“{item}”所对应的“{t}”不是考核细则“{rubric.id}”中的考核领域、指标或考核项。"
                        f"{did_you_mean(t, known)}".rstrip(),
                    )
                )
    return Onsite(part, orubric, dict(sorted(ratings.items())))


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=Diagnostic.sort_key)
