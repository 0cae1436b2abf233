"""Typed reading of located YAML mappings (in the spirit of MkDocs' config_options).

``Fields(doc, mapping, where)`` reads keys with a declared type; unknown keys (with a
"did you mean"), missing required keys and wrong types become diagnostics with the
exact line and column, and reading goes on so that every problem is reported at once.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .diagnostics import ERROR, Diagnostic, short_text
from .limits import number_problem
from .yamlio import LMap, key_pos_of, pos_of

_TYPE_NAMES = {
    "str": "文字",
    "int": "整数",
    "decimal": "数字",
    "bool": "true 或 false",
    "list": "列表",
    "map": "映射（键: 值）",
    "date": "日期（如 2023-03-06）",
    "strlist": "文字或文字列表",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.5)
    return f"你是不是想写“{close[0]}”？" if close else ""


class Fields:
    def __init__(self, path: str, diags: list[Diagnostic], mapping: Any, where: str, container=None, key=None):
        """``where`` names the object in messages (e.g. “考核项 1.2”)."""
        self.path = path
        self.diags = diags
        self.where = where
        self.ok = isinstance(mapping, dict)
        self.m = mapping if self.ok else LMap()
        self.seen: set = set()
        if not self.ok:
            line, col = pos_of(container, key) if container is not None else (1, 1)
            self.error(line, col, "schema-type", f"{where}应当是{_TYPE_NAMES['map']}。")

    def error(self, line: int, col: int, rule: str, message: str, hint: str | None = None):
        self.diags.append(Diagnostic(self.path, line, col, ERROR, rule, message, hint))

    def pos(self, key) -> tuple[int, int]:
        return pos_of(self.m, key)

    def get(self, key: str, kind: str, required: bool = False, default: Any = None) -> Any:
        self.seen.add(key)
        if key not in self.m:
            if required and self.ok:
                line, col = pos_of(self.m, None) if hasattr(self.m, "pos") else (1, 1)
                self.error(line, col, "schema-missing", f"{self.where}缺少必填项“{key}”。")
            return default
        value = self.m[key]
        if kind in ("int", "decimal") and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            problem = number_problem(value)
            if problem:
                line, col = self.pos(key)
                self.error(line, col, "number-limit", f"{self.where}的“{key}”{problem}，现在是“{_show(value)}”。")
                return default
        conv = _convert(value, kind)
        if conv is _BAD:
            line, col = self.pos(key)
            self.error(
                line, col, "schema-type", f"{self.where}的“{key}”应当是{_TYPE_NAMES[kind]}，现在是“{_show(value)}”。"
            )
            return default
        return conv

    def finish(self) -> None:
        """Report keys that were never read: unknown keys."""
        for key in self.m:
            if key not in self.seen:
                line, col = key_pos_of(self.m, key)
                hint = did_you_mean(key, self.seen)
                self.error(line, col, "schema-unknown-key", f"{self.where}中有不认识的键“{key}”。{hint}".rstrip())


_BAD = object()


def _show(value) -> str:
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    return short_text(str(value))


def _convert(value, kind: str):
    if kind == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return str(value)
        return _BAD
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else _BAD
    if kind == "decimal":
        if isinstance(value, bool):
            return _BAD
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, Decimal):
            return value if value.is_finite() else _BAD
        return _BAD
    if kind == "bool":
        return value if isinstance(value, bool) else _BAD
    if kind == "list":
        return value if isinstance(value, list) else _BAD
    if kind == "map":
        return value if isinstance(value, dict) else _BAD
    if kind == "date":
        if isinstance(value, _dt.date):
            return value
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                return _BAD
        return _BAD
    if kind == "strlist":
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        return _BAD
    raise ValueError(kind)


def iter_list(fields: Fields, key: str, what: str, required: bool = False):
    """Yield (index, item, LList) for each entry of a list-valued key."""
    value = fields.get(key, "list", required=required, default=None)
    if value is None:
        return
    for i, item in enumerate(value):
        yield i, item, value
