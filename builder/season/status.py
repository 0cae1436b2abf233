"""Collection status of a round (``kaohe status``): which department sheets are in.

For every evaluating department of the rubric (the items it scores: ``forms.department_items``):

* the sheets received (files under ``scores/`` whose 评价部门 is that department), each with
  the (county, item) rows it left blank (a returned ``kaohe forms`` sheet has every row);
* the (county, item) pairs it still owes: no valid score for them on any sheet (an item
  shared by several departments is owed by each of them until one scores it);
* its state: ``missing`` (no sheet), ``partial`` (a sheet with empty pairs), ``complete``.

Also: items no department owns (the rubric names none), the days left to ``deadline:`` in
round.yaml, and the number of errors ``kaohe validate`` would report in the sheets.
Reading goes through the same loader as ``kaohe validate`` (departments.read_sheets), so a
score counts as received exactly when validation accepts it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..rounds.context import RoundContext, dept_key, item_key
from ..rounds.departments import read_sheets
from ..rounds.forms import department_items
from ..rounds.numbers import parse_score

NO_OWNER = "（未指定评价部门）"
STATE_ZH = {"missing": "未报送", "partial": "未填完", "complete": "已完成"}


@dataclass
class SheetStatus:
    """One score sheet of a department: how many scores it holds and which rows are blank."""

    path: str
    filled: int  # valid scores on this sheet
    empty: list = field(default_factory=list)  # (county id, item id) rows of the sheet left blank


@dataclass
class DepartmentStatus:
    """A department's state for ``kaohe status``: its sheets, what is still missing."""

    department: str
    items: list  # rubric leaves it scores
    sheets: list[SheetStatus]
    expected: int
    missing: list[tuple[str, str]]  # (county id, item id), rubric then county order
    state: str = "missing"


@dataclass
class RoundStatus:
    """How far a round's score sheets have come, as ``kaohe status`` shows it."""

    round_id: str
    title: str
    counties: tuple
    departments: list[DepartmentStatus]
    unowned: list  # leaves with no department
    deadline: _dt.date | None
    today: _dt.date
    errors: int  # errors in the sheets (what kaohe validate reports besides missing scores)
    unknown_sheets: list[str] = field(default_factory=list)  # sheets of no department of the rubric
    sample: bool = False  # 示例数据: said in the reminder workbook's titles

    @property
    def days_left(self) -> int | None:
        """Days until the deadline (negative when past), or ``None`` without a deadline."""
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def late(self) -> list[DepartmentStatus]:
        """The departments that have not sent every score yet."""
        return [d for d in self.departments if d.state != "complete"]


def collect(meta, rubric, display, today: _dt.date) -> RoundStatus:
    """The status of ``meta``'s round. Pure apart from reading ``scores/``; never raises for bad sheets."""
    diags: list = []
    ctx = RoundContext(meta, rubric, diags)
    scores, sheets = read_sheets(ctx, meta.path / "scores", display)
    ctx.finish()
    errors = sum(1 for d in diags if d.is_error and d.rule != "score-missing")
    filled_by_sheet: dict[str, int] = {}
    for entry in scores.values():
        filled_by_sheet[entry.origin.path] = filled_by_sheet.get(entry.origin.path, 0) + 1
    empty_by_sheet = {s.path: _empty_rows(s, ctx, scores) for s in sheets}
    groups = department_items(rubric)
    known = {dept_key(d) for d in groups if d}
    out = []
    for dept, items in groups.items():
        if not dept:
            continue
        key = dept_key(dept)
        mine = [
            SheetStatus(s.path, filled_by_sheet.get(s.path, 0), empty_by_sheet[s.path])
            for s in sheets
            if dept_key(s.department) == key
        ]
        missing = [(c.id, n.id) for n in items for c in meta.counties if (c.id, n.id) not in scores]
        ds = DepartmentStatus(dept, items, mine, len(items) * len(meta.counties), missing)
        ds.state = "missing" if not mine and missing else ("partial" if missing else "complete")
        out.append(ds)
    unowned = groups.get("", [])
    if unowned:  # any department may score them: one line for all of them
        ids = {n.id for n in unowned}
        holders = {e.origin.path for e in scores.values() if e.item in ids}
        mine = [
            SheetStatus(s.path, filled_by_sheet.get(s.path, 0), empty_by_sheet[s.path])
            for s in sheets
            if s.path in holders
        ]
        missing = [(c.id, n.id) for n in unowned for c in meta.counties if (c.id, n.id) not in scores]
        ds = DepartmentStatus(NO_OWNER, unowned, mine, len(unowned) * len(meta.counties), missing)
        ds.state = "missing" if not mine and missing else ("partial" if missing else "complete")
        out.append(ds)
    unknown = [s.path for s in sheets if known and dept_key(s.department) not in known]
    return RoundStatus(
        meta.id, meta.title, meta.counties, out, unowned, meta.deadline, today, errors, unknown, meta.sample
    )


def _empty_rows(sheet, ctx, scores) -> list[tuple[str, str]]:
    """The rows of a sheet (a form from ``kaohe forms``) whose 实际得分 is still blank."""
    out = []
    for rec in sheet.records:
        if rec.get("item") is None or not parse_score(rec.get("score")).empty:
            continue
        written = rec.get("county_id") or rec.get("county")
        c = ctx.county_ids.get(str(written)) or ctx.county_names.get(str(written))
        item = item_key(rec.get("item"))
        if c is not None and (c.id, item) not in scores:
            out.append((c.id, item))
    return out


