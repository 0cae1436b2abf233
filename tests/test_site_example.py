"""Acceptance of the results website over the repository's own example content: a real
``mkdocs build --strict`` of a copy of the project, PDFs included (via builder.pdf)."""

from __future__ import annotations

import gzip
import html as htmlmod
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_support import build, example_project, search_docs, site_files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("example")
    root = example_project(tmp)
    out = tmp / "site"
    p = build(root, out, env={"KAOHE_PDFS": "1"})
    assert p.returncode == 0, p.stderr
    return root, out


def _results(root: Path, rid: str) -> dict:
    p = subprocess.run([sys.executable, "-m", "builder", "results", rid, "--format", "json"], cwd=root,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_acceptance_paths(example):
    _, site = example
    for rel in ["index.html", "luohe-2022/index.html", "luohe-2022/wuyang/index.html",
                "luohe-2022/notification.pdf", "luohe-2022/wuyang/feedback.pdf", "luohe-2022/wuyang/report.pdf",
                "rubrics/luohe-2022/index.html", "luohe-2022/wuyang/report/index.html"]:
        assert (site / rel).is_file(), rel
    for pdf in site.rglob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF-"), pdf


def test_unpublished_rounds_are_absent(example):
    root, site = example
    drafts = [d.name for d in (root / "content").iterdir()
              if (d / "round.yaml").is_file() and "status: published" not in (d / "round.yaml").read_text(encoding="utf-8")]
    assert drafts, "the example content has a draft round"
    for d in drafts:
        assert not (site / d).exists()
        for f in site_files(site):
            if f.suffix in (".html", ".js", ".xml"):
                assert d not in f.read_text(encoding="utf-8"), (d, f)


@pytest.mark.parametrize("rid", ["luohe-2022", "huizhou-2017"])
def test_county_pages_show_the_same_total_and_grade_as_kaohe_results(example, rid):
    root, site = example
    data = _results(root, rid)
    for c in data["counties"]:
        page = (site / rid / c["id"] / "index.html").read_text(encoding="utf-8")
        assert f'<dd class="big">{c["total"]}<span class="unit">分</span></dd>' in page, c["id"]
        assert f'>{c["grade"]}级</span>' in page, c["id"]
        if c["veto"]:
            assert "一票否决" in page
    table = (site / rid / "index.html").read_text(encoding="utf-8")
    for c in data["counties"]:
        assert re.search(rf'<td class="num total"[^>]*>{re.escape(c["total"])}</td>', table), c["id"]


def test_rank_column_follows_the_publication_level(example):
    _, site = example
    ranks = (site / "luohe-2022" / "index.html").read_text(encoding="utf-8")  # publish: ranks
    scores = (site / "huizhou-2017" / "index.html").read_text(encoding="utf-8")  # publish: scores
    assert '<th scope="col">排名</th>' in ranks and "（并列）" in ranks
    assert re.search(r'<table class="results[ "]', scores) and '<th scope="col">排名</th>' not in scores


def test_no_contact_detail_anywhere_in_the_site(example):
    root, site = example
    secrets = set()
    for f in (root / "content").glob("*/contacts/*"):
        t = f.read_text(encoding="utf-8", errors="replace")
        secrets |= set(re.findall(r"\b1\d{10}\b|\b0\d{2,3}-\d{7,8}\b|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", t))
    assert len(secrets) >= 8, "the example content has contact lists"
    for f in site_files(site):
        data = f.read_bytes()
        if f.suffix == ".gz":
            data = gzip.decompress(data)
        if f.suffix == ".pdf":
            continue  # PDFs are checked by text extraction below
        text = data.decode("utf-8", errors="replace")
        for s in secrets:
            assert s not in text, (s, f)
    from pypdf import PdfReader

    for pdf in site.rglob("*.pdf"):
        text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        for s in secrets:
            assert s not in text, (s, pdf)


def test_every_link_resolves_pdfs_included(example):
    _, site = example
    for p in site.rglob("*.html"):
        text = p.read_text(encoding="utf-8")
        for u in re.findall(r'\b(?:href|src)="([^"]*)"', text):
            u = htmlmod.unescape(u)
            parts = urlsplit(u)
            if parts.scheme or not parts.path:
                continue
            target = (p.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), (p.relative_to(site), u)


def test_search_index_finds_zhishichanquan_in_rubric_items_and_reports(example):
    _, site = example
    hits = [d for d in search_docs(site) if "知识产权" in d[1] + d[4]]
    assert any(d[0].startswith("rubrics/luohe-2022/#n-") for d in hits)
    assert any("/report/" in d[0] for d in hits)
