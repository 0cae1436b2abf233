"""Blank department score sheets (评价表, 漯河 附件6) as XLSX: ``kaohe forms ROUND``.

One workbook per evaluating department, sheet “评价表”::

    row 1   <round title> 质量工作考核评价表        (title, skipped when read back)
    row 2   评价部门：<department>                   (read back: the sheet's department)
    row 3   考核轮次：<round id>                     (read back: checked against the round)
    row 4   说明：……                                 (how to fill in)
    row 5   县区编号 | 所评县区 | 考核项编号 | 所评价项目 | 分值 | 评分标准 | 实际得分 | 评价说明
    row 6…  one row per county × item of the department (county blocks, rubric order)

“实际得分” has cell validation (a decimal between 0 and the item's points); the sheet is
protected without a password so that only the two columns to fill are editable. A filled
form dropped into ``content/<round>/scores/`` is read back as is (departments.py).
Output is byte-for-byte reproducible (fixed timestamps in the zip and the properties).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass

from ..rubric import fmt
from ..rubric.model import Node
from .context import dept_key
from .departments import COLUMNS
from .sheets import SHEET_NAME

HEADER = [COLUMNS.names[k] for k in ("county_id", "county", "item", "title", "points", "criterion", "score", "remark")]
HEADER_ROW = 5
NO_DEPARTMENT = "未指定评价部门"


@dataclass(frozen=True)
class Form:
    department: str  # "" when the rubric assigns no department to these items
    filename: str
    items: tuple[Node, ...]
    data: bytes


def department_items(rubric) -> dict[str, list[Node]]:
    """Department → the items it scores (rating items excluded), in rubric order.
    Items without departments are grouped under ""."""
    out: dict[str, list[Node]] = {}
    for leaf in rubric.leaves():
        if leaf.rating is not None:
            continue
        for d in leaf.departments or ("",):
            out.setdefault(d, []).append(leaf)
    return out


def safe_filename(name: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._")
    return name or "form"


def build_forms(meta, rubric, departments: list[str] | None = None) -> list[Form]:
    """One :class:`Form` per department (or only those named in ``departments``)."""
    groups = department_items(rubric)
    wanted = None if not departments else {dept_key(d) for d in departments}
    forms = []
    for dept, items in groups.items():
        if wanted is not None and dept_key(dept) not in wanted:
            continue
        data = _workbook(meta, rubric, dept, items)
        filename = safe_filename(dept or NO_DEPARTMENT) + ".xlsx"
        forms.append(Form(dept, filename, tuple(items), data))
    return forms


# OWASP "CSV injection": a cell whose text starts with one of these is run as a formula by
# Excel, WPS and LibreOffice (=HYPERLINK(...), +cmd|..., @SUM(...)); tab and CR too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(ws, row: int, col: int, value):
    """``ws.cell(row, col, value)``, but text is always stored as text, never as a formula.

    openpyxl turns any string starting with ``=`` into a formula; rubric and round text
    comes from outside, so such a string is stored as a plain string cell with Excel's own
    “quote prefix” flag (what typing ``'=…`` in Excel does): the department sees the text
    exactly as written and nothing is evaluated.
    """
    c = ws.cell(row, col)
    c.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        c.data_type = "s"
        c.quotePrefix = True
    return c


def _workbook(meta, rubric, dept: str, items: list[Node]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ncol = len(HEADER)
    text_cell(ws, 1, 1, f"{meta.title} 质量工作考核评价表").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    text_cell(ws, 2, 1, f"评价部门：{dept}")
    text_cell(ws, 3, 1, f"考核轮次：{meta.id}")
    shared = (
        "；与其他部门共同评价的考核项，由其中一个部门填写即可" if any(len(n.departments) > 1 for n in items) else ""
    )
    no_dept = "；请先在上面“评价部门：”后填写本部门名称" if not dept else ""
    text_cell(
        ws,
        4,
        1,
        "说明：请在“实际得分”列填写 0 到该项分值之间的数字（可有小数，如 4.5），"
        "“评价说明”需客观说明工作中的优势不足和改进建议；请不要修改表头和前六列，"
        f"不要增删行{shared}{no_dept}。填好后交市质强办。",
    )
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=ncol)
    ws.cell(4, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[4].height = 48
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, name in enumerate(HEADER, start=1):
        c = text_cell(ws, HEADER_ROW, col, name)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDDDDD")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    validations: dict = {}
    fill_in = PatternFill("solid", fgColor="FFF8DC")
    row = HEADER_ROW + 1
    for county in meta.counties:
        for node in items:
            others = [d for d in node.departments if dept_key(d) != dept_key(dept)] if dept else []
            title = node.title + (f"（与{'、'.join(others)}共同评价）" if others else "")
            values = [county.id, county.name, node.id, title, node.points, node.criterion, None, None]
            for col, v in enumerate(values, start=1):
                c = text_cell(ws, row, col, v)
                c.border = border
                c.alignment = Alignment(vertical="top", wrap_text=col in (4, 6, 8))
                if col in (1, 2, 3):
                    c.number_format = "@"
                if col >= 7:
                    c.protection = Protection(locked=False)
                    c.fill = fill_in
            key = fmt(node.points)
            if key not in validations:
                dv = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=key,
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="得分超出范围",
                    error=f"本项分值 {key} 分：实际得分应为 0 到 {key} 之间的数字。",
                    showInputMessage=True,
                    promptTitle="实际得分",
                    prompt=f"填写 0 到 {key} 之间的数字",
                )
                ws.add_data_validation(dv)
                validations[key] = dv
            validations[key].add(ws.cell(row, 7))
            row += 1
    ws.cell(2, 1).protection = Protection(locked=bool(dept))  # editable when the department is to be filled in
    widths = [10, 14, 10, 36, 6, 50, 10, 40]
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + col)].width = w
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    stamp = _dt.datetime(meta.year + 1, 1, 1) if meta.year else _dt.datetime(2000, 1, 1)
    wb.properties.creator = meta.organiser or "kaohe"
    wb.properties.title = f"{meta.title} 评价表 {dept}".strip()
    buf = io.BytesIO()
    wb.save(buf)
    return _reproducible(buf.getvalue(), stamp)


def reproducible_xlsx(data: bytes, stamp: _dt.datetime) -> bytes:
    """An .xlsx (zip) rewritten so that the same workbook gives the same bytes (also used by
    :mod:`builder.opendata`)."""
    return _reproducible(data, stamp)


def _reproducible(data: bytes, stamp: _dt.datetime) -> bytes:
    """Rewrite the zip with fixed entry times and fixed document dates."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{iso}\3", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()
