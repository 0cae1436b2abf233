"""Reading spreadsheet-shaped score sources (CSV and XLSX) into located records.

A sheet is: optional preamble rows, one header row, data rows.

* Preamble rows come before the header. A row whose first cell starts with ``#`` is a
  comment. ``键：值`` in one cell (``评价部门：市住建局``) or ``键`` | ``值`` in two cells
  sets a sheet property (:data:`PREAMBLE_KEYS`). Any other row with a single non-empty
  cell is a title or note and is skipped (the 附件6 form starts with one).
* The header row is the first other row. Its cells must be known column names for the
  kind of sheet (:class:`Columns`); an unknown or missing column is an error, so a sheet
  whose header was edited is refused rather than misread.
* Data rows: empty rows, ``#`` rows and ``注：`` footnotes are skipped. A blank county cell
  repeats the county above (the paper form merges the county cell over its items).

Every value keeps its :class:`~builder.rounds.model.Origin` (file, row, column, sheet).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..fields import did_you_mean
from ..limits import CSV_MAX_COLUMNS, CSV_MAX_FIELD
from ..textio import check_file, read_text
from .diag import ERROR, WARNING, at
from .model import Origin

PREAMBLE_KEYS = {
    "评价部门": "department",
    "考核评价部门": "department",
    "县区": "county",
    "被考核单位": "county",
    "考核轮次": "round",
    "填报日期": "date",
    "说明": "note",
    "备注": "note",
}
SHEET_NAME = "评价表"


@dataclass(frozen=True)
class Columns:
    """The columns of one kind of sheet: canonical key → header text.

    ``required`` lists keys that must be present; ``one_of`` groups of which at least one
    must be present; the rest are optional (informational columns are read and ignored).
    """

    names: dict[str, str]
    required: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    fill_down: tuple[str, ...] = ()

    def by_header(self) -> dict[str, str]:
        return {v: k for k, v in self.names.items()}


@dataclass
class Value:
    value: Any
    origin: Origin


@dataclass
class Record:
    origin: Origin
    values: dict[str, Value]

    def get(self, key: str) -> Any:
        v = self.values.get(key)
        return None if v is None else v.value

    def origin_of(self, key: str) -> Origin:
        v = self.values.get(key)
        return self.origin if v is None else v.origin


@dataclass
class Table:
    path: str
    meta: dict[str, Value] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    header: Origin | None = None
    ok: bool = True


def norm_header(text: Any) -> str:
    """Header text compared without spaces/line breaks and with full-width forms folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def read_table(
    path: Path, display: str, columns: Columns, diags: list[Diagnostic], root: Path | None = None
) -> Table | None:
    """Read a ``.csv`` or ``.xlsx`` file. Returns None when it cannot be read at all.

    ``root``: the project folder; a file that really lies outside it is refused (:mod:`builder.paths`).
    """
    if not check_file(path, display, diags, root):
        return None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path, display, diags)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path, display, diags)
    else:  # pragma: no cover - callers only pass .csv/.xlsx
        raise ValueError(suffix)
    if rows is None:
        return None
    return _parse(rows, display, columns, diags)


# A raw row: the row's own Origin and its non-empty cells as (value, Origin, column index).
RawRow = tuple[Origin, list[tuple[Any, Origin, int]]]


