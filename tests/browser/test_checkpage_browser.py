"""The checker page (site/check/) in Debian's Chromium: real uploads of real fixture files through
the file input, and pasted text, give the findings ``kaohe check --format json`` gives for the
same files (rule, severity, line, message) and the same 字数; every request goes to the site
itself (all requests are routed and recorded, any other host is refused); axe-clean and no
sideways scrolling at 360 and 1280 px; screenshots in test-artifacts/checkpage/.

The site is the repository's example content, built with the real ``mkdocs build``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import threading
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_support import REPO, build  # noqa: E402
from test_site_browser import _axe, _describe, _serve, axe_source, browser  # noqa: E402,F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURES = REPO / "tests" / "fixtures" / "reports"
ARTIFACTS = REPO / "test-artifacts" / "checkpage"
WORD_FIXTURES = REPO / "tests" / "fixtures" / "word"
LOAD_TIMEOUT_MS = 60_000  # a generous bound for a loaded CI machine; the ≤ 5 s goal is a benchmark

FINDINGS_JS = """() => ({
  findings: [...document.querySelectorAll('[data-rule]')].map(e => ({
    rule: e.dataset.rule, severity: e.dataset.severity, line: Number(e.dataset.line),
    message: e.querySelector('.check-msg').textContent})),
  chars: (document.querySelector('[data-chars]') || {}).textContent,
})"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("checkpage") / "project"
    root.mkdir()
    for name in ("rubrics", "content", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="module")
def site_dir(project) -> Path:
    out = project.parent / "site"
    p = build(project, out)
    assert p.returncode == 0, p.stderr
    assert (out / "check" / "index.html").is_file(), "mkdocs build wrote no checker page"
    return out


@pytest.fixture(scope="module")
def site_url(site_dir):
    yield from _serve(site_dir)


class _PortalHandler(http.server.SimpleHTTPRequestHandler):
    """A portal server as an office may have it: a Content-Security-Policy, or a wrong MIME type."""

    csp: str | None = None
    types: dict = {}  # suffix → the (wrong) type the server sends

    def log_message(self, *args):
        pass

    def guess_type(self, path):
        return self.types.get(Path(str(path)).suffix) or super().guess_type(path)

    def end_headers(self):
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()


@contextlib.contextmanager
def _portal(site_dir: Path, **settings):
    handler = type("Portal", (_PortalHandler,), settings)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


def _cli(project: Path, files: list[Path], round_id: str, county: str) -> dict[str, dict]:
    """``kaohe check --format json`` on the files (by name, run in their folder)."""
    folder = files[0].parent
    p = subprocess.run([sys.executable, "-m", "builder", "check", *[f.name for f in files], "--round", round_id,
                        "--county", county, "--format", "json", "--project", str(project)],
                       cwd=folder, capture_output=True, text=True, timeout=120)
    assert p.returncode in (0, 1), p.stderr
    return {f["path"]: f for f in json.loads(p.stdout)["files"]}


def _expected(cli: dict) -> tuple[list, str]:
    return (sorted((d["rule"], d["severity"], d["line"], d["message"]) for d in cli["diagnostics"]),
            str(cli["stats"]["chars"]))


def _shown(page) -> tuple[list, str]:
    got = page.evaluate(FINDINGS_JS)
    return sorted((f["rule"], f["severity"], f["line"], f["message"]) for f in got["findings"]), got["chars"]


class Local:
    """A browser context whose every request is routed: the site's own are served, any other is refused."""

    def __init__(self, browser, site_url: str, width: int):
        self.host = urlsplit(site_url).netloc
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        self.ctx.route("**/*", self._route)
        self.page = self.ctx.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).netloc == self.host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def open(self, url: str):
        self.page.goto(url, wait_until="load")
        self.page.wait_for_selector('[data-check-ready="true"], [data-check-ready="error"]', timeout=LOAD_TIMEOUT_MS)
        assert self.page.get_attribute("#checker", "data-check-ready") == "true", \
            self.page.inner_text("#check-status") + "\n" + "\n".join(self.errors)
        return self.page

    def upload(self, path: Path):
        self.page.evaluate("document.getElementById('check-results').dataset.checkState = 'idle'")
        self.page.set_input_files("input[type=file]", str(path))
        self.page.wait_for_selector('[data-check-state="done"]', timeout=30_000)

    def close(self):
        assert self.refused == [], f"requests to other hosts: {self.refused}"
        assert self.errors == [], self.errors
        self.ctx.close()


