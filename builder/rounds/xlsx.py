"""Reading the cells of an XLSX workbook within budgets, for score sheets from outside.

Why not openpyxl here (it still writes the forms, :mod:`.forms`): its normal mode walks the
whole used range, so one cell at XFD1048576 in a 2 KB file means 17 billion empty cells;
its read-only mode pads every gap between rows with empty rows; a cell pointing at a
missing shared string raises ``IndexError`` with no cell named; and with ``data_only`` a
formula's cached result is read as if someone had typed it. This reader streams each
part with :func:`defusedxml.ElementTree.iterparse` (no DTD, no entities, no external
references: the standard defusedxml behaviour) and yields only the cells that hold a
value, so time and memory follow what is written, never the coordinates. The zip
directory is checked first (file size, total uncompressed size, compression ratio), and
:mod:`zipfile` never inflates an entry past the size it declares.

Values come back as openpyxl would give them: ``int``/``float`` for numbers, ``str``,
``bool``, ``datetime`` for a number in a date format. Every problem is a located
diagnostic (sheet and cell); nothing here raises for bad input.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..limits import (
    DIAGNOSTICS_PER_FILE,
    NUMBER_MAX_LITERAL,
    XLSX_MAX_BYTES,
    XLSX_MAX_CELLS,
    XLSX_MAX_COLUMNS,
    XLSX_MAX_RATIO,
    XLSX_MAX_ROWS,
    XLSX_MAX_STRINGS,
    XLSX_MAX_UNCOMPRESSED,
)
from .diag import ERROR, at, cell_ref
from .model import Origin

RESAVE = "请用 Excel 或 WPS 打开后另存为“Excel 工作簿（*.xlsx）”。"
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_DATE_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})


@dataclass
class SheetCells:
    """One worksheet: its name and its non-empty cells as ``(row, column, value)``, in file order."""

    title: str
    cells: list[tuple[int, int, Any]] = field(default_factory=list)
    formulas: list[tuple[int, int, str]] = field(default_factory=list)


class _Stop(Exception):
    """A budget was passed or the workbook is broken: the diagnostic is already recorded."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_workbook(path: Path, display: str, diags: list[Diagnostic]) -> list[SheetCells] | None:
    """Every worksheet of ``path`` (in workbook order), or None with an error diagnostic."""
    reader = _Reader(path, display, diags)
    try:
        return reader.read()
    except _Stop:
        return None