def _csv_rows(path: Path, display: str, diags: list[Diagnostic]) -> list[RawRow] | None:
    text = read_text(path, display, diags)
    if text is None:
        return None
    lines = text.split("\n")
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    out: list[RawRow] = []
    csv.field_size_limit(CSV_MAX_FIELD.value)
    reader = csv.reader(iter(lines), delimiter=delimiter)
    start = 1
    try:
        for fields in reader:
            end = reader.line_num
            if len(fields) > CSV_MAX_COLUMNS.value:
                diags.append(
                    Diagnostic(
                        display,
                        start,
                        1,
                        ERROR,
                        "sheet-csv-columns",
                        f"这一行有 {len(fields)} 列，超过上限：{CSV_MAX_COLUMNS.label}。"
                        "评价表只有几列：请检查分隔符（逗号）是否写错，或是否放错了文件。",
                        source_line="",
                    )
                )
                return None
            offsets = _field_offsets(lines[start - 1], delimiter) if end == start else []
            cells = []
            for i, f in enumerate(fields):
                v = f.strip()  # _clean for the strings a CSV field always is
                if not v:
                    continue
                col = offsets[i] + 1 if i < len(offsets) else 1
                cells.append((v, Origin(display, start, col), i + 1))
            out.append((Origin(display, start, 1), cells))
            start = end + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            diags.append(
                Diagnostic(
                    display,
                    start,
                    1,
                    ERROR,
                    "sheet-csv-field",
                    f"这一行有一个单元格太长，超过上限：{CSV_MAX_FIELD.label}。"
                    "请检查引号是否成对（一个没有配对的引号会把后面所有的内容读进同一个单元格）。",
                    source_line="",
                )
            )
            return None
        diags.append(
            Diagnostic(display, start, 1, ERROR, "sheet-csv", f"CSV 格式错误（{exc}）。请检查这一行的引号是否成对。")
        )
        return None
    return out


def _field_offsets(line: str, delimiter: str) -> list[int]:
    """Character offset where each field of a one-line CSV record starts (past an opening
    quote and leading spaces, at the value itself)."""
    if '"' not in line:  # most lines: the fields are the pieces between delimiters
        result = []
        pos = 0
        for part in line.split(delimiter):
            result.append(pos + len(part) - len(part.lstrip(" ")))
            pos += len(part) + 1
        return result
    offsets = [0]
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            offsets.append(i + 1)
    result = []
    for o in offsets:
        j = o
        while j < len(line) and line[j] in ' "':
            j += 1
        result.append(j)
    return result


def _xlsx_rows(path: Path, display: str, diags: list[Diagnostic]) -> list[RawRow] | None:
    from .xlsx import read_workbook

    sheets = read_workbook(path, display, diags)
    if sheets is None:
        return None
    ws = next((s for s in sheets if s.title == SHEET_NAME), sheets[0])
    for other in sheets:
        if other is not ws and other.cells:
            diags.append(
                Diagnostic(
                    display,
                    0,
                    0,
                    WARNING,
                    "sheet-extra",
                    f"工作簿中的工作表“{other.title}”没有读取：只读取工作表“{ws.title}”。",
                )
            )
    bad = False
    for r, c, formula in ws.formulas:
        bad = True
        shown = formula if len(formula) <= 30 else formula[:30] + "……"
        diags.append(
            at(
                Origin(display, r, c, ws.title),
                ERROR,
                "sheet-formula",
                f"单元格是公式（={shown}），不是填写的数值。",
                "这张表只接受填写的数值，不接受公式：请选中这些单元格，复制后在 Excel 中"
                "“选择性粘贴-数值”（WPS：“粘贴为数值”），再保存。",
            )
        )
    if bad:
        return None
    by_row: dict[int, list[tuple[Any, Origin, int]]] = {}
    for r, c, v in ws.cells:
        v = _clean(v)
        if v is None:
            continue
        by_row.setdefault(r, []).append((v, Origin(display, r, c, ws.title), c))
    out: list[RawRow] = []
    for r in sorted(by_row):
        cells = sorted(by_row[r], key=lambda cell: cell[2])
        out.append((Origin(display, r, 1, ws.title), cells))
    return out


def _cell_text(v: Any) -> str:
    return v if isinstance(v, str) else str(v)


_FOOTNOTE = re.compile(r"^\s*(注|备注|说明)\s*[：:]")


