"""The one diagnostic type used for loading errors, checker findings and build failures.

A :class:`Diagnostic` names a place (path, 1-based line and column), a severity, a stable
rule id and a Chinese message that says what to fix. It is printed like a compiler
(``path:line:col: error[rule] message``, the source line, a caret) or as JSON.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"
INFO = "info"

_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

# Two label sets for the text form: the quality office's tools print the compiler-style
# English labels named in DESIGN §4; the county-facing checker prints Chinese ones.
LABELS_EN = {ERROR: "error", WARNING: "warning", INFO: "note"}
LABELS_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True, order=False)
class Diagnostic:
    path: str
    line: int
    column: int
    severity: str
    rule: str
    message: str
    hint: str | None = None
    source_line: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self):
        return (self.path, self.line, self.column, _SEVERITY_ORDER.get(self.severity, 9), self.rule, self.message)

    def to_json(self) -> dict:
        d = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }
        if self.hint:
            d["hint"] = self.hint
        return d

    @classmethod
    def from_json(cls, d: dict) -> Diagnostic:
        """The diagnostic :meth:`to_json` wrote (KeyError, TypeError or ValueError for
        anything else: a cache reading it treats that as a miss)."""
        return cls(
            str(d["path"]),
            int(d["line"]),
            int(d["column"]),
            str(d["severity"]),
            str(d["rule"]),
            str(d["message"]),
            None if d.get("hint") is None else str(d["hint"]),
        )

    def format(self, labels: dict[str, str] = LABELS_EN, source: str | None = None) -> str:
        """Compiler-style text: header line, then the source line and a caret when known."""
        label = labels.get(self.severity, self.severity)
        where = f"{self.path}:{self.line}:{self.column}" if self.line > 0 else self.path
        out = [f"{where}: {label}[{self.rule}] {self.message}"]
        src = self.source_line if self.source_line is not None else source
        if src and self.line > 0:
            src = src.rstrip("\r\n")
            col = max(self.column - 1, 0)
            if len(src) > _SOURCE_WIDTH:  # a long line: only the part around the column
                start = max(0, min(col - _SOURCE_WIDTH // 2, len(src) - _SOURCE_WIDTH))
                head, tail = ("…" if start else ""), ("…" if start + _SOURCE_WIDTH < len(src) else "")
                src = head + src[start : start + _SOURCE_WIDTH] + tail
                col = col - start + len(head)
            out.append(f"    {src}")
            # Wide (CJK) characters take two terminal cells; place the caret under the column.
            prefix = src[:col]
            width = sum(2 if _is_wide(ch) else 1 for ch in prefix)
            out.append("    " + " " * width + "^")
        if self.hint:
            out.append(f"    = {'帮助' if labels is LABELS_ZH else 'help'}: {self.hint}")
        return "\n".join(out)


_SOURCE_WIDTH = 120  # characters of a source line printed under a message


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def short_text(text: str, width: int = 40) -> str:
    """``text`` as quoted in a message: whole when short, else its start and its length."""
    return text if len(text) <= width else f"{text[: width // 2]}……（共 {len(text)} 个字符）"


class DiagnosticError(Exception):
    """Raised when loading cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self):  # pickles with its subclasses' own attributes (for forked.split_map)
        return _restore_error, (type(self), self.args, self.__dict__)


def _restore_error(cls, args, state):
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


class SourceCache:
    """Reads source lines for printing carets, tolerant of unreadable files."""

    def __init__(self):
        self._lines: dict[str, list[str] | None] = {}

    def line(self, path: str, lineno: int) -> str | None:
        if path not in self._lines:
            try:
                from .limits import TEXT_MAX_BYTES

                p = Path(path)
                # only a regular file of a readable size: never block on a pipe or read a giant
                if not p.is_file() or p.stat().st_size > TEXT_MAX_BYTES.value:
                    self._lines[path] = None
                    return None
                data = p.read_bytes()
                if b"\x00" in data[:4096]:  # binary (e.g. an XLSX sheet): no source lines to show
                    self._lines[path] = None
                    return None
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = data.decode("gb18030", errors="replace")
                # Lines end at \n, \r\n or \r only, as every reader counts them: splitlines()
                # would also break at U+2028 and U+0085 and shift the lines after them.
                self._lines[path] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            except OSError:
                self._lines[path] = None
        lines = self._lines[path]
        if lines is None or lineno < 1 or lineno > len(lines):
            return None
        return lines[lineno - 1]


def cap_per_file(diags: Iterable[Diagnostic], limit: int | None = None) -> list[Diagnostic]:
    """``diags`` sorted, with at most ``limit`` (default :data:`builder.limits.DIAGNOSTICS_PER_FILE`)
    per file: errors first, then warnings and notes, and one closing note per file (after the
    ones kept) saying how many more there were, so that a broken file cannot print megabytes."""
    from .limits import DIAGNOSTICS_PER_FILE

    limit = DIAGNOSTICS_PER_FILE.value if limit is None else limit
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diags:
        by_path.setdefault(d.path, []).append(d)
    out: list[Diagnostic] = []
    for path in sorted(by_path):
        items = by_path[path]
        if len(items) <= limit:
            out.extend(sorted(items, key=Diagnostic.sort_key))
            continue
        items.sort(key=lambda d: (_SEVERITY_ORDER.get(d.severity, 9), d.sort_key()))
        kept, rest = items[:limit], items[limit:]
        out.extend(sorted(kept, key=Diagnostic.sort_key))
        errors = sum(1 for d in rest if d.is_error)
        out.append(  # last of its file: it speaks of the problems listed above it
            Diagnostic(
                path,
                0,
                0,
                INFO,
                "diagnostics-capped",
                f"这个文件还有 {len(rest)} 条问题没有列出（其中错误 {errors} 条）：每个文件最多列出 {limit} 条。"
                "请先修改上面列出的问题，再重新检查。",
            )
        )
    return out


def render_text(diags: Iterable[Diagnostic], labels: dict[str, str] = LABELS_EN, stream=None) -> None:
    """Print ``diags`` compiler-style, capped per file (:func:`cap_per_file`)."""
    stream = stream or sys.stdout
    cache = SourceCache()
    for d in cap_per_file(diags):
        src = d.source_line if d.source_line is not None else cache.line(d.path, d.line)
        print(d.format(labels, source=src), file=stream)


def render_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps(
        {"diagnostics": [d.to_json() for d in cap_per_file(diags)]},
        ensure_ascii=False,
        indent=2,
    )
