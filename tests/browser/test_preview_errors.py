"""``mkdocs serve`` that tells (issue 12 item 9), with a real ``mkdocs serve`` subprocess on a
scratch copy of the project and a real Chromium: a build error (broken YAML in round.yaml)
appears in the browser with the diagnostic the terminal prints — on the line that is wrong —
instead of the browser waiting for a build that never comes; fixing the file reloads the
page into the real one. Also when the very first build fails, and for an address the last
good build did not have (404)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from site_support import make_project  # noqa: E402
from test_site_browser import ARTIFACTS, _axe, _describe, _page, axe_source, browser  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MARK = 'id="kaohe-build-error"'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """``mkdocs serve`` in ``root`` on a free loopback port; its output collected in a file."""

    def __init__(self, root: Path, log: Path):
        self.root, self.log_path = root, log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        mkdocs = Path(sys.executable).with_name("mkdocs")
        self.log = open(log, "wb")
        self.proc = subprocess.Popen([str(mkdocs), "serve", "--livereload",
                                      "-a", f"127.0.0.1:{self.port}"],
                                     cwd=root, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "CI": "true", "KAOHE_PDFS": "0"}, start_new_session=True)

    def get(self, path: str = "", timeout: float = 15) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8")

    def wait_up(self, deadline: float = 90) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            assert self.proc.poll() is None, self.output()
            try:
                self.get("", timeout=5)
                return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("mkdocs serve did not start:\n" + self.output())

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


@pytest.fixture()
def project(tmp_path):
    return make_project(tmp_path)


def _break(round_yaml: Path) -> int:
    """``publish: ranks`` → ``publish: [ranks`` (a flow sequence left open); returns its line."""
    lines = round_yaml.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, t in enumerate(lines) if t == "publish: ranks\n")
    lines[n] = "publish: [ranks\n"
    round_yaml.write_text("".join(lines), encoding="utf-8")
    return n + 1


def _fix(round_yaml: Path) -> None:
    text = round_yaml.read_text(encoding="utf-8")
    round_yaml.write_text(text.replace("publish: [ranks\n", "publish: ranks\n"), encoding="utf-8")


def _diagnostic_line(output: str) -> str:
    """The diagnostic as the terminal printed it (its header line)."""
    [line] = [t for t in output.splitlines() if "error[yaml-syntax]" in t][-1:]
    return line.strip()


def test_a_yaml_error_shows_in_the_browser_and_fixing_it_reloads(browser, project, tmp_path):
    serve = Serve(project, tmp_path / "serve.log")
    ctx = None
    try:
        serve.wait_up()
        ctx, page, _ = _page(browser, 1280)
        page.goto(serve.url + "tiny-2024/", wait_until="load")
        assert "测试市2024年度质量工作考核" in page.inner_text("h1")
        assert MARK not in page.content()

        line = _break(project / "content" / "tiny-2024" / "round.yaml")
        # The open page reloads by itself into the error page (it does not wait forever).
        page.wait_for_selector("#kaohe-build-error", timeout=30_000)
        shown = page.inner_text("pre")
        header = shown.splitlines()[0]
        assert header.startswith(f"content/tiny-2024/round.yaml:{line}:10: error[yaml-syntax]"), shown
        assert "方括号“[”没有配对的“]”" in header
        assert "publish: [ranks" in shown and "^" in shown  # the source line and the caret
        # The same text as in the terminal.
        assert _diagnostic_line(serve.output()) == header
        page.screenshot(path=str(ARTIFACTS / "preview-error-1280.png"), full_page=True)
        # Every other address answers at once, with the same page.
        start = time.monotonic()
        status, body = serve.get("tiny-2024/east/", timeout=10)
        assert status == 200 and MARK in body and time.monotonic() - start < 5
        status, body = serve.get("no/such/page/", timeout=10)
        assert status == 404 and MARK in body

        _fix(project / "content" / "tiny-2024" / "round.yaml")
        page.wait_for_function("!document.getElementById('kaohe-build-error')", timeout=30_000)
        page.wait_for_selector("h1")
        assert "测试市2024年度质量工作考核" in page.inner_text("h1")
        assert page.url == serve.url + "tiny-2024/"
    finally:
        if ctx is not None:
            ctx.close()
        serve.stop()


def test_a_first_build_that_fails_still_serves_the_error(browser, axe_source, project, tmp_path):
    line = _break(project / "content" / "tiny-2024" / "round.yaml")
    serve = Serve(project, tmp_path / "serve.log")
    ctx = None
    try:
        serve.wait_up()
        status, body = serve.get("")
        assert status == 200 and MARK in body
        assert f"content/tiny-2024/round.yaml:{line}:10: error[yaml-syntax]" in body
        ctx, page, _ = _page(browser, 360)
        page.goto(serve.url, wait_until="load")
        page.screenshot(path=str(ARTIFACTS / "preview-error-360.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        violations = _axe(page, axe_source)
        assert violations == [], _describe(violations)
        page.reload(wait_until="load")  # without axe's script
        _fix(project / "content" / "tiny-2024" / "round.yaml")
        page.wait_for_function("!document.getElementById('kaohe-build-error')", timeout=30_000)
        assert page.locator("main h1").count() == 1 and MARK not in page.content()
        assert serve.get("tiny-2024/")[0] == 200
    finally:
        if ctx is not None:
            ctx.close()
        serve.stop()


def test_a_broken_theme_template_is_located(project, tmp_path):
    """A syntax error in a theme template (edited during the preview) is shown with its file
    and line, not as a traceback in the terminal only."""
    serve = Serve(project, tmp_path / "serve.log")
    try:
        serve.wait_up()
        tpl = project / "themes" / "kaohe" / "rounds.html"
        lines = tpl.read_text(encoding="utf-8").splitlines(keepends=True)
        lines.insert(2, "{% if %}\n")
        tpl.write_text("".join(lines), encoding="utf-8")
        end = time.monotonic() + 30
        body = ""
        while time.monotonic() < end and MARK not in body:
            time.sleep(0.5)
            body = serve.get("rounds/")[1]
        assert MARK in body, serve.output()
        assert re.search(r"themes/kaohe/rounds\.html:3:1: error\[theme-syntax\]", body), body
    finally:
        serve.stop()
