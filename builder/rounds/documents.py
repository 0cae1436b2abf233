"""Per-county documents of a round: ``reports/<county>.md`` (自评报告),
``feedback/<county>.md`` (考核结果反馈: ``## 问题不足`` and ``## 改进建议``) and
``contacts/<county>.yaml`` (联系人员名单, private: only its place is kept, never its content);
and the review ids (复核编号) the feedback letter gives every disputable figure.

The report's own template rules are the checker's job (``kaohe check``); here we check
that each file belongs to a county of the round and that contacts are well-formed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..diagnostics import Diagnostic
from ..fields import Fields
from ..markdown import front_matter_values, split_front_matter
from ..yamlio import load_yaml, read_text
from .context import RoundContext
from .diag import ERROR, WARNING
from .model import Origin

FEEDBACK_HEADINGS = ("问题不足", "改进建议")
CONTACT_KEYS = ("name", "unit", "title", "role", "phone", "mobile", "email")
_PHONE = re.compile(r"^0\d{2,3}-\d{7,8}$")
_MOBILE = re.compile(r"^1\d{10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _per_county(ctx: RoundContext, folder: Path, suffixes: tuple[str, ...], what: str, display) -> dict[str, Path]:
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            continue
        shown = display(p)
        if p.is_dir() and p.suffix.lower() in suffixes:
            ctx.diags.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    ERROR,
                    "round-file-folder",
                    f"{folder.name}/{p.name} 是一个文件夹，不是{what}文件。"
                    f"请删除或改名这个文件夹，把{what}存为 {p.name} 文件。",
                )
            )
            continue
        if p.is_dir() or p.suffix.lower() not in suffixes:
            ctx.diags.append(
                Diagnostic(
                    shown,
                    0,
                    0,
                    WARNING,
                    "round-file-unknown",
                    f"{folder.name}/ 中的“{p.name}”不是{what}（<县区编号>{suffixes[0]}），已忽略。",
                )
            )
            continue
        county = ctx.county(p.stem, Origin(shown, 0, 0))
        if county is not None:
            out[county.id] = p
    return out


def load_reports(ctx: RoundContext, folder: Path, display) -> dict[str, Path]:
    """Find the self-reports ``reports/<county>.md`` of a round.

    :param folder: the round's ``reports`` folder (it need not exist).
    :param display: turns a path into the form diagnostics show.
    :return: county id → path; problems (unknown files, front matter that names another
        round or county) are added to ``ctx.diags``.
    """
    reports = _per_county(ctx, folder, (".md",), "自评报告", display)
    for cid, p in reports.items():
        shown = display(p)
        text = read_text(p, shown, ctx.diags, root=ctx.root)
        if text is None:
            continue
        _check_images(ctx, p, shown, text)
        values, lines, _ = front_matter_values(split_front_matter(text)[0], shown)  # kaohe check reports its form
        for key, expected in (("round", ctx.meta.id), ("county", cid)):
            if key in values and str(values[key]) != expected:
                ctx.diags.append(
                    Diagnostic(
                        shown,
                        lines.get(key, 1),
                        1,
                        ERROR,
                        "report-front-matter",
                        f"开头的 {key}: {values[key]} 与所在位置不一致，应为 {key}: {expected}。",
                    )
                )
    return reports


_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)>\s]+)")


def _check_images(ctx: RoundContext, p: Path, shown: str, text: str) -> None:
    """Images a report or feedback refers to by a relative path must lie inside the project.

    The site shows an image's alt text only and the PDF fetcher reads nothing outside the
    project, but a link to an outside file is refused here too, so that ``validate`` says so
    before anything is built. Links with a scheme (``http:``, ``data:``) are left to them.
    """
    from urllib.parse import unquote, urlsplit

    from ..paths import check_inside

    for lineno, line in enumerate(text.split("\n"), start=1):
        if "![" not in line:
            continue
        for m in _IMAGE.finditer(line):
            target = m.group(1)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = unquote(parts.path)
            full = Path(path) if path.startswith("/") else p.parent / path
            bad = check_inside(ctx.root, full, shown) if ctx.root is not None else None
            if bad is not None:
                ctx.diags.append(
                    Diagnostic(
                        shown,
                        lineno,
                        m.start(1) + 1,
                        ERROR,
                        "path-outside",
                        f"图片“{target}”不在项目文件夹里：" + bad.message,
                    )
                )


def load_feedback(ctx: RoundContext, folder: Path, display) -> dict[str, Path]:
    """Find the feedback files ``feedback/<county>.md`` of a round.

    :param folder: the round's ``feedback`` folder (it need not exist).
    :param display: turns a path into the form diagnostics show.
    :return: county id → path; a file without the two ``##`` sections is a warning in ``ctx.diags``.
    """
    feedback = _per_county(ctx, folder, (".md",), "反馈意见", display)
    for p in feedback.values():
        shown = display(p)
        text = read_text(p, shown, ctx.diags, root=ctx.root)
        if text is None:
            continue
        _check_images(ctx, p, shown, text)
        heads = {re.sub(r"\s+", "", m.group(1)) for m in re.finditer(r"^##\s+(.+?)\s*$", text, re.M)}
        missing = [h for h in FEEDBACK_HEADINGS if h not in heads]
        if missing:
            ctx.diags.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    WARNING,
                    "feedback-sections",
                    f"反馈意见缺少二级标题：{'、'.join('## ' + h for h in missing)}。反馈 PDF 按这两个标题分节。",
                )
            )
    return feedback


def load_contacts(ctx: RoundContext, folder: Path, display) -> dict[str, Path]:
    """Find and check the contact lists ``contacts/<county>.yaml`` of a round (never published).

    :param folder: the round's ``contacts`` folder (it need not exist).
    :param display: turns a path into the form diagnostics show.
    :return: county id → path; problems are added to ``ctx.diags``.
    """
    contacts = _per_county(ctx, folder, (".yaml", ".yml"), "联系人员名单", display)
    for cid, p in contacts.items():
        shown = display(p)
        doc = load_yaml(p, shown, root=ctx.root)
        ctx.diags.extend(doc.diagnostics)
        if doc.data is None:
            continue
        f = Fields(shown, ctx.diags, doc.data, "联系人员名单")
        if not f.ok:
            continue
        cval = f.get("county", "str")
        if cval is not None and cval != cid:
            ctx.diags.append(
                Diagnostic(
                    shown,
                    *f.pos("county"),
                    ERROR,
                    "contacts-county",
                    f"county“{cval}”与文件名“{p.name}”不一致：这里应写 {cid}。",
                )
            )
        people = f.get("contacts", "list", required=True, default=[])
        for i, person in enumerate(people):
            pf = Fields(shown, ctx.diags, person, f"第 {i + 1} 位联系人", people, i)
            if not pf.ok:
                continue
            pf.get("name", "str", required=True)
            for key in ("unit", "title", "role"):
                pf.get(key, "str")
            for key, rx, example in (
                ("phone", _PHONE, "0395-2928035"),
                ("mobile", _MOBILE, "13912345678"),
                ("email", _EMAIL, "name@example.com"),
            ):
                v = pf.get(key, "str")
                if v is not None and not rx.match(v.strip()):
                    ctx.diags.append(
                        Diagnostic(
                            shown,
                            *pf.pos(key),
                            WARNING,
                            "contacts-format",
                            f"{key}“{v}”的格式看起来不对，应类似 {example}。",
                        )
                    )
            pf.finish()
        f.finish()
    return contacts


# --------------------------------------------------------------------------- review ids (复核编号)


@dataclass(frozen=True)
class ReviewPoint:
    """One figure of a feedback letter a county may dispute (复核): a score below full
    marks or a deduction, with its stable review id (:func:`review_id`)."""

    id: str  # wuyang-1.3 / xicheng-D1
    county: str
    ref: str  # item id or deduction id
    kind: str  # item | deduction
    title: str
    score: Decimal  # the item's score, or the amount deducted
    max: Decimal  # the item's points, or the most the deduction can take (its cap, else its raw amount)
    remark: str  # 评价说明, or the deduction's evidence


def review_id(county_id: str, ref: str) -> str:
    """The stable review id of a county's item or deduction: ``wuyang-1.3``, ``xicheng-D1``.

    Built from ids only (county slug, rubric id; rubric ids are unique across items and
    deductions), so it does not move when other scores change, and reads the same in the
    letter, the reply form and the decision file."""
    return f"{county_id}-{ref}"


def split_review_id(text: str, county_ids) -> tuple[str, str] | None:
    """``wuyang-1.3`` → ("wuyang", "1.3") for a county of the round (county slugs may contain “-”)."""
    for cid in sorted(county_ids, key=len, reverse=True):
        if text.startswith(cid + "-") and len(text) > len(cid) + 1:
            return cid, text[len(cid) + 1 :]
    return None


def review_points(county) -> tuple[ReviewPoint, ...]:
    """The disputable figures of one :class:`~builder.rounds.model.CountyResult`, letter order:
    every item below full marks (rubric order), then every deduction line."""
    cid = county.county.id
    out = []
    for a in county.areas:
        for it in a.items:
            if it.score < it.item.points:
                out.append(
                    ReviewPoint(
                        review_id(cid, it.item.id),
                        cid,
                        it.item.id,
                        "item",
                        it.item.title,
                        it.score,
                        it.item.points,
                        it.remark,
                    )
                )
    for ln in county.deduction_lines:
        most = ln.raw if ln.cap is None else min(ln.raw, ln.cap)
        out.append(ReviewPoint(review_id(cid, ln.id), cid, ln.id, "deduction", ln.title, ln.amount, most, ln.evidence))
    return tuple(out)
