"""Making diagnostics from :class:`~builder.rounds.model.Origin` values.

CSV/YAML origins point at a line and a character column (the caret lands on the value);
XLSX origins point at a row and a spreadsheet column, and the message names the cell
(``单元格 G12``) because a spreadsheet has no source line to print.
"""

from __future__ import annotations

from ..diagnostics import ERROR, INFO, WARNING, Diagnostic
from .model import Origin

__all__ = ["ERROR", "INFO", "WARNING", "at", "cell_ref"]


def cell_ref(row: int, column: int) -> str:
    """Spreadsheet cell name: (12, 7) → G12."""
    letters = ""
    n = column
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def at(origin: Origin, severity: str, rule: str, message: str, hint: str | None = None) -> Diagnostic:
    """A diagnostic at ``origin``; for a spreadsheet the sheet and cell (or row) are named in
    the message, since editors show those rather than a line number."""
    if origin.sheet and origin.line and origin.column:
        message = f"{message}（工作表“{origin.sheet}”单元格 {cell_ref(origin.line, origin.column)}）"
    elif origin.sheet and origin.line:
        message = f"{message}（工作表“{origin.sheet}”第 {origin.line} 行）"
    return Diagnostic(origin.path, origin.line, origin.column, severity, rule, message, hint)


class Grouped:
    """Collects one diagnostic per key and counts repeats, so that a department that
    scored a wrong item for all eight counties gets one message, not eight."""

    def __init__(self):
        self._first: dict = {}
        self._count: dict = {}

    def add(self, key, make) -> None:
        """``make`` is called once, for the first occurrence: () -> Diagnostic."""
        if key not in self._first:
            self._first[key] = make()
            self._count[key] = 0
        self._count[key] += 1

    def flush(self, diags: list) -> None:
        """Append the first diagnostic of every key to ``diags``, saying how many times it occurred."""
        for key, d in self._first.items():
            n = self._count[key]
            if n > 1:
                d = Diagnostic(
                    d.path,
                    d.line,
                    d.column,
                    d.severity,
                    d.rule,
                    f"{d.message}（同类问题共 {n} 处，只在第一处报告）",
                    d.hint,
                )
            diags.append(d)
        self._first.clear()
        self._count.clear()
