"""What a build says (builder/site/messages.py) — the same words from ``kaohe build`` and from
``mkdocs build`` / ``mkdocs serve`` (the plugin, builder/site/plugin.py): why a build stopped,
the lines of a finished build (warnings, notes, waivers, rounds left out), where it was
written, and the preview's error site. Real projects, real diagnostics, exact texts. And the
plugin stays a thin adapter: the logic is here, not in MkDocs' hooks."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from site_support import REPO, make_project

from builder.diagnostics import ERROR, INFO, WARNING, Diagnostic
from builder.project import Project
from builder.site import build as B
from builder.site import messages as M

PY = sys.executable
PLUGIN_MAX_LINES = 107
HEAD = "网站没有生成，浏览器中显示下面的错误。请按提示修改："  # a failed preview, in the terminal


def _env(**extra) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    return {**e, "CI": "true", "KAOHE_NO_CACHE": "1", "KAOHE_PDFS": "0", **extra}


def _run(root: Path, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", *cmd], cwd=root, env=_env(), capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    """The small site project with a warning (a link to a page that does not exist), waivers of
    the publication gate (in the project already) and a round left out (``tiny-draft``)."""
    root = make_project(tmp_path_factory.mktemp("messages"))
    page = root / "content" / "pages" / "notice.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n详见[旧公告](old.md)。\n", encoding="utf-8")
    return root


@pytest.fixture()
def in_project(noisy, monkeypatch):
    """Diagnostics name files relative to the current folder: the project's, as in a terminal."""
    monkeypatch.chdir(noisy)
    for name in [k for k in os.environ if k.startswith("KAOHE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KAOHE_NO_CACHE", "1")
    return noisy


def test_text_is_the_terminal_form(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "round.yaml").write_text("a: 1\nb: 测试\n", encoding="utf-8")
    d = Diagnostic("round.yaml", 2, 4, WARNING, "r", "消息")
    assert M.text([d]) == "round.yaml:2:4: warning[r] 消息\n    b: 测试\n       ^\n"
    assert M.text([]) == ""


def test_a_failure_is_summed_up_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: [考核\n", encoding="utf-8")
    with pytest.raises(B.ConfigError) as caught:
        B.read_config(Project(tmp_path), tmp_path / "mkdocs.yml")
    [d] = caught.value.diagnostics
    assert d.path == "mkdocs.yml" and d.rule == "yaml-syntax" and d.is_error
    assert M.failure(caught.value) == "共 1 个错误，网站没有生成（site/ 保持原样）。请按提示修改后重新生成。"

    # An output names itself; only errors are counted.
    warning = Diagnostic("content/x/report.md", 3, 1, WARNING, "w", "提醒")
    error = Diagnostic("content/x/report.md", 5, 1, ERROR, "pdf-render", "PDF 排版失败。")
    exc = B.OutputError("pdfs", [error, warning])
    assert M.failure(exc) == "共 1 个错误，PDF 没有生成（site/ 保持原样）。请按提示修改后重新生成。"
    strict = B.StrictError([warning, warning])
    assert M.failure(strict) == "有 2 个警告，按 --strict 的要求网站没有生成（site/ 保持原样）。"


@pytest.mark.slow  # a cold build (no cache); the fast run keeps the failure and terminal-form tests above
def test_finished_lines_of_a_real_build(in_project, tmp_path):
    result = B.build(Project(in_project), B.BuildOptions(pdfs=False), site_dir=tmp_path / "site")
    [warning] = result.warnings
    assert warning.path == "content/pages/notice.md" and warning.severity == WARNING and "old.md" in warning.message
    # Notes (INFO) come with the PDFs, from builder/pdf/fonts.py: one as it gives it.
    note = Diagnostic("themes/print", 0, 0, INFO, "pdf-font-stand-in", "正文用的是替代字体 A；正式公文应使用 B。")
    lines = M.finished(dataclasses.replace(result, warnings=[*result.warnings, note]))
    assert lines[0] == (logging.WARNING, "考核数据有需要注意的地方：\n" + M.text([warning]).rstrip())
    assert lines[1] == (logging.INFO, "提示：\nthemes/print: note[pdf-font-stand-in] " + note.message)
    waivers = lines[2:-1]
    assert len(waivers) == len(result.build.notes) == 4
    for (level, line), d in zip(waivers, result.build.notes, strict=True):
        assert level == logging.INFO and line == "发布检查豁免：" + M.text([d]).rstrip()
        assert line.startswith("发布检查豁免：content/tiny-") and "note[gate-waived]" in line and "豁免理由：" in line
    assert lines[-1] == (logging.INFO, "未发布的轮次没有生成页面：tiny-draft（预览草稿：KAOHE_DRAFTS=1）")
    pages = sum(1 for f in result.files if f.endswith(".html"))
    assert M.written(result, "site") == f"网站已生成到 site/：{pages} 个网页。"
    assert M.written(result, "site", 2.04) == f"网站已生成到 site/：{pages} 个网页，用时 2.0 秒。"
    assert M.written(B.Result(["a.pdf", "index.html"], [], None), "site") == "网站已生成到 site/：1 个网页、1 个 PDF。"


@pytest.mark.slow
def test_kaohe_build_and_mkdocs_build_say_the_same(in_project, tmp_path):
    result = B.build(Project(in_project), B.BuildOptions(pdfs=False), site_dir=tmp_path / "site")
    lines = M.finished(result)
    cli = _run(in_project, "builder", "build", "-q", "--no-pdfs", "-d", str(tmp_path / "k"))
    assert cli.returncode == 0, cli.stderr
    assert cli.stderr == "".join(text + "\n" for _, text in lines)
    mk = _run(in_project, "mkdocs", "build", "-d", str(tmp_path / "m"))
    assert mk.returncode == 0, mk.stderr
    for level, text in lines:
        assert f"{logging.getLevelName(level):<8}-  {text}\n" in mk.stderr
    # MkDocs names the folder it writes into: site/, not the temporary one next to it.
    assert f"Building documentation to directory: {tmp_path / 'm'}\n" in mk.stderr
    assert ".kaohe-" not in mk.stderr
    assert f"INFO    -  {M.written(result, tmp_path / 'm')}\n" in mk.stderr


@pytest.mark.slow
def test_a_strict_failure_says_the_same_in_both(in_project, tmp_path):
    with pytest.raises(B.StrictError) as caught:
        B.build(Project(in_project), B.BuildOptions(strict=True, pdfs=False), site_dir=tmp_path / "site")
    [warning] = caught.value.diagnostics
    summary, details = M.failure(caught.value), M.text([warning])
    assert summary == "有 1 个警告，按 --strict 的要求网站没有生成（site/ 保持原样）。"
    assert details.startswith("content/pages/notice.md:") and "old.md" in details
    # kaohe build: the diagnostics, then the summary as the last line.
    cli = _run(in_project, "builder", "build", "--strict", "-q", "-d", str(tmp_path / "k"))
    assert cli.returncode == 1 and cli.stderr == details + summary + "\n"
    # mkdocs build: the summary on MkDocs' ERROR line, then each diagnostic at the start of a line.
    mk = _run(in_project, "mkdocs", "build", "--strict", "-d", str(tmp_path / "m"))
    assert mk.returncode == 1 and f"ERROR   -  {summary}\n{details}" in mk.stderr
    assert not (tmp_path / "k").exists() and not (tmp_path / "m").exists()


def test_the_preview_error_site_replaces_the_last_pages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: [考核\n", encoding="utf-8")
    project = Project(tmp_path)
    with pytest.raises(B.ConfigError) as caught:
        B.read_config(project, tmp_path / "mkdocs.yml")
    out = tmp_path / "served"
    (out / "stale").mkdir(parents=True)
    last = B.Result(["a/index.html", "assets/kaohe.css", "index.html"], [], None)
    result, text = M.preview_error(caught.value, project, out, last, "测试站")
    assert result.files == ["404.html", "a/index.html", "index.html"] and result.build is None
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == result.files
    page = (out / "a" / "index.html").read_text(encoding="utf-8")
    assert page == B.error_page(caught.value.diagnostics, site_name="测试站")
    assert text == HEAD + "\n" + M.text(caught.value.diagnostics).rstrip()

    # An unexpected error: named on the page, and its traceback in the terminal.
    try:
        raise RuntimeError("boom")
    except RuntimeError as e:
        result, text = M.preview_error(e, project, out, B.Result([], [], None))
    assert result.files == ["404.html", "index.html"]
    assert text.startswith(HEAD + "\n: error[build-failed] 生成网站时出错：")
    assert "Traceback (most recent call last)" in text and text.endswith("RuntimeError: boom")


@pytest.mark.slow  # three builds; the error site is tested fast above, serve in Chromium in tests/browser
def test_serve_shows_a_failed_build_in_the_browser_and_recovers(tmp_path, monkeypatch, capfd):
    """What ``mkdocs serve`` does, in this process: a good build, a broken round.yaml (the
    error page at every page, the diagnostics in the terminal, no MkDocs error), fixed."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config

    root = make_project(tmp_path)
    monkeypatch.chdir(root)
    for name in [k for k in os.environ if k.startswith("KAOHE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KAOHE_NO_CACHE", "1")
    served = tmp_path / "served"
    cfg = load_config(str(root / "mkdocs.yml"), site_dir=str(served), strict=True)
    cfg.plugins.on_startup(command="serve", dirty=False)
    mk_build(cfg, serve_url="http://127.0.0.1:8000/")
    round_page = served / "tiny-2024" / "index.html"
    assert B.ERROR_MARK not in round_page.read_text(encoding="utf-8")
    good = sorted(p.relative_to(served).as_posix() for p in served.rglob("*.html"))
    capfd.readouterr()

    yaml = root / "content" / "tiny-2024" / "round.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("publish: ranks\n", "publish: [ranks\n"), "utf-8")
    mk_build(cfg, serve_url="http://127.0.0.1:8000/")  # --strict, and yet no abort
    err = capfd.readouterr().err
    assert err.startswith("ERROR   -  " + HEAD + "\ncontent/tiny-2024/round.yaml:")
    assert "error[yaml-syntax]" in err and "Traceback" not in err
    assert sorted(p.relative_to(served).as_posix() for p in served.rglob("*.html")) == good
    assert f'id="{B.ERROR_MARK}"' in round_page.read_text(encoding="utf-8")
    assert not (served / "assets").exists()  # only the error pages

    yaml.write_text(yaml.read_text(encoding="utf-8").replace("publish: [ranks\n", "publish: ranks\n"), "utf-8")
    mk_build(cfg, serve_url="http://127.0.0.1:8000/")
    assert B.ERROR_MARK not in round_page.read_text(encoding="utf-8")
    assert not any(p.name.startswith(".served.kaohe-") for p in tmp_path.iterdir())


def test_the_plugin_stays_a_thin_adapter():
    """builder/site/plugin.py only connects MkDocs' hooks to the core; what a build says lives
    in builder/site/messages.py, shared with ``kaohe build``."""
    plugin = REPO / "builder" / "site" / "plugin.py"
    lines = plugin.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= PLUGIN_MAX_LINES, f"plugin.py has {len(lines)} lines; move logic into the core"
    source = "\n".join(lines)
    for chinese in ("没有生成", "发布检查豁免", "未发布的轮次", "考核数据"):
        assert chinese not in source  # every text the user reads comes from messages.py
    cli = (REPO / "builder" / "cli" / "build.py").read_text(encoding="utf-8")
    assert "messages.failure" in cli and "messages.finished" in cli and "messages.written" in cli
