"""The checker page's Python side, run in the browser by Pyodide (see ``themes/kaohe/assets/check.js``).

The page writes the chosen file (or the pasted text, as a ``.md`` file) into Pyodide's
in-memory file system and calls :func:`check`, which runs the very entry point of
``kaohe check`` (:func:`builder.checker.check_file`) with the round facts exported at build
time (``facts.json``, read into a :class:`~builder.checker.cache.Facts`). Nothing here reads
the network; the file stays in the browser's memory. Pure standard library besides the
checker, so it also runs (and is tested) on the command line's Python.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..checker import check_file
from ..checker.cache import Facts

_facts: Facts | None = None

WHOLE_FILE = "整个文件"
OPENING = "标题和开头"


def load_facts(path: str) -> list[str]:
    """Read ``facts.json`` once; returns the ids of the rounds it knows."""
    global _facts
    _facts = Facts(json.loads(Path(path).read_text(encoding="utf-8")))
    return _facts.round_ids()


def check(path: str, name: str, round_id: str, county_id: str) -> str:
    """Check the file at ``path`` (shown as ``name``) as ``county_id``'s report in ``round_id``.

    Returns JSON: ``file`` — what ``kaohe check --format json`` prints for the file
    (``{"path", "stats", "diagnostics"}``), each diagnostic with its ``hint`` and the quoted
    ``source`` line added when it has them; ``groups`` — the findings grouped by the part of
    the report they are in (``{"title", "line", "items": [index into diagnostics]}``, in
    document order); ``errors`` and ``warnings`` — counts.
    """
    if _facts is None:
        raise RuntimeError("load_facts() first")
    result = check_file(Path(path), _facts, round_id, county_id, display=name)
    data = result.to_json()
    for d, j in zip(result.diagnostics, data["diagnostics"], strict=True):
        if d.hint:  # none of today's rules sets one; shown when a rule does
            j["hint"] = d.hint
        if d.source_line is not None and d.source_line.strip():  # the line quoted, as the text output does
            j["source"] = d.source_line.strip()
    return json.dumps(
        {"file": data, "groups": group(result), "errors": result.errors, "warnings": result.warnings},
        ensure_ascii=False,
    )


def group(result) -> list[dict]:
    """The findings by the report's part they fall in: the file as a whole (unreadable,
    empty, or a finding in another file), the title and opening lines, then each
    section, the annex and each case, by the line of its heading."""
    sections = list(result.sections)
    groups: dict[int, dict] = {}
    order: list[int] = []
    for i, d in enumerate(result.diagnostics):
        if d.path != result.path or d.rule.startswith("io-"):
            key, title, line = -1, WHOLE_FILE, 0
        else:
            before = [s for s in sections if s[0] <= d.line]
            if before:
                line, title = before[-1]
                key = line
            else:
                key, title, line = 0, OPENING, 0
        if key not in groups:
            groups[key] = {"title": title, "line": line, "items": []}
            order.append(key)
        groups[key]["items"].append(i)
    return [groups[k] for k in sorted(order)]