class _Reader:
    def __init__(self, path: Path, display: str, diags: list[Diagnostic]):
        self.path = path
        self.display = display
        self.diags = diags
        self.errors = 0
        self.cells = 0

    def fail(self, message: str, origin: Origin | None = None):
        o = origin or Origin(self.display, 0, 0)  # the whole file: no line to point at
        self.diags.append(at(o, ERROR, "sheet-unreadable", message))
        raise _Stop

    def cell_error(self, origin: Origin, rule: str, message: str, hint: str | None = None):
        self.errors += 1
        if self.errors > DIAGNOSTICS_PER_FILE.value:
            self.diags.append(
                Diagnostic(
                    self.display,
                    0,
                    0,
                    ERROR,
                    rule,
                    f"错误太多，后面的单元格没有再检查（{DIAGNOSTICS_PER_FILE.label}）。请先修改上面列出的问题。",
                )
            )
            raise _Stop
        self.diags.append(at(origin, ERROR, rule, message, hint))

    # -- the zip -------------------------------------------------------------------------
    def read(self) -> list[SheetCells]:
        try:
            size = self.path.stat().st_size
        except OSError as exc:
            self.fail(f"无法读取这个文件（{exc.strerror or exc}）。")
        if size > XLSX_MAX_BYTES.value:
            self.fail(
                f"XLSX 文件太大（{size // 1024 // 1024} MB），超过上限：{XLSX_MAX_BYTES.label}。请检查是否放错了文件。"
            )
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
            self.fail(f"无法读取 XLSX 文件（{type(exc).__name__}：不是有效的 XLSX/ZIP 文件）。{RESAVE}")
        with zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if total > XLSX_MAX_UNCOMPRESSED.value:
                    self.fail(
                        f"XLSX 文件解压后太大，超过上限：{XLSX_MAX_UNCOMPRESSED.label}（可能是“压缩炸弹”）。{RESAVE}"
                    )
                if info.file_size > 1024 * 1024 and info.file_size > XLSX_MAX_RATIO.value * max(info.compress_size, 1):
                    self.fail(
                        f"XLSX 中的“{info.filename}”压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），"
                        f"超过上限：{XLSX_MAX_RATIO.label}（可能是“压缩炸弹”）。{RESAVE}"
                    )
            self.zf = zf
            self.names = set(zf.namelist())
            return self._workbook()

    def _iter(self, name: str):
        """(event, element) of one part, with DTDs, entities and external references refused."""
        import defusedxml
        from defusedxml.ElementTree import ParseError, iterparse

        try:
            with self.zf.open(name) as fh:
                yield from iterparse(
                    fh, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True
                )
        except defusedxml.DefusedXmlException:
            self.fail(
                f"XLSX 中的“{name}”含有 DTD 或实体定义（<!DOCTYPE>、<!ENTITY>），"
                f"正常的 Excel 文件不会有，为安全起见拒绝读取。{RESAVE}"
            )
        except ParseError as exc:
            self.fail(f"XLSX 中的“{name}”不是有效的 XML（{exc}）。{RESAVE}")
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            # a damaged or encrypted entry: CRC mismatch, bad deflate data, unsupported method
            self.fail(f"XLSX 中的“{name}”无法解压（{type(exc).__name__}）。{RESAVE}")

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target part name) of ``part``."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        out: dict[str, tuple[str, str]] = {}
        if rels not in self.names:
            return out
        for ev, el in self._iter(rels):
            if ev == "end" and _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                if el.get("TargetMode") == "External":
                    continue
                name = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
                out[el.get("Id", "")] = (el.get("Type", ""), name)
        return out

    def _workbook(self) -> list[SheetCells]:
        main = next((t for typ, t in self._rels("").values() if typ.endswith("/officeDocument")), "xl/workbook.xml")
        if main not in self.names:
            self.fail(f"XLSX 文件中没有工作簿（{main}）。{RESAVE}")
        rels = self._rels(main)
        sheets: list[tuple[str, str]] = []
        for ev, el in self._iter(main):
            if ev == "end" and _local(el.tag) == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
                typ, target = rels.get(rid, ("", ""))
                if target in self.names:
                    sheets.append((el.get("name", ""), target))
        if not sheets:
            self.fail(f"XLSX 文件中没有工作表。{RESAVE}")
        self.strings = self._shared_strings(
            next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")), None)
        )
        self.date_styles = self._date_styles(next((t for typ, t in rels.values() if typ.endswith("/styles")), None))
        return [self._sheet(title, part) for title, part in sheets]

    def _shared_strings(self, part: str | None) -> list[str]:
        out: list[str] = []
        if part is None or part not in self.names:
            return out
        buf: list[str] = []
        skip = 0  # inside <rPh> (phonetic guide): not part of the text
        for ev, el in self._iter(part):
            name = _local(el.tag)
            if name == "rPh":
                skip += 1 if ev == "start" else -1
            elif ev == "end" and name == "t" and not skip:
                buf.append(el.text or "")
            elif ev == "end" and name == "si":
                out.append("".join(buf))
                buf = []
                el.clear()
                if len(out) > XLSX_MAX_STRINGS.value:
                    self.fail(f"XLSX 的共享字符串太多，超过上限：{XLSX_MAX_STRINGS.label}。{RESAVE}")
        return out

    def _date_styles(self, part: str | None) -> set[int]:
        """Indexes of the cell formats (``s`` of a cell) that show a number as a date or time."""
        from openpyxl.styles.numbers import is_date_format

        if part is None or part not in self.names:
            return set()
        custom: dict[int, str] = {}
        out: set[int] = set()
        in_xfs = False
        index = 0
        for ev, el in self._iter(part):
            name = _local(el.tag)
            if name == "cellXfs":
                in_xfs = ev == "start"
            elif ev == "end" and name == "numFmt":
                with contextlib.suppress(ValueError):
                    custom[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
            elif ev == "end" and name == "xf" and in_xfs:
                try:
                    fid = int(el.get("numFmtId", "0"))
                except ValueError:
                    fid = 0
                if fid in _DATE_IDS or (fid in custom and is_date_format(custom[fid])):
                    out.add(index)
                index += 1
        return out

    # -- one worksheet -------------------------------------------------------------------
    def _sheet(self, title: str, part: str) -> SheetCells:
        sheet = SheetCells(title)
        row_no = 0
        col_no = 0
        cell: dict | None = None
        for ev, el in self._iter(part):
            name = _local(el.tag)
            if ev == "start":
                if name == "row":
                    r = el.get("r")
                    row_no = int(r) if r and r.isdigit() and len(r) < 9 else row_no + 1
                    col_no = 0
                elif name == "c":
                    ref = el.get("r")
                    m = _REF.match(ref or "")
                    if m:
                        col_no = _col_index(m.group(1))
                        row_no = int(m.group(2))
                    else:
                        col_no += 1
                    cell = {"t": el.get("t", "n"), "s": el.get("s"), "v": None, "f": None, "is": []}
                elif name == "f" and cell is not None:
                    cell["f"] = ""
                continue
            # end events
            if cell is not None:
                if name == "v":
                    cell["v"] = el.text or ""
                elif name == "f":
                    cell["f"] = el.text or ""
                elif name == "t":
                    cell["is"].append(el.text or "")
                elif name == "c":
                    self._cell(sheet, row_no, col_no, cell)
                    cell = None
                    el.clear()
            if name == "row":
                el.clear()
        return sheet

    def _cell(self, sheet: SheetCells, row: int, col: int, cell: dict) -> None:
        origin = Origin(self.display, row, col, sheet.title)
        t, v = cell["t"], cell["v"]
        if cell["f"] is not None:
            if v is None and not cell["f"]:
                return  # shared-formula stub with nothing computed
            sheet.formulas.append((row, col, cell["f"]))
        if t == "inlineStr":
            value: Any = "".join(cell["is"])
        elif v is None:
            return  # formatting only
        elif t == "s":
            try:
                value = self.strings[int(v)]
            except (ValueError, IndexError):
                self.cell_error(
                    origin,
                    "sheet-unreadable",
                    f"单元格指向不存在的共享字符串（第 {v[:12]} 个，"
                    f"文件中只有 {len(self.strings)} 个）：文件已损坏。{RESAVE}",
                )
                return
        elif t == "b":
            value = v.strip() in ("1", "true")
        elif t in ("str", "e"):
            value = v
        else:
            value = _number(v)
            if (
                isinstance(value, (int, float))
                and cell["s"]
                and cell["s"].isdigit()
                and int(cell["s"]) in self.date_styles
            ):
                value = _excel_date(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if row > XLSX_MAX_ROWS.value or col > XLSX_MAX_COLUMNS.value or row < 1 or col < 1:
            self.cell_error(
                origin,
                "sheet-range",
                f"单元格 {cell_ref(row, col)} 超出了评价表的范围（{XLSX_MAX_ROWS.label}，{XLSX_MAX_COLUMNS.label}）。"
                "请删除这个单元格的内容，或把表格移到左上角。",
            )
            return
        self.cells += 1
        if self.cells > XLSX_MAX_CELLS.value:
            self.fail(f"XLSX 中有内容的单元格太多，超过上限：{XLSX_MAX_CELLS.label}。请检查是否放错了文件。", origin)
        sheet.cells.append((row, col, value))


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _number(text: str) -> Any:
    text = text.strip()
    if len(text) > NUMBER_MAX_LITERAL.value:
        return text  # refused as a score by parse_score, with the limit named
    try:
        if any(ch in text for ch in ".eE"):
            return float(text)
        return int(text)
    except ValueError:
        return text


def _excel_date(serial: float) -> Any:
    try:
        return _dt.datetime(1899, 12, 30) + _dt.timedelta(days=float(serial))
    except (OverflowError, ValueError):
        return serial