def status_json(st: RoundStatus) -> dict:
    """Return the round status as JSON-ready data, for ``kaohe status --format json``."""
    names = {c.id: c.name for c in st.counties}
    return {
        "round": st.round_id,
        "today": st.today.isoformat(),
        "deadline": st.deadline.isoformat() if st.deadline else None,
        "days_left": st.days_left,
        "errors": st.errors,
        "departments": [
            {
                "department": d.department,
                "state": d.state,
                "expected": d.expected,
                "filled": d.expected - len(d.missing),
                "sheets": [
                    {"path": s.path, "filled": s.filled, "empty": [{"county": c, "item": i} for c, i in s.empty]}
                    for s in d.sheets
                ],
                "missing": [{"county": c, "county_name": names[c], "item": i} for c, i in d.missing],
            }
            for d in st.departments
        ],
        "unowned_items": [{"id": n.id, "title": n.title} for n in st.unowned],
        "unknown_sheets": st.unknown_sheets,
    }


def _missing_text(d: DepartmentStatus, counties, limit: int = 60) -> str:
    """The owed pairs in a few words: “全部县区 1.1、1.2” or “舞阳县 1.1；临颍县 1.2、1.3”."""
    if not d.missing:
        return ""
    per: dict[str, list[str]] = {}
    for c, i in d.missing:
        per.setdefault(c, []).append(i)
    sets = {tuple(v) for v in per.values()}
    if len(per) == len(counties) and len(sets) == 1:
        text = f"全部县区 {'、'.join(next(iter(sets)))}"
    else:
        names = {c.id: c.name for c in counties}
        text = "；".join(f"{names[c]} {'、'.join(v)}" for c, v in per.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(st: RoundStatus, console) -> None:
    """The one-screen table for the office (rich)."""
    from rich.table import Table

    left = st.days_left
    when = ""
    if st.deadline is not None and left is not None:
        when = (
            f"，截止 {st.deadline.isoformat()}，还剩 {left} 天"
            if left > 0
            else f"，截止 {st.deadline.isoformat()}，今天截止"
            if left == 0
            else f"，截止 {st.deadline.isoformat()}，已超过 {-left} 天"
        )
    done = sum(1 for d in st.departments if d.state == "complete")
    console.print(
        f"{st.title}（{st.round_id}）评价表报送情况：{done}/{len(st.departments)} 个部门已完成{when}", soft_wrap=True
    )
    table = Table(show_lines=False)
    table.add_column("评价部门")
    table.add_column("状态")
    table.add_column("评价表")
    table.add_column("已填/应填", justify="right")
    table.add_column("还缺")
    for d in st.departments:
        files = "、".join(s.path.rsplit("/", 1)[-1] for s in d.sheets) or (
            "—（共同评价项已由其他部门填写）" if d.state == "complete" else "—"
        )
        state = STATE_ZH[d.state]
        style = {"missing": "bold red", "partial": "yellow", "complete": "green"}[d.state]
        table.add_row(
            d.department,
            f"[{style}]{state}[/]",
            files,
            f"{d.expected - len(d.missing)}/{d.expected}",
            _missing_text(d, st.counties),
        )
    console.print(table)
    if st.unowned:
        ids = "、".join(n.id for n in st.unowned)
        console.print(
            f"没有评价部门的考核项 {len(st.unowned)} 项（细则中没有写 departments，任何部门都可以打分，"
            f"表中记为“{NO_OWNER}”）：{ids}",
            soft_wrap=True,
        )
    for p in st.unknown_sheets:
        console.print(f"[yellow]{p}：评价部门不是本细则的评价部门，没有计入。[/]", soft_wrap=True)
    if st.errors:
        console.print(
            f"[red]评价表中还有 {st.errors} 个错误，用 kaohe validate {st.round_id} 查看。[/]", soft_wrap=True
        )


def reminder_xlsx(st: RoundStatus, year: int | None, organiser: str) -> bytes:
    """催报清单: a summary sheet and one sheet per late department listing what it still owes."""
    from openpyxl import Workbook

    from .xlsx import a4_landscape, header, put, save, sheet_title

    wb = Workbook()
    ws = wb.active
    ws.title = "催报汇总"
    deadline = st.deadline.isoformat() if st.deadline else "（未定）"
    flag = "（示例数据）" if st.sample else ""
    put(ws, 1, 1, f"{st.title} 评价表催报清单{flag}（截至 {st.today.isoformat()}，报送截止 {deadline}）", bold=True)
    header(ws, 3, ["评价部门", "状态", "已填", "应填", "还缺（项）"], [24, 10, 8, 8, 10])
    row = 4
    for d in st.late:
        for col, v in enumerate(
            [d.department, STATE_ZH[d.state], d.expected - len(d.missing), d.expected, len(d.missing)], start=1
        ):
            put(ws, row, col, v)
        row += 1
    a4_landscape(ws, "3:3")
    names = {c.id: c.name for c in st.counties}
    used: set[str] = {"催报汇总"}
    for d in st.late:
        title = sheet_title(d.department)
        n = 2
        while title in used:
            title = sheet_title(f"{d.department[:27]}_{n}")
            n += 1
        used.add(title)
        wd = wb.create_sheet(title)
        put(
            wd,
            1,
            1,
            f"{d.department}：请在 {deadline} 前补报以下 {len(d.missing)} 项得分（{st.title}）{flag}",
            bold=True,
        )
        header(wd, 3, ["县区编号", "县区", "考核项编号", "考核项", "分值"], [12, 18, 10, 50, 8])
        items = {n.id: n for n in d.items}
        for r, (cid, iid) in enumerate(d.missing, start=4):
            for col, v in enumerate([cid, names[cid], iid, items[iid].title, items[iid].points], start=1):
                put(wd, r, col, v, wrap=col == 4)
        a4_landscape(wd, "3:3")
    return save(wb, year, organiser, f"{st.title} 催报清单")
