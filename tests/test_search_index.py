"""The search index (``builder.site.search.index_files``) is built fast and byte for byte as the
straightforward algorithm below, kept here as its specification (issue 13): one Python loop per
character for the keys, one ``setdefault`` per key and document, base-36 deltas or a bitmap
per key. The browser's search.js reads exactly this format.

Compared on a generated project (many documents: several shards, bitmaps, document ids of
two base-36 digits and more), on the small test project, and on made-up documents that hold
full-width letters and digits, ASCII capitals, runs of every kind of whitespace, empty texts
and titles, characters beyond the BMP, NUL and U+0001 (the title-key prefix) in the text.
"""

from __future__ import annotations

import base64
import json
import random
import re
import sys

import pytest

from builder.project import Project
from builder.site import pages as P
from builder.site.collect import collect
from builder.site.search import BLOCK_DOCS, SHARD_BYTES, TITLE, fold, index_files
from site_support import REPO, make_project

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

# ── the specification: index_files as it was before it was made fast ──

_WS = re.compile(r"\s+")
_FULLWIDTH = {
    c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)
}
_ASCII_LOWER = {c: c + 32 for c in range(0x41, 0x5B)}


def spec_fold(text: str) -> str:
    return _WS.sub(" ", text.translate(_FULLWIDTH)).translate(_ASCII_LOWER)


def spec_keys(text: str) -> set[str]:
    out: set[str] = set()
    prev = ""
    for ch in spec_fold(text):
        if ch == " ":
            prev = ""
            continue
        out.add(ch)
        if prev:
            out.add(prev + ch)
        prev = ch
    return out


def spec_fnv1a(key: str) -> int:
    h = 0x811C9DC5
    data = key.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def spec_b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = digits[r] + s
    return s