def test_uploaded_markdown_reports_show_the_findings_of_kaohe_check(browser, site_url, project):
    files = sorted(FIXTURES.glob("*.md"))
    want = _cli(project, files, "luohe-2022", "wuyang")
    s = Local(browser, site_url, 1280)
    try:
        page = s.open(site_url + "check/")
        assert page.input_value("#check-round") == "luohe-2022"
        seen_rules = set()
        for f in files:
            s.upload(f)
            assert _shown(page) == _expected(want[f.name]), f.name
            assert page.locator(f"#check-output >> text={f.name}").count() >= 1, "the result names the file"
            seen_rules |= {d["rule"] for d in want[f.name]["diagnostics"]}
        assert len(seen_rules) >= 12, seen_rules
        assert all(urlsplit(u).netloc == s.host for u in s.requests)
        assert any(u.endswith("/check/pyodide/pyodide.asm.wasm") for u in s.requests)
    finally:
        s.close()


def test_another_round_and_county_chosen_in_the_page(browser, site_url, project):
    files = sorted((FIXTURES / "huizhou").glob("*.md"))
    s = Local(browser, site_url, 1280)
    try:
        page = s.open(site_url + "check/?round=huizhou-2017")
        assert page.input_value("#check-round") == "huizhou-2017"
        for f, county in ((files[0], "huidong"), (files[1], "boluo")):
            page.select_option("#check-county", county)
            s.upload(f)
            assert _shown(page) == _expected(_cli(project, [f], "huizhou-2017", county)[f.name]), f.name
        # the same file checked as another county: the page checks again by itself
        page.evaluate("document.getElementById('check-results').dataset.checkState = 'idle'")
        page.select_option("#check-county", "huicheng")
        page.wait_for_selector('[data-check-state="done"]')
        got, _ = _shown(page)
        assert got == _expected(_cli(project, [files[1]], "huizhou-2017", "huicheng")[files[1].name])[0]
        assert any(rule == "title-mismatch" for rule, *_ in got), "博罗县's title is wrong for 惠城区"
        href = page.get_attribute("#check-dl-md", "href")
        assert href.endswith("check/templates/huizhou-2017/huicheng.md")
        text = page.evaluate("async (u) => await (await fetch(u)).text()", href)
        assert "# 惠城区" in text and "county: huicheng" in text
    finally:
        s.close()


def test_pasted_text_is_checked_like_the_file(browser, site_url, project):
    f = FIXTURES / "section-missing-two.md"
    s = Local(browser, site_url, 1280)
    try:
        page = s.open(site_url + "check/")
        page.click("summary")
        page.fill("#check-text", f.read_text(encoding="utf-8"))
        page.evaluate("document.getElementById('check-results').dataset.checkState = 'idle'")
        page.click("#check-paste")
        page.wait_for_selector('[data-check-state="done"]')
        got = _shown(page)
        assert got == _expected(_cli(project, [f], "luohe-2022", "wuyang")[f.name])
        assert len(got[0]) >= 2
    finally:
        s.close()


