"""Writing the season's workbooks (status reminders, reply forms, the 汇总表) one way.

* a ``str`` is always a text cell, even when it starts with ``=``, ``+``, ``-`` or ``@``
  (:func:`builder.rounds.forms.text_cell`, the one rule for forms and the season's workbooks:
  a county's reason or a department's remark can never become a formula);
* a :class:`~decimal.Decimal` is written as its exact decimal string (openpyxl writes
  ``str(value)``), so 0.3 stays 0.3;
* the zip is rewritten with fixed timestamps (``builder.rounds.forms._reproducible``), so
  the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
from decimal import Decimal

from ..rounds.forms import FORMULA_START, _reproducible, text_cell


def put(ws, row: int, col: int, value, *, bold: bool = False, wrap: bool = False, top: bool = False):
    """Write one cell: text as text (never a formula), numbers as numbers."""
    from openpyxl.styles import Alignment, Font

    c = text_cell(ws, row, col, _value(value))  # integral decimals as ints (28, not 28.0); others exactly
    if bold:
        c.font = Font(bold=True)
    if wrap or top:
        c.alignment = Alignment(wrap_text=wrap, vertical="top")
    return c


def _value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


def append_rows(ws, rows) -> None:
    """Append many plain rows fast (``ws.append``), with the same rules as :func:`put`:
    a string that looks like a formula is turned back into text."""
    for values in rows:
        values = [_value(v) for v in values]
        ws.append(values)
        if any(isinstance(v, str) and v.startswith(FORMULA_START) for v in values):
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def fit_height(ws, row: int, widths: list[int], line: float = 15.0) -> None:
    """Set a row's height for its wrapped text (Excel and LibreOffice do not grow rows that a
    program wrote): lines = display width of the text / column width, CJK counted double."""
    import math

    from ..rounds.export import width as text_width

    lines = 1
    for col, w in enumerate(widths, start=1):
        v = ws.cell(row, col).value
        if isinstance(v, str) and w:
            lines = max(lines, math.ceil(text_width(v) / (w * 1.15)))  # measured in LibreOffice Calc
    if lines > 1:
        ws.row_dimensions[row].height = line * lines


def header(ws, row: int, names: list[str], widths: list[int] | None = None) -> None:
    """A bold, shaded header row; freezes the rows above and including it."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    for col, name in enumerate(names, start=1):
        c = put(ws, row, col, name, bold=True)
        c.fill = PatternFill("solid", fgColor="DDDDDD")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col, w in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = f"A{row + 1}"  # a coordinate, not ws.cell(): that would create row + 1


def a4_landscape(ws, title_rows: str | None = None) -> None:
    """A4 landscape, fit to the page width, header rows repeated on every printed page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def sheet_title(name: str) -> str:
    """A legal, ≤ 31-character worksheet name."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31] or "Sheet"


def save(wb, year: int | None, creator: str = "kaohe", title: str = "") -> bytes:
    """The workbook's bytes, reproducible (timestamps fixed to 1 January after the round's year)."""
    stamp = _dt.datetime(year + 1, 1, 1) if year else _dt.datetime(2000, 1, 1)
    wb.properties.creator = creator
    wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return _reproducible(buf.getvalue(), stamp)
