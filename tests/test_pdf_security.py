"""WeasyPrint may read only the project's theme and the round's content files.

Its default fetcher reads any ``file://`` path and any ``http(s)://`` address; these tests
show that (a control with the default fetcher) and that ours reads neither.
"""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path

import pytest

from builder.pdf import render_report
from builder.pdf.fetcher import FetchRefused, RestrictedFetcher
from builder.pdf.render import FONT_MARKER, Job, Renderer
from builder.project import Project
from fixtures.pdf.synthetic import REPO, make_results, tiny_png


@pytest.fixture()
def server():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = tiny_png()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def project():
    return Project(REPO)


# ------------------------------------------------------------------ the fetcher itself


def test_fetcher_refuses_files_outside_the_roots(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    (root / "ok.png").write_bytes(tiny_png())
    (root / "notes.yaml").write_text("secret: 1", encoding="utf-8")
    (root / "link.png").symlink_to("/etc/passwd")
    f = RestrictedFetcher([root])
    assert f.fetch((root / "ok.png").as_uri()).read() == tiny_png()
    for url in ("file:///etc/passwd", (root / "link.png").as_uri(), f"file://{root}/../../../../etc/passwd",
                (root / "notes.yaml").as_uri(), "file://otherhost/etc/passwd", "ftp://127.0.0.1/x.png",
                "data:text/html,<script>1</script>", "kaohe-font:unknown.otf", "http://127.0.0.1:9/x.png",
                "https://example.com/x.png"):
        with pytest.raises(FetchRefused):
            f.fetch(url)
    assert len(f.refused) == 10
    assert f.fetch("data:image/png;base64,iVBORw0KGgo=").read() == b"\x89PNG\r\n\x1a\n"


def test_html_resources_are_not_fetched_but_default_weasyprint_would(project, server, tmp_path):
    url, hits = server
    html = (f"<html><head><style>{FONT_MARKER}</style>"
            f'<link rel="stylesheet" href="{url}/style.css"></head><body>'
            f'<p>正文</p><img src="file:///etc/passwd"><img src="{url}/a.png">'
            f'<div style="background: url({url}/b.png)">背景</div></body></html>')
    # Control: WeasyPrint's own fetcher goes to the network (and would read any file).
    from weasyprint import HTML

    HTML(string=html.replace(FONT_MARKER, ""), base_url=str(tmp_path)).write_pdf()
    assert hits, "control failed: default WeasyPrint fetcher did not request the URL"
    hits.clear()
    renderer = Renderer(project)
    job = Job("report", None, "x.pdf", html, html, str(tmp_path), str(tmp_path), "x.md", [])
    out = renderer.write(job)
    assert out.pdf.startswith(b"%PDF")
    assert hits == []
    refused = " ".join(d.message for d in out.diagnostics if d.rule == "pdf-resource-refused")
    assert "file:///etc/passwd" in refused and f"{url}/a.png" in refused and f"{url}/style.css" in refused


# ------------------------------------------------------------------ through a report


def test_report_cannot_read_local_files_or_the_network(project, server, tmp_path):
    url, hits = server
    extra = (f'\n\n<img src="file:///etc/passwd">\n\n'
             f"![网络图片]({url}/photo.png)\n\n"
             f"![本机文件](file:///etc/passwd)\n\n"
             f"![越界路径](../../../../../../etc/passwd)\n")
    results = make_results(tmp_path / "luohe-2022", counties=1, report_extra=extra)
    data = render_report(results, project, "wuyang")
    assert hits == []
    assert b"root:x:0:0" not in data
    text = _text(data, tmp_path)
    assert '<img src="file:///etc/passwd">' in text  # raw HTML is shown as text, never used
    # the allowed photo (reports/photo.png in the round's folder) is still there
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    images = {x.get_object()["/Width"] for p in reader.pages for x in (p.get("/Resources", {}).get("/XObject") or {}).values()}
    assert images == {40}  # one image: the 40 px stand-in photo


@pytest.mark.slow
def test_refusals_are_reported_as_warnings(project, server, tmp_path):
    from builder.pdf import render_round_pdfs

    url, hits = server
    results = make_results(tmp_path / "luohe-2022", counties=1, report_extra=f"\n\n![网络图片]({url}/photo.png)\n")
    warnings = []
    render_round_pdfs(results, project, tmp_path / "out", jobs=1, county="wuyang", warnings=warnings)
    assert hits == []
    [w] = [d for d in warnings if d.rule == "pdf-resource-refused"]
    assert w.severity == "warning" and w.path.endswith("reports/wuyang.md") and url in w.message


def _text(data: bytes, tmp_path: Path) -> str:
    import pdfplumber

    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    with pdfplumber.open(str(path)) as pdf:
        return "".join(c["text"] for p in pdf.pages for c in p.chars)
