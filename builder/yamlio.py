"""Strict YAML loading that keeps every value's position.

PyYAML composes the node tree (which carries marks); we build plain Python values from
it ourselves so that duplicate keys are errors (PyYAML silently keeps the last one),
numbers with a fraction become :class:`decimal.Decimal` (never ``float``), and every
mapping and list remembers where each of its entries was written.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import ERROR, Diagnostic
from .textio import read_text  # noqa: F401  (re-exported: loaders import it from here)


class Pos:
    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int):
        self.line = line
        self.column = column

    def __repr__(self):
        return f"{self.line}:{self.column}"


def _pos(mark) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


class LMap(dict):
    """A dict that knows where it and each key/value were written."""

    pos: Pos
    key_pos: dict
    val_pos: dict


class LList(list):
    pos: Pos
    item_pos: list


_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")


_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d"
_CJK_FOLD_RE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


class YamlDoc:
    """Result of :func:`load_yaml`: the value, its source path and the diagnostics."""

    def __init__(self, path: str, data: Any, diagnostics: list[Diagnostic], text: str):
        self.path = path
        self.data = data
        self.diagnostics = diagnostics
        self.lines = text.splitlines()


def load_yaml(path: Path, display: str | None = None, text: str | None = None) -> YamlDoc:
    """Load one YAML document strictly. Never raises for bad input: see ``.diagnostics``."""
    display = display or str(path)
    diags: list[Diagnostic] = []
    if text is None:
        text = read_text(path, display, diags)
        if text is None:
            return YamlDoc(display, None, diags, "")
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        line, col, message = _syntax_error(exc)
        diags.append(Diagnostic(display, line, col, ERROR, "yaml-syntax", message))
        return YamlDoc(display, None, diags, text)
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        diags.append(Diagnostic(display, 1, 1, ERROR, "yaml-syntax", f"YAML 格式错误：{exc}"))
        return YamlDoc(display, None, diags, text)
    data = None if node is None else _build(node, display, diags)
    return YamlDoc(display, data, diags, text)


# A bracket, brace or quote left open (or a key without its colon) is noticed only where the
# parser gives up, often on a later line: the line to fix is where it was opened, which
# PyYAML (and libyaml) give as the error's context mark.
_LEFT_OPEN = {
    "while parsing a flow sequence": "这一行的方括号“[”没有配对的“]”",
    "while parsing a flow mapping": "这一行的花括号“{”没有配对的“}”",
    "while scanning a quoted scalar": "这一行的引号没有配对",
    "while scanning a simple key": "这一行的键后面缺少冒号（:）",
}


def _syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """Line, column (1-based) and Chinese message of a YAML syntax error, placed on the line
    that is wrong: where something left open was opened, else where the parser stopped."""
    problem, context = exc.problem_mark, exc.context_mark
    what = exc.problem or "语法错误"
    opened = _LEFT_OPEN.get(exc.context or "")
    if opened and context is not None and problem is not None and problem.line > context.line \
            and not (exc.context == "while scanning a quoted scalar" and "escape" in what):
        return (context.line + 1, context.column + 1,
                f"YAML 格式错误：{opened}（读到第 {problem.line + 1} 行时发现：{what}）。"
                "请在这一行补上缺少的符号，或删除多写的符号。")
    mark = problem or context
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, col, f"YAML 格式错误（{what}）。请检查这一行的缩进、冒号和引号是否成对。"


_CLoader = getattr(yaml, "CSafeLoader", None)


def _compose(text: str):
    """The node tree of ``text``: with libyaml when PyYAML has it (about 8× faster on score
    sheets of hundreds of counties), else, and for every document libyaml rejects or the
    pure-Python reader would reject, with the pure-Python parser, so that errors keep its
    messages and positions. Both give the same nodes and marks for a valid document."""
    if _CLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            return yaml.compose(text, Loader=_CLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _build(node, display: str, diags: list[Diagnostic]):
    if isinstance(node, yaml.MappingNode):
        out = LMap()
        out.pos = _pos(node.start_mark)
        out.key_pos = {}
        out.val_pos = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                diags.append(Diagnostic(display, *_lc(knode), ERROR, "yaml-merge", "不支持 YAML 合并键（<<）。请把内容直接写出来。"))
                continue
            key = _build(knode, display, diags)
            if isinstance(key, (LMap, LList)):
                diags.append(Diagnostic(display, *_lc(knode), ERROR, "yaml-key-type", "键必须是简单的文字或数字。"))
                continue
            if isinstance(key, Decimal):
                key = str(knode.value)
            if key in out:
                first = out.key_pos[key]
                diags.append(
                    Diagnostic(
                        display, *_lc(knode), ERROR, "yaml-duplicate-key",
                        f"键“{key}”重复（第 {first.line} 行已经写过）。请删除或合并其中一个。",
                    )
                )
                continue
            out[key] = _build(vnode, display, diags)
            out.key_pos[key] = _pos(knode.start_mark)
            out.val_pos[key] = _pos(vnode.start_mark)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LList()
        out.pos = _pos(node.start_mark)
        out.item_pos = []
        for item in node.value:
            out.append(_build(item, display, diags))
            out.item_pos.append(_pos(item.start_mark))
        return out
    return _scalar(node, display, diags)


def _lc(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(node: yaml.ScalarNode, display: str, diags: list[Diagnostic]):
    tag = node.tag
    value = node.value
    if node.style == ">":
        # YAML folds line breaks into spaces, which is wrong between Chinese characters.
        return _CJK_FOLD_RE.sub("", value)
    if tag == "tag:yaml.org,2002:str" or node.style in ("'", '"', "|"):
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:int":
        if _INT_RE.match(value):
            return int(value.replace("_", ""))
        return value  # octal/hex/sexagesimal forms: keep the text, the schema will complain
    if tag == "tag:yaml.org,2002:float":
        if _FLOAT_RE.match(value):
            try:
                return Decimal(value.replace("_", ""))
            except InvalidOperation:
                return value
        return value  # .inf / .nan: not a score; schema reports it
    if tag == "tag:yaml.org,2002:timestamp":
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def pos_of(container, key) -> tuple[int, int]:
    """Line and column of ``container[key]`` (value position), or of the container."""
    if isinstance(container, LMap) and key in getattr(container, "val_pos", {}):
        p = container.val_pos[key]
        return p.line, p.column
    if isinstance(container, LList) and isinstance(key, int) and key < len(container.item_pos):
        p = container.item_pos[key]
        return p.line, p.column
    p = getattr(container, "pos", None)
    return (p.line, p.column) if p else (1, 1)


def key_pos_of(container, key) -> tuple[int, int]:
    if isinstance(container, LMap) and key in getattr(container, "key_pos", {}):
        p = container.key_pos[key]
        return p.line, p.column
    return pos_of(container, key)
