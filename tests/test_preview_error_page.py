"""The preview's error page (builder/site/build.py): the diagnostics as the terminal prints them,
escaped (a source line is the user's text), written where the browser will look."""

from __future__ import annotations

import io
from pathlib import Path

import jinja2

from builder.diagnostics import ERROR, Diagnostic, DiagnosticError, render_text
from builder.project import Project
from builder.site import build as B


def test_the_page_shows_the_terminal_text_escaped(tmp_path):
    bad = tmp_path / "round.yaml"
    bad.write_text("title: <script>alert(1)</script> [\n", encoding="utf-8")
    d = Diagnostic(str(bad), 1, 35, ERROR, "yaml-syntax", "YAML 格式错误：这一行的方括号“[”没有配对的“]”。")
    buf = io.StringIO()
    render_text([d], stream=buf)
    page = B.error_page([d], site_name="测试站")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = buf.getvalue().rstrip("\n").replace("<", "&lt;").replace(">", "&gt;")
    assert text in page.replace("&#34;", '"').replace("&#39;", "'")
    assert 'id="kaohe-build-error"' in page and "预览时发现 1 个错误" in page and "测试站" in page


def test_written_at_the_home_page_404_and_the_last_good_pages(tmp_path):
    d = Diagnostic("content/x/round.yaml", 8, 10, ERROR, "yaml-syntax", "错")
    files = B.write_error_site([d], tmp_path, ["a/index.html", "a/b/index.html", "assets/kaohe.css", "404.html"])
    assert files == ["404.html", "a/b/index.html", "a/index.html", "index.html"]
    assert len({(tmp_path / f).read_bytes() for f in files}) == 1
    assert not (tmp_path / "assets").exists()


def test_failure_diagnostics(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # diagnostics name files relative to the current folder
    project = Project(tmp_path)
    d = Diagnostic("x.yaml", 2, 1, ERROR, "r", "m")
    assert B.failure_diagnostics(DiagnosticError([d]), project) == [d]
    tpl = tmp_path / "themes" / "kaohe" / "rounds.html"
    tpl.parent.mkdir(parents=True)
    tpl.write_text("a\n{% if %}\n", encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tpl.parent)))
    try:
        env.get_template("rounds.html")
    except jinja2.TemplateSyntaxError as e:
        [got] = B.failure_diagnostics(e, project)
    assert (Path(got.path).as_posix(), got.line, got.rule) == ("themes/kaohe/rounds.html", 2, "theme-syntax")
    [other] = B.failure_diagnostics(RuntimeError("boom"), project)
    assert other.rule == "build-failed" and "RuntimeError: boom" in other.message


def test_root_path_of_site_url():
    assert B._root_path("") == "/"
    assert B._root_path("https://zlqs.example.gov.cn/kaohe/") == "/kaohe/"
    assert B._root_path("https://zlqs.example.gov.cn/kaohe") == "/kaohe/"
    assert B._root_path("https://zlqs.example.gov.cn") == "/"
