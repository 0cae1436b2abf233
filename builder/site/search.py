"""The local search index, split so that one query downloads little (issue 12).

Chinese has no spaces between words, and word segmentation at build time (jieba) and at
query time (none in the browser) would have to agree. Instead the index is an inverted
index of **character bigrams** (and single characters, for one-character queries) of the
folded text: a query term of two or more characters matches the documents that hold every
bigram of it — 知识产权 → 知识, 识产, 产权 — which finds 知识产权 inside 知识产权局 or 侵犯
知识产权 without a dictionary. The page script then checks each document it shows for the
exact term (a document holding the bigrams but not the term is dropped), so recall is
that of plain substring search, the method before the split.

Files (all scripts, so that search works when the site is opened from disk, ``file://``:
a page may load a script from a ``file:`` URL, but not ``fetch`` one)::

    search/search-index.js    manifest: number of documents, shards, block size (a few bytes)
    search/k/<h>.js           shard h: {key: postings} for every key whose hash falls in h
    search/d/<b>.js           documents b·B … b·B+B−1: [url, title, kind, flags, text]

A key goes to shard ``fnv1a32(key as UTF-16 code units) mod shards``; its postings are the
ids of the documents that hold it, ascending, written as base-36 deltas joined by ``,`` (or,
when shorter, ``~`` and a base64 bitmap with one bit per document). A
title key (the same key prefixed with U+0001) lists the documents whose *title* holds it,
in the same shard, for ranking: title matches first, then document order. The number of
shards grows with the index so that a shard stays near :data:`SHARD_BYTES`; a query loads
the shards of its keys and the document blocks of the one page of results it shows.

Folding, on both sides: full-width ASCII letters and digits to half-width, A–Z to a–z,
whitespace runs to one space; keys never contain whitespace (query terms are split on it).

Only what the pages show goes in: scores of a grades-only round never do, contacts never
exist here (the loader does not read them), draft rounds only when drafts are built.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from itertools import pairwise

from .pages import SearchDoc

SHARD_BYTES = 24_000  # target size of one key shard
BLOCK_DOCS = 4  # documents per document block (a page of results loads up to 11 of them)
TITLE = "\u0001"  # prefix of title keys

_WS = re.compile(r"\s+")
_FULLWIDTH = {
    c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)
}


def fold(text: str) -> str:
    """The folding the page script applies to queries (search.js ``fold``)."""
    return _WS.sub(" ", text.translate(_FULLWIDTH)).translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(0x41, 0x5B)}


def keys(text: str) -> set[str]:
    """Every character and every pair of adjacent characters of folded ``text``, no whitespace."""
    out: set[str] = set()
    prev = ""
    for ch in fold(text):
        if ch == " ":
            prev = ""
            continue
        out.add(ch)
        if prev:
            out.add(prev + ch)
        prev = ch
    return out


def fnv1a(key: str) -> int:
    """FNV-1a, 32 bits, over the UTF-16 code units of ``key`` (what JavaScript strings hold)."""
    h = 0x811C9DC5
    data = key.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


@functools.cache  # a round's deltas are few distinct numbers, each used thousands of times
def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = digits[r] + s
    return s


def _postings(ids: list[int], n_docs: int) -> str:
    """Base-36 deltas joined by ``,``; for a key in many documents (质量, 20) a bitmap is shorter:
    ``~`` and the base64 of one bit per document, bit i of byte i // 8 for document i."""
    deltas = ",".join([_b36(b - a) for a, b in zip([0, *ids], ids, strict=False)])
    if len(ids) * 8 > n_docs:  # cheap test first: a bitmap costs n_docs / 6 characters
        bits = bytearray((n_docs + 7) // 8)
        for i in ids:
            bits[i >> 3] |= 1 << (i & 7)
        bitmap = "~" + base64.b64encode(bytes(bits)).decode("ascii")
        if len(bitmap) < len(deltas):
            return bitmap
    return deltas


def _js(call: str, *args) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    # "</" inside a script would end it early if the file were ever inlined; keep it harmless.
    body = body.replace("</", "<\\/")
    return call + "(" + body + ");\n"


def index_files(docs: list[SearchDoc]) -> dict[str, str]:
    """Every file of the index, ``{path under site/: text}`` (see the module doc); deterministic."""
    rows = []
    for d in sorted(docs, key=lambda d: (d.url, d.title)):
        flags = ("s" if d.sample else "") + ("d" if d.draft else "")
        rows.append([d.url, d.title, d.kind, flags, _WS.sub(" ", d.text).strip()])
    postings: dict[str, list[int]] = {}
    for i, (_, title, _, _, text) in enumerate(rows):
        for k in keys(title) | keys(text):
            postings.setdefault(k, []).append(i)
        for k in keys(title):
            postings.setdefault(TITLE + k, []).append(i)
    encoded = {k: _postings(v, len(rows)) for k, v in postings.items()}
    total = sum(len(k.encode()) + len(v) + 6 for k, v in encoded.items())
    shards = 1
    while total / shards > SHARD_BYTES:
        shards *= 2
    buckets: list[dict[str, str]] = [{} for _ in range(shards)]
    for k in sorted(encoded):
        base = k[1:] if k.startswith(TITLE) else k
        buckets[fnv1a(base) % shards][k] = encoded[k]
    files = {
        "search/search-index.js": "window.KAOHE_SEARCH="
        + json.dumps({"version": 2, "docs": len(rows), "shards": shards, "block": BLOCK_DOCS}, separators=(",", ":"))
        + ";\n"
    }
    for h, bucket in enumerate(buckets):
        files[f"search/k/{h}.js"] = _js("KAOHE_SEARCH_KEYS", h, bucket)
    for b in range(0, len(rows), BLOCK_DOCS):
        files[f"search/d/{b // BLOCK_DOCS}.js"] = _js("KAOHE_SEARCH_DOCS", b // BLOCK_DOCS, rows[b : b + BLOCK_DOCS])
    return files


def query_payload(files: dict[str, str], query: str, page_size: int = 10) -> dict:
    """What the page script downloads for ``query`` (first page of results), in bytes.

    Mirrors search.js: the manifest, the shards of the query's keys, and the document blocks
    of the first ``page_size`` candidates in rank order (more when candidates are dropped by
    the exact check). For the benchmark (benchmarks/README.md) and the tests.
    """
    meta = json.loads(files["search/search-index.js"].split("=", 1)[1].rstrip(";\n"))
    shards, block = meta["shards"], meta["block"]
    terms = [t for t in fold(query).split(" ") if t]
    need: list[str] = []
    for t in terms:
        chars = list(t)
        need += chars if len(chars) == 1 else [a + b for a, b in pairwise(chars)]
    loaded: dict[int, dict] = {}
    for k in need:
        h = fnv1a(k) % shards
        if h not in loaded:
            text = files[f"search/k/{h}.js"]
            loaded[h] = json.loads(text[text.index(",") + 1 : text.rindex(")")])
    sets, titles = [], []
    for t in terms:
        chars = list(t)
        ks = chars if len(chars) == 1 else [a + b for a, b in pairwise(chars)]
        ids = tids = None
        for k in ks:
            got = set(_decode(loaded[fnv1a(k) % shards].get(k, "")))
            tgot = set(_decode(loaded[fnv1a(k) % shards].get(TITLE + k, "")))
            ids = got if ids is None else ids & got
            tids = tgot if tids is None else tids & tgot
        sets.append(ids or set())
        titles.append(tids or set())
    cand = set.intersection(*sets) if sets else set()
    ranked = sorted(cand, key=lambda i: (-sum(i in ts for ts in titles), i))
    # as search.js fill(): check just as many candidates as the page still needs (page_size + 1,
    # to know whether there is a next page), batch after batch
    blocks: set[int] = set()
    shown, nxt, wanted = 0, 0, page_size + 1
    while shown < wanted and nxt < len(ranked):
        batch = ranked[nxt : nxt + wanted - shown]
        nxt += len(batch)
        for i in batch:
            blocks.add(i // block)
            url, title, _, _, text = _rows(files, i // block)[i % block]
            hay = fold(title + " " + text)
            if all(t in hay for t in terms):
                shown += 1
    paths = (
        ["search/search-index.js"]
        + [f"search/k/{h}.js" for h in sorted(loaded)]
        + [f"search/d/{b}.js" for b in sorted(blocks)]
    )
    return {"files": paths, "bytes": sum(len(files[p].encode("utf-8")) for p in paths), "candidates": len(cand)}


def _decode(s: str) -> list[int]:
    if s.startswith("~"):
        bits = base64.b64decode(s[1:])
        return [i * 8 + b for i, byte in enumerate(bits) for b in range(8) if byte >> b & 1]
    out, prev = [], 0
    for part in s.split(",") if s else []:
        prev += int(part, 36)
        out.append(prev)
    return out


def _rows(files: dict[str, str], b: int) -> list:
    text = files[f"search/d/{b}.js"]
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])
