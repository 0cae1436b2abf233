"""The office's 汇总表 (``kaohe export ROUND --format xlsx``): the whole result for the leadership.

Three sheets, each A4 landscape with its header row frozen and repeated on every printed page:

* 总分排名 — rank, county, base, bonus, deductions, total, grade, veto;
* 领域得分 — each area's subtotal per county (and the area's maximum in the header);
* 考核项得分 — every item of every county: score, points, department, 评价说明 (and the
  on-site rating level where the rubric rates items; where a score came from is
  ``kaohe results --explain``).

Numbers are numbers (exact: a Decimal is written as its decimal string), text is text.
The round's publish level is ignored: this file is for the office, not the public.
"""

from __future__ import annotations

from ..formats import format_decimal
from .xlsx import a4_landscape, append_rows, header, put, save


def build(results) -> bytes:
    """Return the 汇总表 workbook (XLSX bytes) of a round's results; see the module docstring."""
    from openpyxl import Workbook

    rnd = results.round
    rubric = rnd.rubric
    wb = Workbook()
    flags = "（示例数据）" if rnd.sample else ""

    ws = wb.active
    ws.title = "总分排名"
    put(ws, 1, 1, f"{rnd.title} 考核结果汇总表{flags}", bold=True)
    cols = ["排名", "县区编号", "县区", "基本分", "加分", "扣分", "总分", "等次", "一票否决"]
    header(ws, 3, cols, [7, 12, 20, 9, 8, 8, 9, 7, 50])
    for r, c in enumerate(results.counties, start=4):
        veto = f"{c.veto_title}：{c.veto.description}" if c.veto is not None else ""
        for col, v in enumerate(
            [
                c.rank if c.rank is not None else "不排名",
                c.county.id,
                c.county.name,
                c.base,
                c.bonus,
                c.deductions,
                c.total,
                c.grade or "",
                veto,
            ],
            start=1,
        ):
            put(ws, r, col, v, wrap=col == 9)
    a4_landscape(ws, "3:3")

    wa = wb.create_sheet("领域得分")
    put(wa, 1, 1, f"{rnd.title} 各考核领域得分{flags}", bold=True)
    header(
        wa,
        3,
        ["排名", "县区", *[f"{a.id} {a.title}（{format_decimal(a.points)}分）" for a in rubric.areas], "基本分"],
        [7, 20, *[16] * len(rubric.areas), 9],
    )
    for r, c in enumerate(results.counties, start=4):
        put(wa, r, 1, c.rank if c.rank is not None else "不排名")
        put(wa, r, 2, c.county.name)
        for i, a in enumerate(c.areas, start=3):
            put(wa, r, i, a.score)
        put(wa, r, 3 + len(c.areas), c.base)
    a4_landscape(wa, "3:3")

    wi = wb.create_sheet("考核项得分")
    put(wi, 1, 1, f"{rnd.title} 考核项得分和评价说明{flags}", bold=True)
    rated = any(leaf.rating for leaf in rubric.leaves())
    cols = ["县区编号", "县区", "考核领域", "考核项编号", "考核项", "分值", "得分", "评价部门", "评价说明"]
    header(wi, 3, cols + (["等级"] if rated else []), [12, 16, 14, 10, 36, 7, 7, 20, 50] + ([8] if rated else []))
    order = {c.id: i for i, c in enumerate(rnd.counties)}

    def rows():
        for c in sorted(results.counties, key=lambda x: order.get(x.county.id, 0)):
            for a in c.areas:
                for it in a.items:
                    entry = rnd.scores.get((c.county.id, it.item.id))
                    dept = entry.department if entry is not None else "、".join(it.item.departments)
                    yield [
                        c.county.id,
                        c.county.name,
                        a.area.title,
                        it.item.id,
                        it.item.title,
                        it.item.points,
                        it.score,
                        dept,
                        it.remark,
                    ] + ([it.level or ""] if rated else [])

    append_rows(wi, rows())
    a4_landscape(wi, "3:3")
    return save(wb, rnd.year, rnd.organiser, f"{rnd.title} 考核结果汇总表")