@pytest.mark.skipif(not WORD_FIXTURES.is_dir(), reason="no Word fixtures yet (tests/fixtures/word/)")
def test_uploaded_word_reports_show_the_findings_of_kaohe_check(browser, site_url, project):
    files = sorted(WORD_FIXTURES.rglob("*.docx"))
    assert files
    s = Local(browser, site_url, 1280)
    try:
        page = s.open(site_url + "check/")
        want = _cli(project, files, "luohe-2022", "wuyang")
        for f in files:
            s.upload(f)
            assert _shown(page) == _expected(want[f.name]), f.name
            if want[f.name]["diagnostics"]:
                assert "段" in page.inner_text(".check-where"), "a Word finding names its paragraph"
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"check-docx-{f.stem}-1280.png"), full_page=True)
        assert any(d["diagnostics"] for d in want.values()) and any(not d["diagnostics"] for d in want.values())
        href = page.get_attribute("#check-dl-docx", "href")
        assert href.endswith("check/templates/luohe-2022/wuyang.docx")
        head = page.evaluate("async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer()).slice(0, 2))", href)
        assert head == [0x50, 0x4B], "the Word template is a .docx (zip)"
    finally:
        s.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_page_with_findings_passes_axe_fits_the_screen_and_stays_local(browser, axe_source, site_url, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s = Local(browser, site_url, width)
    try:
        page = s.open(site_url + "check/")
        page.screenshot(path=str(ARTIFACTS / f"check-ready-{width}.png"), full_page=True)
        s.upload(FIXTURES / "section-order-swapped.md")
        page.click("summary")  # the paste box open too
        page.screenshot(path=str(ARTIFACTS / f"check-findings-{width}.png"), full_page=True)
        assert page.locator("[data-rule]").count() >= 1
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the checker page at {width}px scrolls sideways by {overflow}px"
        violations = _axe(page, axe_source)
        assert violations == [], f"check/ at {width}px:\n" + _describe(violations)
        assert "不会上传" in page.inner_text("main")
        assert page.locator(".banner-sample").count() == 1, "the example rounds are sample data"
    finally:
        s.close()


def test_home_and_round_pages_link_the_checker(browser, site_url):
    s = Local(browser, site_url, 1280)
    try:
        page = s.page
        page.goto(site_url, wait_until="load")
        page.click("main a[href*='check/']")  # check/ or check/index.html (the site also works from disk)
        page.wait_for_url("**/check/**")
        page.goto(site_url + "luohe-2022/", wait_until="load")
        page.click("a:has-text('检查自评报告')")
        page.wait_for_url("**/check/**?round=luohe-2022")
        page.goto(site_url + "luohe-2021/", wait_until="load")
        assert page.locator("h1").count() == 1, "the 2021 round is published"
        assert page.locator("a:has-text('检查自评报告')").count() == 0, "a round without a report template"
    finally:
        s.close()


@pytest.mark.parametrize("settings, says", [
    ({"csp": "default-src 'self'; script-src 'self'"}, "wasm-unsafe-eval"),
    ({"types": {".mjs": "application/octet-stream"}}, "text/javascript"),
], ids=["csp-without-wasm", "mjs-sent-as-octet-stream"])
def test_a_portal_that_blocks_the_runtime_gets_a_message_not_a_spinner(browser, site_dir, settings, says):
    with _portal(site_dir, **settings) as url:
        s = Local(browser, url, 1280)
        try:
            s.page.goto(url + "check/", wait_until="load")
            s.page.wait_for_selector('[data-check-ready="error"]', timeout=LOAD_TIMEOUT_MS)
            assert says in s.page.inner_text("#check-status")
        finally:
            s.ctx.close()


@pytest.mark.parametrize("settings", [
    {"csp": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"},
    {"types": {".wasm": "application/octet-stream"}},
], ids=["csp-of-the-readme", "wasm-sent-as-octet-stream"])
def test_the_page_works_on_a_portal_with_a_csp_or_a_wrong_wasm_type(browser, site_dir, settings):
    with _portal(site_dir, **settings) as url:
        s = Local(browser, url, 1280)
        try:
            page = s.open(url + "check/")
            s.upload(FIXTURES / "case-count-four.md")
            assert [f[0] for f in _shown(page)[0]] == ["case-count"]
        finally:
            s.close()
