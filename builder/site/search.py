"""The local search index: a small JavaScript file the search page loads.

Chinese has no spaces between words, and word segmentation at build time (jieba) and at
query time (none in the browser) would have to agree. Instead the index keeps the plain
text of every document and the page script matches the query as exact substrings, after
folding full-width letters and digits and case on both sides: every query term must occur
in the title or text. That finds 知识产权 inside 知识产权局 or 侵犯知识产权 without a
dictionary, and costs nothing at build time beyond writing the file.

The file is a script (``window.KAOHE_SEARCH = {...}``) rather than JSON fetched at run time,
so that search also works when the site is opened from disk (``file://``).

Only what the pages show goes in: scores of a grades-only round never do, contacts never
exist here (the loader does not read them), draft rounds only when drafts are built.
"""

from __future__ import annotations

import json
import re

from .pages import SearchDoc

_WS = re.compile(r"\s+")


def index_script(docs: list[SearchDoc]) -> str:
    """The index as a deterministic script: documents in URL order, compact JSON."""
    rows = []
    for d in sorted(docs, key=lambda d: (d.url, d.title)):
        flags = ("s" if d.sample else "") + ("d" if d.draft else "")
        rows.append([d.url, d.title, d.kind, _WS.sub(" ", d.text).strip(), flags])
    payload = json.dumps({"version": 1, "docs": rows}, ensure_ascii=False, separators=(",", ":"))
    # "</" inside a script would end it early if the file were ever inlined; keep it harmless.
    payload = payload.replace("</", "<\\/")
    return f"window.KAOHE_SEARCH={payload};\n"
