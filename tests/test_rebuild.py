"""What makes a rebuild after one edit cheap (issue 13), each checked on real builds:

* ``kaohe build`` links the previous site's files whose bytes are unchanged instead of
  writing them again (``builder.files.reusing``), never through a link, never changing
  the previous site;
* a few PDFs left to render are rendered in a forked copy of the build
  (``builder.site.build.start_pdfs``): the same bytes, and a failure there stops the build
  as one here does;
* a forked copy's counts of the build cache come back (``BuildCache.mark/since/absorb``);
* ``python -m builder`` ends at once after its command, its output complete and its
  ``atexit`` work done (``builder.cli.run``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.files import reusing, write_new

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import generate  # noqa: E402

ROUND = generate.ROUND_ID


def kaohe(root: Path, *args: str, env: dict | None = None, code: str | None = None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    e.update({"CI": "true", **(env or {})})
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "builder", *args]
    return subprocess.run(cmd, cwd=root, env=e, capture_output=True, text=True, timeout=600)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_report(root: Path, county: str, words: str) -> None:
    path = root / "content" / ROUND / "reports" / f"{county}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("现将有关情况报告如下", f"现将有关情况报告如下（{words}）", 1), encoding="utf-8")


def last_build(root: Path) -> dict:
    return json.loads((root / ".cache" / "kaohe" / "last-build.json").read_text(encoding="utf-8"))


# ── reusing the previous site's files ──


def test_write_new_links_only_the_same_bytes_and_never_changes_the_previous_folder(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "a").mkdir(parents=True)
    (old / "a" / "same.html").write_bytes(b"<p>same</p>")
    (old / "a" / "changed.html").write_bytes(b"<p>old</p>")
    (old / "longer.html").write_bytes(b"<p>same</p>!")
    new.mkdir()
    with reusing(old, new):
        write_new(new / "a" / "same.html", b"<p>same</p>")
        write_new(new / "a" / "changed.html", b"<p>new</p>")
        write_new(new / "longer.html", b"<p>same</p>")
        write_new(new / "fresh" / "x.js", b"x")
    assert os.stat(new / "a" / "same.html").st_ino == os.stat(old / "a" / "same.html").st_ino
    assert os.stat(new / "a" / "changed.html").st_ino != os.stat(old / "a" / "changed.html").st_ino
    assert (new / "a" / "changed.html").read_bytes() == b"<p>new</p>"
    assert (old / "a" / "changed.html").read_bytes() == b"<p>old</p>"
    assert (new / "longer.html").read_bytes() == b"<p>same</p>"
    assert (old / "longer.html").read_bytes() == b"<p>same</p>!"
    assert (new / "fresh" / "x.js").read_bytes() == b"x"
    # outside the block nothing is linked
    (tmp_path / "later").mkdir()
    write_new(tmp_path / "later" / "same.html", b"<p>same</p>")
    assert os.stat(tmp_path / "later" / "same.html").st_nlink == 1


def test_write_new_never_links_through_a_symbolic_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "d").mkdir(parents=True)
    secret = elsewhere / "secret.html"
    secret.write_bytes(b"<p>same</p>")
    (elsewhere / "d" / "page.html").write_bytes(b"<p>same</p>")
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "link.html").symlink_to(secret)
    (old / "folder").symlink_to(elsewhere / "d", target_is_directory=True)
    with reusing(old, new):
        write_new(new / "link.html", b"<p>same</p>")
        write_new(new / "folder" / "page.html", b"<p>same</p>")
    for made, outside in ((new / "link.html", secret), (new / "folder" / "page.html", elsewhere / "d" / "page.html")):
        assert not made.is_symlink() and made.read_bytes() == b"<p>same</p>"
        assert os.stat(made).st_ino != os.stat(outside).st_ino
        assert os.stat(outside).st_nlink == 1


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_write_new_never_links_another_users_file(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "page.html").write_bytes(b"<p>same</p>")
    os.chown(old / "page.html", 65534, 65534)
    with reusing(old, new):
        write_new(new / "page.html", b"<p>same</p>")
    assert os.stat(new / "page.html").st_uid == 0
    assert os.stat(new / "page.html").st_ino != os.stat(old / "page.html").st_ino


@pytest.mark.slow
def test_a_rebuild_links_the_unchanged_files_and_writes_the_changed_ones(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    generate.generate(3, root)
    county = generate.counties(3)[1]["id"]
    assert kaohe(root, "build", "-q", "--no-pdfs").returncode == 0
    site = root / "site"
    before = {rel: os.stat(site / rel).st_ino for rel in snapshot(site)}
    old_page = (site / ROUND / county / "report" / "index.html").read_bytes()
    edit_report(root, county, "只改了这一句")
    p = kaohe(root, "build", "-q", "--no-pdfs")
    assert p.returncode == 0, p.stderr
    after = {rel: os.stat(site / rel).st_ino for rel in snapshot(site)}
    assert after.keys() == before.keys()
    changed = {rel for rel in after if after[rel] != before[rel]}
    assert f"{ROUND}/{county}/report/index.html" in changed
    assert len(changed) < len(after) // 4, sorted(changed)  # the report page, the search index …
    assert "只改了这一句" in (site / ROUND / county / "report" / "index.html").read_text(encoding="utf-8")
    # the replaced site (in the trash until the next build) still holds what it held
    trash = root / ".cache" / "kaohe" / "build" / "trash"
    (replaced,) = list(trash.iterdir())
    assert (replaced / ROUND / county / "report" / "index.html").read_bytes() == old_page
    # and the rebuilt site is the site a build without any cache makes
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns(".cache", "site"))
    assert kaohe(cold, "build", "-q", "--no-pdfs", env={"KAOHE_NO_CACHE": "1"}).returncode == 0
    assert snapshot(cold / "site") == snapshot(site)


# ── a few PDFs in a forked copy ──

# The build with one county's report PDF made to fail (as a layout error would), in every
# process: the forked copy inherits the change.
FAILING = """
import os, sys
from builder.diagnostics import Diagnostic, DiagnosticError
from builder.pdf import render
original, county = render.Renderer.write, sys.argv[1]
def write(self, job):
    if job.rel_path.endswith(county + "/report.pdf"):
        print("failed in", "the build" if os.getpid() == build else "a forked copy", file=sys.stderr)
        raise DiagnosticError([Diagnostic(job.source, 3, 1, "error", "pdf-layout", "这份报告排不下（测试）。")])
    return original(self, job)