def spec_postings(ids: list[int], n_docs: int) -> str:
    deltas = ",".join([spec_b36(b - a) for a, b in zip([0, *ids], ids, strict=False)])
    if len(ids) * 8 > n_docs:
        bits = bytearray((n_docs + 7) // 8)
        for i in ids:
            bits[i >> 3] |= 1 << (i & 7)
        bitmap = "~" + base64.b64encode(bytes(bits)).decode("ascii")
        if len(bitmap) < len(deltas):
            return bitmap
    return deltas


def spec_js(call: str, *args) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return call + "(" + body.replace("</", "<\\/") + ");\n"


def spec_index_files(docs: list[P.SearchDoc]) -> dict[str, str]:
    rows = []
    for d in sorted(docs, key=lambda d: (d.url, d.title)):
        flags = ("s" if d.sample else "") + ("d" if d.draft else "")
        rows.append([d.url, d.title, d.kind, flags, _WS.sub(" ", d.text).strip()])
    postings: dict[str, list[int]] = {}
    for i, (_, title, _, _, text) in enumerate(rows):
        for k in spec_keys(title) | spec_keys(text):
            postings.setdefault(k, []).append(i)
        for k in spec_keys(title):
            postings.setdefault(TITLE + k, []).append(i)
    encoded = {k: spec_postings(v, len(rows)) for k, v in postings.items()}
    total = sum(len(k.encode()) + len(v) + 6 for k, v in encoded.items())
    shards = 1
    while total / shards > SHARD_BYTES:
        shards *= 2
    buckets: list[dict[str, str]] = [{} for _ in range(shards)]
    for k in sorted(encoded):
        base = k[1:] if k.startswith(TITLE) else k
        buckets[spec_fnv1a(base) % shards][k] = encoded[k]
    meta = {"version": 2, "docs": len(rows), "shards": shards, "block": BLOCK_DOCS}
    files = {"search/search-index.js": "window.KAOHE_SEARCH=" + json.dumps(meta, separators=(",", ":")) + ";\n"}
    for h, bucket in enumerate(buckets):
        files[f"search/k/{h}.js"] = spec_js("KAOHE_SEARCH_KEYS", h, bucket)
    for b in range(0, len(rows), BLOCK_DOCS):
        block = rows[b : b + BLOCK_DOCS]
        files[f"search/d/{b // BLOCK_DOCS}.js"] = spec_js("KAOHE_SEARCH_DOCS", b // BLOCK_DOCS, block)
    return files


def assert_same(docs: list[P.SearchDoc]) -> dict[str, str]:
    got, want = index_files(docs), spec_index_files(docs)
    assert list(got) == list(want)
    for path in want:  # one file at a time, so that a failure names it
        assert got[path] == want[path], path
    return got


def postings_of(files: dict[str, str]) -> list[str]:
    out = []
    for path, text in files.items():
        if path.startswith("search/k/"):
            out += json.loads(text[text.index(",") + 1 : text.rindex(")")]).values()
    return out


# ── documents ──


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[P.SearchDoc]:
    """The documents of a generated project of 30 counties (about 700)."""
    root = tmp_path_factory.mktemp("srch") / "p"
    generate.generate(30, root)
    site = collect(Project(root))
    assert site.ok, [d.format() for d in site.diagnostics if d.is_error][:5]
    return list(P.plan(site, P.SiteOptions(pdfs=False)).search)


ODD = [
    "ＡＢＣ",
    "ａｂｃ",
    "０１２９",
    "ＱｕａＬＩＴＹ",
    "ABC",
    "Quality",
    "A级",
    "质量",
    "知识产权",
    "强",
    " ",
    "  ",
    "\t",
    "\n\n",
    "\u3000",
    "\u00a0",
    "\u2003\r\n",
    "\x1c",
    "𠀀",
    "𠀀𠀁",
    "😀",
    "\x00",
    "a\x00b",
    "\x01",
    "\x01强",
    "\x01a",
    "</",
    '"',
    "\\",
    "Ⅳ",
    "Ä",
    "ß",
    "2022",
]


def odd_docs(n: int, seed: int) -> list[P.SearchDoc]:
    """``n`` documents of random pieces of ``ODD``: few distinct keys, so many of them are in more
    than one document in eight (a bitmap, or deltas when those are still shorter)."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        title = "".join(rnd.choices(ODD, k=rnd.randrange(0, 4)))
        text = "".join(rnd.choices(ODD, k=rnd.choice([0, 1, 5, 30])))
        docs.append(P.SearchDoc(f"d/{i:05d}/", title, rnd.choice(["页面", "考核细则"]), text, sample=i % 3 == 0))
    return docs


# ── tests ──


def test_generated_project_index_is_as_the_spec(generated):
    files = assert_same(generated)
    meta = json.loads(files["search/search-index.js"].split("=", 1)[1].rstrip(";\n"))
    assert meta["docs"] > 36 * 18 and meta["shards"] > 1  # three-digit ids in base 36 exist
    postings = postings_of(files)
    assert any(p.startswith("~") for p in postings)  # bitmaps
    assert any(len(p.split(",")) > 8 and not p.startswith("~") for p in postings)  # long delta lists


def test_small_test_project_index_is_as_the_spec(tmp_path):
    site = collect(Project(make_project(tmp_path)))
    assert_same(list(P.plan(site, P.SiteOptions(pdfs=True)).search))


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 9, 40, 97, 300, 1500])
def test_odd_documents_index_is_as_the_spec(n):
    assert_same(odd_docs(n, seed=n))


def test_odd_documents_reach_every_branch():
    seen = set()
    for n in (9, 12, 17, 40, 1500):
        files = assert_same(odd_docs(n, seed=1))
        bitmap_len = 1 + 4 * (((n + 7) // 8 + 2) // 3)
        for p in postings_of(files):
            frequent = p.startswith("~") or len(p.split(",")) * 8 > n
            seen.add(("bitmap" if p.startswith("~") else "deltas", frequent, len(p) <= bitmap_len))
        meta = json.loads(files["search/search-index.js"].split("=", 1)[1].rstrip(";\n"))
        seen.add(("shards", meta["shards"] > 1))
    # rare keys: deltas; frequent ones: a bitmap, or deltas when not longer (few documents only)
    assert seen >= {("deltas", False, True), ("bitmap", True, True), ("deltas", True, True), ("shards", True)}
    everything = "".join(files.values())
    assert "𠀀" in everything and '"\\u0001强"' in everything and "<\\/" in everything


def test_text_u0001_bigram_and_title_key_share_one_list():
    # text "\x01强" has the bigram \x01强, which is also the title key of 强: the spec keeps one
    # list for both, with the document twice when both hold it (a delta of 0)
    docs = [P.SearchDoc("a/", "强", "页面", "\x01强"), P.SearchDoc("b/", "弱", "页面", "\x01强")]
    files = assert_same(docs)
    assert '"\\u0001强":"0,0,1"' in files["search/k/0.js"]


def test_fold_is_as_the_spec():
    samples = ["".join(random.Random(i).choices(ODD, k=12)) for i in range(200)]
    samples += ["".join(map(chr, range(0xFF00, 0xFF60))), "".join(map(chr, range(0x20, 0x7F)))]
    for s in samples:
        assert fold(s) == spec_fold(s), s