def _parse(rows: list[RawRow], display: str, columns: Columns, diags: list[Diagnostic]) -> Table:
    table = Table(display)
    by_header = columns.by_header()
    header_map: dict[int, str] | None = None  # column (or csv field index) -> key
    col_key: dict[int, str] = {}
    last_fill: dict[str, Value] = {}
    fill_down, required = frozenset(columns.fill_down), frozenset(columns.required)
    for origin, cells in rows:
        if not cells:
            continue
        first = _cell_text(cells[0][0])
        if first.lstrip().startswith("#"):
            continue
        if header_map is None:
            if _preamble(table, cells):
                continue
            header_map = _header(table, origin, cells, columns, by_header, diags)
            if header_map is None:
                table.ok = False
                return table
            col_key = header_map
            continue
        if len(cells) == 1 and _FOOTNOTE.match(first):
            continue
        values: dict[str, Value] = {}
        stray = []
        for v, o, idx in cells:
            key = col_key.get(idx)
            if key is None:
                stray.append((v, o))
                continue
            values[key] = Value(v, o)
        for v, o in stray:
            diags.append(at(o, WARNING, "sheet-stray-cell", f"表头以外的列中有内容“{_cell_text(v)[:20]}”，已忽略。"))
        if not fill_down.isdisjoint(values):
            last_fill = {k: values[k] for k in columns.fill_down if k in values}
        elif not required.isdisjoint(values):
            values.update(last_fill)  # blank county cell: the county above (merged cells)
        if not values:
            continue
        table.records.append(Record(origin, values))
    if header_map is None:
        diags.append(
            Diagnostic(
                display,
                1,
                1,
                ERROR,
                "sheet-header",
                f"表格中没有找到表头行。表头应包括：{'、'.join(columns.names.values())}。",
            )
        )
        table.ok = False
    return table


def _preamble(table: Table, cells: list[tuple[Any, Origin, int]]) -> bool:
    first, forigin, _ = cells[0]
    text = _cell_text(first).strip()
    m = re.match(r"^([^：:]{1,12})\s*[：:]\s*(.*)$", text, re.S)
    if m and m.group(1).strip() in PREAMBLE_KEYS:
        key = PREAMBLE_KEYS[m.group(1).strip()]
        value = m.group(2).strip()
        vorigin = forigin
        if not value and len(cells) > 1:
            value, vorigin = _cell_text(cells[1][0]).strip(), cells[1][1]
        table.meta.setdefault(key, Value(value, vorigin))
        return True
    if text in PREAMBLE_KEYS and len(cells) >= 2:
        table.meta.setdefault(PREAMBLE_KEYS[text], Value(_cell_text(cells[1][0]).strip(), cells[1][1]))
        return True
    return len(cells) == 1  # a title or a note


def _header(
    table: Table, origin: Origin, cells, columns: Columns, by_header: dict[str, str], diags: list[Diagnostic]
) -> dict | None:
    table.header = origin
    mapping: dict = {}
    seen: dict[str, Origin] = {}
    ok = True
    for v, o, idx in cells:
        name = norm_header(v)
        key = by_header.get(name)
        if key is None:
            hint = did_you_mean(name, by_header)
            diags.append(
                at(
                    o,
                    ERROR,
                    "sheet-header",
                    f"表头“{_cell_text(v)}”不是本表的列名。{hint}".rstrip(),
                    f"表头只能是：{'、'.join(columns.names.values())}。请不要修改表头行；如果改过，请按原样恢复。",
                )
            )
            ok = False
            continue
        if key in seen:
            diags.append(at(o, ERROR, "sheet-header", f"表头“{name}”重复（前面已有一列）。请删除重复的一列。"))
            ok = False
            continue
        seen[key] = o
        mapping[idx] = key
    missing = [columns.names[k] for k in columns.required if k not in seen]
    for group in columns.one_of:
        if not any(k in seen for k in group):
            missing.append("或".join(columns.names[k] for k in group))
    if missing:
        diags.append(
            at(
                origin,
                ERROR,
                "sheet-header",
                f"表头缺少列：{'、'.join(missing)}。",
                f"表头应包括：{'、'.join(columns.names.values())}。请不要修改表头行；如果改过，请按原样恢复。",
            )
        )
        ok = False
    return mapping if ok else None
