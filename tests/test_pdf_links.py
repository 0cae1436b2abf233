"""Links in PDFs: only http(s), mailto and in-document targets; never a file:// path of the
build machine (issue 15). Real WeasyPrint PDFs, annotations read back with pypdf."""

from __future__ import annotations

import io

import pytest
from fixtures.pdf.synthetic import REPO, make_results

from builder.pdf import render_report
from builder.pdf.links import allowed, print_links
from builder.project import Project

LINKS = ("\n\n链接：[x](javascript:alert(1))、[y](../../etc/passwd)、[z](other.md)、[w](https://example.org)、"
         "[m](mailto:a@b.cn)、[e](javascript%3Aalert(1))、[f](file:///etc/passwd)、[d](data:text/html,x)、"
         "[p](//evil.example/x)、[h](HTTPS://example.org/a?b=1#c)。\n")


def _uris(pdf: bytes) -> list[str]:
    import pypdf

    out = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            action = a.get("/A")
            if action is not None and "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def test_allowed_targets():
    for ok in ("https://example.org", "http://a.cn/x", "mailto:a@b.cn", "#area-chart", "HTTPS://X.ORG"):
        assert allowed(ok), ok
    for bad in ("javascript:alert(1)", "JavaScript&#58;alert(1)", "../../etc/passwd", "other.md", "file:///etc/passwd",
                "//evil.example/x", "data:text/html,x", "ftp://example.org", "https:///nohost", "mailto:", "",
                "java\tscript:alert(1)"):
        assert not allowed(bad), bad
    assert print_links('<p><a href="other.md">z</a> <a class="k" href="https://e.org">w</a></p>') == \
        '<p><a>z</a> <a class="k" href="https://e.org">w</a></p>'


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    project = Project(REPO)
    out = []
    for name in ("first", "second-folder-elsewhere"):
        results = make_results(tmp_path_factory.mktemp(name) / "deeper" / "luohe-2022", counties=1, report_extra=LINKS)
        out.append(render_report(results, project, results.counties[0].county.id))
    return out


def test_report_links_are_http_or_mailto_only(two_builds):
    uris = _uris(two_builds[0])
    assert sorted(uris) == ["HTTPS://example.org/a?b=1#c", "https://example.org", "mailto:a@b.cn"], uris
    assert not any("file:" in u or "javascript" in u.lower() or "passwd" in u for u in uris)
    assert b"file:" not in two_builds[0]


def test_the_link_text_stays(two_builds, tmp_path):
    import pdfplumber

    path = tmp_path / "r.pdf"
    path.write_bytes(two_builds[0])
    with pdfplumber.open(str(path)) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages).replace("\n", "")
    assert "链接：" in text and "z、w、m" in text


def test_same_input_in_two_folders_gives_the_same_bytes(two_builds):
    assert two_builds[0] == two_builds[1]
