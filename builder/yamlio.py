"""Strict YAML loading that keeps every value's position.

PyYAML parses the text into events (which carry marks); we build plain Python values from
them ourselves, without recursion and within the budgets of :mod:`builder.limits`, so
that duplicate keys are errors (PyYAML silently keeps the last one),
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
from .limits import NUMBER_MAX_LITERAL
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


# Score sheets have tens of thousands of values: a position is kept as a (line, column)
# tuple, and a Pos is made only for the few that are read through key_pos, val_pos or
# item_pos (pos_of and key_pos_of return the tuple itself).
class _PosMap(dict):
    """Key → position. Reading an entry (``[key]``, ``get``) gives a :class:`Pos`."""

    __slots__ = ()

    def __getitem__(self, key) -> Pos:
        return Pos(*dict.__getitem__(self, key))

    def get(self, key, default=None):
        at = dict.get(self, key)
        return default if at is None else Pos(*at)


class _PosList(list):
    """Index → position. Reading an entry (``[i]``) gives a :class:`Pos`."""

    __slots__ = ()

    def __getitem__(self, index):
        at = list.__getitem__(self, index)
        return [Pos(*a) for a in at] if isinstance(index, slice) else Pos(*at)


class LMap(dict):
    """A dict that knows where it and each key/value were written."""

    pos: Pos
    key_pos: _PosMap
    val_pos: _PosMap


class LList(list):
    pos: Pos
    item_pos: _PosList


_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")


_MAX_LITERAL = NUMBER_MAX_LITERAL.value

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d"
_CJK_FOLD_RE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


class YamlDoc:
    """Result of :func:`load_yaml`: the value, its source path and the diagnostics."""

    def __init__(self, path: str, data: Any, diagnostics: list[Diagnostic], text: str):
        self.path = path
        self.data = data
        self.diagnostics = diagnostics
        self.lines = text.splitlines()


def load_yaml(path: Path, display: str | None = None, text: str | None = None, root: Path | None = None) -> YamlDoc:
    """Load one YAML document strictly. Never raises for bad input: see ``.diagnostics``.

    ``root``: the project folder, passed on to :func:`~builder.textio.read_text` (the path
    rule). The budgets of :mod:`builder.limits` (nesting depth, aliases, values after
    expanding aliases) are checked while the document is built, event by event, so that a
    "billion laughs" or a document nested ten thousand levels deep stops at once with the
    line and column where the limit was passed.
    """
    display = display or str(path)
    diags: list[Diagnostic] = []
    if text is None:
        text = read_text(path, display, diags, root=root)
        if text is None:
            return YamlDoc(display, None, diags, "")
    try:
        data = _load(text, display, diags)
    except _Budget as exc:
        diags.append(exc.diagnostic)
        return YamlDoc(display, None, diags, text)
    except yaml.MarkedYAMLError as exc:
        line, col, message = _syntax_error(exc)
        diags.append(Diagnostic(display, line, col, ERROR, "yaml-syntax", message))
        return YamlDoc(display, None, diags, text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        diags.append(
            Diagnostic(
                display,
                line,
                col,
                ERROR,
                "yaml-syntax",
                f"文件中有不允许的控制字符（#x{exc.character:04x}）。请删除这个字符，或从原文重新复制这一行。",
            )
        )
        return YamlDoc(display, None, diags, text)
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        diags.append(Diagnostic(display, 1, 1, ERROR, "yaml-syntax", f"YAML 格式错误：{exc}"))
        return YamlDoc(display, None, diags, text)
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
    if (
        opened
        and context is not None
        and problem is not None
        and problem.line > context.line
        and not (exc.context == "while scanning a quoted scalar" and "escape" in what)
    ):
        return (
            context.line + 1,
            context.column + 1,
            f"YAML 格式错误：{opened}（读到第 {problem.line + 1} 行时发现：{what}）。"
            "请在这一行补上缺少的符号，或删除多写的符号。",
        )
    mark = problem or context
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, col, f"YAML 格式错误（{what}）。请检查这一行的缩进、冒号和引号是否成对。"


_CLoader = getattr(yaml, "CSafeLoader", None)
_RESOLVER = yaml.resolver.Resolver()


class _Budget(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


# Past this size a document libyaml rejects is not parsed again in pure Python for its
# messages (that parser reads about 200 KB a second): libyaml's own message and mark are shown.
_PY_REPARSE_MAX = 512 * 1024


def _load(text: str, display: str, diags: list[Diagnostic]):
    """The value of ``text``, parsed with libyaml when PyYAML has it (about 8× faster on
    score sheets of hundreds of counties), else, and for every document of up to 512 KB
    that libyaml rejects, with the pure-Python parser, so that errors keep its messages
    and positions. Both give the same events and marks for a valid document. A character
    YAML does not allow is refused first, at its place, without parsing."""
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        raise yaml.reader.ReaderError(
            "<text>", bad.start(), ord(bad.group()[0]), "unicode", "special characters are not allowed"
        )
    if _CLoader is not None:
        local: list[Diagnostic] = []
        try:
            value = _build_with(_CLoader, text, display, local)
        except yaml.YAMLError:
            if len(text) > _PY_REPARSE_MAX:
                raise
        else:
            diags.extend(local)
            return value
    return _build_with(yaml.SafeLoader, text, display, diags)


def _build_with(loader_class, text: str, display: str, diags: list[Diagnostic]):
    """:func:`_build` on the events of ``text`` read by ``loader_class`` (what
    :func:`yaml.parse` does, without its generator in between)."""
    loader = loader_class(text)
    try:
        return _build(iter(loader.get_event, None), display, diags)
    finally:
        loader.dispose()


class _Frame:
    """An open mapping or sequence while events are read."""

    __slots__ = ("value", "anchor", "mark", "weight", "key", "key_at", "skip", "keys", "at")

    def __init__(self, value, anchor, mark):
        self.value = value
        self.mark = mark
        self.anchor = anchor
        self.weight = 1
        self.key = _NO_KEY  # mapping: the key read, waiting for its value
        self.key_at: tuple[int, int] = (1, 1)  # mapping: where that key was written
        self.skip = False  # mapping: drop the value of a refused key
        # where each entry was written: a mapping's keys (keys) and values (at), a list's items (at)
        self.keys: _PosMap | None = value.key_pos if isinstance(value, LMap) else None
        self.at: Any = value.val_pos if isinstance(value, LMap) else value.item_pos


_NO_KEY = object()
_MERGE = "tag:yaml.org,2002:merge"


def _build(events, display: str, diags: list[Diagnostic]):
    """Plain values (LMap, LList, scalars) from a YAML event stream, without recursion.

    Aliases share the anchored value (nothing is copied) but count its full size against
    :data:`~builder.limits.YAML_MAX_NODES`, so whatever walks the result later is bounded
    too. Mapping keys that are not scalars, merge keys (<<) and duplicate keys are errors.
    """
    from .limits import YAML_MAX_ALIASES, YAML_MAX_DEPTH, YAML_MAX_NODES

    max_nodes, max_depth, max_aliases = YAML_MAX_NODES.value, YAML_MAX_DEPTH.value, YAML_MAX_ALIASES.value
    stack: list[_Frame] = []
    anchors: dict[str, tuple] = {}
    docs = nodes = aliases = 0
    root: Any = None
    resolve = _RESOLVER.resolve
    scalars: dict[tuple, tuple[str, Any]] = {}  # (text, tag, implicit, style) → (tag, value)
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)

    def budget(mark, rule: str, message: str):
        raise _Budget(Diagnostic(display, mark.line + 1, mark.column + 1, ERROR, rule, message))

    for event in events:
        # Each event either opens a mapping or list (then continue) or yields a value
        # (value, its mark, weight, raw text, tag), attached below to the open container.
        kind = type(event)
        if kind is scalar_event:
            raw = event.value
            # Sheets repeat the same few texts (ids, names, scores): each is resolved once.
            seen = (raw, event.tag, event.implicit, event.style)
            done = scalars.get(seen)
            if done is None:
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(yaml.ScalarNode, raw, event.implicit)
                done = scalars[seen] = (tag, _scalar(tag, raw, event.style))
            tag, value = done
            mark = event.start_mark
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1, raw, tag)
            weight = 1
        elif kind is map_start or kind is seq_start:
            if len(stack) >= max_depth:
                budget(
                    event.start_mark,
                    "yaml-too-deep",
                    f"YAML 嵌套太深，超过上限：{YAML_MAX_DEPTH.label}。"
                    "考核文件用不到这么多层，请检查缩进或方括号、花括号是否成对。",
                )
            container: LMap | LList
            if kind is map_start:
                container = LMap()
                container.key_pos = _PosMap()
                container.val_pos = _PosMap()
            else:
                container = LList()
                container.item_pos = _PosList()
            container.pos = _pos(event.start_mark)
            stack.append(_Frame(container, event.anchor, event.start_mark))
            continue
        elif kind in ends:
            frame = stack.pop()
            value, weight, mark, raw, tag = frame.value, frame.weight, frame.mark, None, None
            if frame.anchor is not None:
                anchors[frame.anchor] = (value, weight, None, None)
            nodes -= weight - 1  # its children were counted already
        elif kind is alias_event:
            aliases += 1
            mark = event.start_mark
            if aliases > max_aliases:
                budget(
                    mark,
                    "yaml-too-many-aliases",
                    f"YAML 别名太多，超过上限：{YAML_MAX_ALIASES.label}。请把内容直接写出来，不要用 & 和 * 引用。",
                )
            if event.anchor not in anchors:
                open_names = {f.anchor for f in stack}
                what = "引用了自身（递归引用）" if event.anchor in open_names else "没有定义"
                budget(mark, "yaml-syntax", f"YAML 格式错误：别名“*{event.anchor}”{what}。")
            value, weight, raw, tag = anchors[event.anchor]
        else:
            if kind is yaml.DocumentStartEvent:
                docs += 1
                if docs > 1:
                    budget(
                        event.start_mark,
                        "yaml-syntax",
                        "YAML 格式错误（一个文件里只能有一个文档，这里又开始了一个“---”）。请删除多余的部分。",
                    )
            continue

        nodes += weight
        if nodes > max_nodes:
            why = (
                "请检查是否有别名（*名称）被反复展开。"
                if aliases
                else "一个考核文件用不到这么多，请检查是否放错了文件；确实需要时请拆分成几个文件。"
            )
            budget(mark, "yaml-too-large", f"YAML 中的值太多，超过上限：{YAML_MAX_NODES.label}。" + why)
        if not stack:
            root = value
            continue
        top = stack[-1]
        top.weight += weight
        at = (mark.line + 1, mark.column + 1)
        keys = top.keys
        if keys is None:  # a list
            top.value.append(value)
            top.at.append(at)
            continue
        if top.key is _NO_KEY:  # this value is a key
            top.key_at = at
            if type(value) is str and value not in top.value and tag != _MERGE:
                top.skip = False
            else:
                top.skip = _refused_key(value, raw, tag, at, top.value, keys, display, diags)
                if not top.skip and isinstance(value, Decimal):
                    value = str(raw) if raw is not None else str(value)
            top.key = value
            continue
        key, top.key = top.key, _NO_KEY
        if top.skip:
            continue
        top.value[key] = value
        keys[key] = top.key_at
        top.at[key] = at
    return root


def _refused_key(value, raw, tag, at: tuple[int, int], m: LMap, keys: _PosMap, display: str, diags: list) -> bool:
    """Whether a mapping key is refused (merge key, not a scalar, written twice); if so, the
    error is added to ``diags``."""
    if tag == _MERGE:
        diags.append(Diagnostic(display, *at, ERROR, "yaml-merge", "不支持 YAML 合并键（<<）。请把内容直接写出来。"))
        return True
    if isinstance(value, (LMap, LList)):
        diags.append(Diagnostic(display, *at, ERROR, "yaml-key-type", "键必须是简单的文字或数字。"))
        return True
    if isinstance(value, Decimal):
        value = str(raw) if raw is not None else str(value)
    if value in m:
        first = dict.__getitem__(keys, value)[0]
        diags.append(
            Diagnostic(
                display,
                *at,
                ERROR,
                "yaml-duplicate-key",
                f"键“{value}”重复（第 {first} 行已经写过）。请删除或合并其中一个。",
            )
        )
        return True
    return False


def _scalar(tag: str, value: str, style):
    """The Python value of a scalar of ``tag`` written ``value`` (in ``style``)."""
    if style == ">":
        # YAML folds line breaks into spaces, which is wrong between Chinese characters.
        return _CJK_FOLD_RE.sub("", value)
    if tag == "tag:yaml.org,2002:str" or style in ("'", '"', "|"):
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:int":
        if _INT_RE.match(value):
            if len(value) > _MAX_LITERAL:
                # int() refuses more than 4300 digits; an exact Decimal keeps it for the
                # number check (builder.limits.number_problem) to refuse with its limit.
                return Decimal(value.replace("_", ""))
            return int(value.replace("_", ""))
        return value  # octal/hex/sexagesimal forms: keep the text, the schema will complain
    if tag == "tag:yaml.org,2002:float":
        if _FLOAT_RE.match(value):
            if len(value) > _MAX_LITERAL:
                return value  # a number nobody wrote on purpose: the schema refuses the text
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
    if isinstance(container, LMap):
        at = dict.get(getattr(container, "val_pos", {}), key)
        if at is not None:
            return at
    elif isinstance(container, LList) and isinstance(key, int) and key < len(container.item_pos):
        return list.__getitem__(container.item_pos, key)
    p = getattr(container, "pos", None)
    return (p.line, p.column) if p else (1, 1)


def key_pos_of(container, key) -> tuple[int, int]:
    """Line and column of the key ``key`` of a mapping, else as :func:`pos_of`."""
    if isinstance(container, LMap):
        at = dict.get(getattr(container, "key_pos", {}), key)
        if at is not None:
            return at
    return pos_of(container, key)