render.Renderer.write = write
build = os.getpid()
sys.argv[1:] = ["build", "-q"]
from builder.cli import run
run()
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A generated project of 3 counties, built with its 7 PDFs. (The tests edit it in place:
    a PDF's cache key holds the project's folder, so a copy would render every PDF again.)"""
    root = tmp_path_factory.mktemp("rebuild") / "p"
    root.mkdir()
    generate.generate(3, root)
    p = kaohe(root, "build", "-q")
    assert p.returncode == 0, p.stderr
    assert last_build(root)["pdf"]["background"] is True  # 7 PDFs: rendered in a forked copy, which starts a worker
    return root


@pytest.mark.slow
def test_one_pdf_is_rendered_in_a_forked_copy_with_the_bytes_of_a_cold_build(built, tmp_path):
    county = generate.counties(3)[2]["id"]
    edit_report(built, county, "后台生成")
    p = kaohe(built, "build", "-q")
    assert p.returncode == 0, p.stderr
    pdf = last_build(built)["pdf"]
    assert pdf["rendered"] == [f"{ROUND}/{county}/report.pdf"] and pdf["background"] is True
    assert pdf["misses"] == 1 and pdf["hits"] == 6  # the forked copy's counts came back
    cold = tmp_path / "cold"
    shutil.copytree(built, cold, ignore=shutil.ignore_patterns(".cache", "site"))
    q = kaohe(cold, "build", "-q", env={"KAOHE_NO_CACHE": "1"})
    assert q.returncode == 0, q.stderr
    assert snapshot(cold / "site") == snapshot(built / "site")
    assert p.stderr == q.stderr  # the same warnings, in the same order


@pytest.mark.slow
def test_a_pdf_failing_in_the_forked_copy_stops_the_build_and_leaves_the_site(built):
    county = generate.counties(3)[0]["id"]
    report = built / "content" / ROUND / "reports" / f"{county}.md"
    text = report.read_text(encoding="utf-8")
    before = snapshot(built / "site")
    edit_report(built, county, "这一份排不下")
    try:
        p = kaohe(built, county, code=FAILING)
    finally:
        report.write_text(text, encoding="utf-8")
    assert p.returncode == 1, p.stderr
    assert "这份报告排不下（测试）" in p.stderr and "PDF 没有生成" in p.stderr and "Traceback" not in p.stderr
    assert "failed in a forked copy" in p.stderr
    assert snapshot(built / "site") == before
    assert [x.name for x in built.iterdir() if ".kaohe-" in x.name] == []
    assert not list((built / "site").rglob("*.tmp"))


# ── a forked copy's cache counts ──


def test_a_forked_copys_cache_counts_are_added_to_the_builds(tmp_path):
    from builder import forked
    from builder.buildcache import BuildCache

    store = BuildCache(tmp_path / "cache", enabled=True)
    store.put("x", "a" * 64, {"n": 1})
    mark = store.mark()

    def child():
        store.put("x", "b" * 64, {"n": 2})
        store.stats.hits += 2
        store.stats.rendered.append("r.pdf")
        return store.since(mark)

    job = forked.start(child)
    delta = job.result() if job is not None else child()
    if job is not None:  # (counted there only)
        assert store.stats.stored == 1 and store.stats.hits == 0
        store.absorb(delta)
    assert store.stats.stored == 2 and store.stats.hits == 2 and store.stats.rendered == ["r.pdf"]
    assert delta["written_bytes"] > 0 and store.written_bytes >= 2 * delta["written_bytes"] - 8
    assert store.get("x", "b" * 64) == {"n": 2}


# ── the process ends at once, its work done ──


def test_the_command_ends_with_its_output_complete_and_its_atexit_work_done(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    generate.generate(1, root)
    p = kaohe(root, "build", "--no-pdfs")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("网站已生成到 site/：") and p.stdout.endswith("秒。\n")
    # The atexit functions run before the process ends at once (the checker page's Node
    # compilation has one, builder/checkpage/bundle.py), and the exit code is the command's.
    marker = tmp_path / "atexit-ran"
    code = (f"import atexit, sys; atexit.register(lambda: open({str(marker)!r}, 'w').write('ran')); "
            "sys.argv[1:] = ['build', '--no-pdfs']; from builder.cli import run; run()")
    (root / "content" / ROUND / "round.yaml").write_text("id: [不对\n", encoding="utf-8")
    p = kaohe(root, code=code)
    assert p.returncode == 1 and "round.yaml" in p.stderr and "Traceback" not in p.stderr
    assert marker.read_text() == "ran"


@pytest.mark.slow
def test_a_rebuild_finds_its_pdfs_in_the_last_builds_index(built):
    """One record lists every document of the last build: with each document's own records
    gone, a rebuild still renders none (builder/pdf/cache.py, lookup_doc)."""
    assert kaohe(built, "build", "-q").returncode == 0  # (whatever the tests before left)
    store = built / ".cache" / "kaohe" / "build"
    for kind in ("doc", "pdf"):
        shutil.rmtree(store / kind)
    p = kaohe(built, "build", "-q")
    assert p.returncode == 0, p.stderr
    pdf = last_build(built)["pdf"]
    assert pdf["rendered"] == [] and pdf["hits"] == 7 and pdf["corrupt"] == 0


def test_the_search_index_goes_before_the_pages_only_when_every_round_came_from_the_cache():
    from types import SimpleNamespace

    from builder.site import build as B

    def order(reused):
        rounds = [SimpleNamespace(round=SimpleNamespace(id=i)) for i in ("a", "b")]
        b = SimpleNamespace(site=SimpleNamespace(rounds=rounds), cache=SimpleNamespace(stats=SimpleNamespace(
            rounds_reused=reused)))
        return [name for name, _ in B._in_order(b, B.OUTPUTS)]

    default = [name for name, _ in B.OUTPUTS]
    assert default.index("handwritten") < default.index("pages") < default.index("search")
    assert order([]) == default and order(["a"]) == default  # a cold build, a changed round
    rebuild = order(["b", "a"])
    assert rebuild.index("handwritten") < rebuild.index("search") < rebuild.index("pages")
    assert sorted(rebuild) == sorted(default)
