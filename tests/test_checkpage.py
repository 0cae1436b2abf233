"""The checker page's Python side without a browser: the packed zip runs on its own (nothing
else on sys.path, no PyYAML for the facts) and gives exactly the JSON of ``kaohe check
--format json``; the round facts survive their JSON form; the page's files are deterministic;
the downloadable templates are what ``kaohe new report`` writes. The page in Chromium:
tests/browser/test_checkpage_browser.py.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builder.buildcache import BuildCache
from builder.checker import check_file
from builder.checker.cache import Facts, export_facts
from builder.checkpage import bundle
from builder.checkpage.data import offered_rounds
from builder.checkpage.write import runtime_problem, write_check_page
from builder.project import Project
from builder.site.collect import collect
from site_support import require

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "reports"

# Every report fixture, checked as the page checks it: the round and county chosen in the page.
HUIZHOU = sorted((FIXTURES / "huizhou").glob("*.md"))
LUOHE = sorted(FIXTURES.glob("*.md"))


def _county(path: Path) -> str:
    head = path.read_bytes()[:200].decode("utf-8", "replace")
    return next((ln.split(":", 1)[1].strip() for ln in head.splitlines() if ln.startswith("county:")), "")


WORD = sorted((ROOT / "tests" / "fixtures" / "word").glob("*.docx"))  # real Word files, LibreOffice's among them
CASES = [(p, "luohe-2022", "wuyang") for p in sorted(LUOHE, key=lambda p: p.name != "ok-luohe-wuyang.md")]
CASES += [(p, "luohe-2022", "wuyang") for p in WORD] + [(p, "huizhou-2017", _county(p) or "boluo") for p in HUIZHOU]

# Runs in a bare interpreter (-I -S: no site-packages, no current folder): only the zip and
# the standard library, as in Pyodide.
ISOLATED = """
import json, sys
sys.path[:0] = [sys.argv[1]]
from builder.checkpage import browser
def heavy(names):
    return sorted(m for m in sys.modules if m.split(".")[0] in names)
browser.load_facts(sys.argv[2])
items = json.loads(sys.argv[3])
out = [json.loads(browser.check(items[0]["path"], items[0]["name"], items[0]["round"], items[0]["county"]))]
yaml_first = heavy(("yaml", "_yaml"))
for item in items[1:]:
    out.append(json.loads(browser.check(item["path"], item["name"], item["round"], item["county"])))
print(json.dumps({"results": out, "yaml_first": yaml_first, "modules": heavy(("mkdocs", "jinja2", "weasyprint", "openpyxl")),
                  "file": [sys.modules["markdown_it"].__file__]}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def site():
    return collect(Project(ROOT))


@pytest.fixture(scope="module")
def page_dir(tmp_path_factory, site):
    if runtime_problem() is not None:
        require(runtime_problem())
    out = tmp_path_factory.mktemp("checkpage")
    warnings = []
    # The process's build cache (conftest.py): Node compiles the checker's zip once, as for a site build.
    files = write_check_page(site, out, warnings, BuildCache.for_project(Project(ROOT)))
    assert warnings == []
    assert "check/py/checker.zip" in files and "check/facts.json" in files
    assert files == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return out / "check"


def _cli(cases) -> dict[Path, dict]:
    """``kaohe check --format json`` of every case, one process per folder, round and county."""
    groups: dict[tuple, list[Path]] = {}
    for path, round_id, county in cases:
        groups.setdefault((path.parent, round_id, county), []).append(path)
    out = {}
    for (folder, round_id, county), paths in groups.items():
        p = subprocess.run([sys.executable, "-m", "builder", "check", *[f.name for f in paths], "--round", round_id,
                            "--county", county, "--format", "json", "--project", str(ROOT)],
                           cwd=folder, capture_output=True, text=True, timeout=120)
        assert p.returncode in (0, 1), p.stderr
        for f, res in zip(paths, json.loads(p.stdout)["files"]):
            out[f] = res
    return out


def test_packed_checker_alone_gives_the_json_of_kaohe_check(page_dir, tmp_path):
    # the zip's sources (the site's copy holds them compiled for Pyodide's Python, see below)
    packed = tmp_path / "checker.zip"
    packed.write_bytes(bundle.build_zip())
    items = [{"path": str(p), "name": p.name, "round": r, "county": c} for p, r, c in CASES]
    p = subprocess.run([sys.executable, "-I", "-S", "-c", ISOLATED, str(packed),
                        str(page_dir / "facts.json"), json.dumps(items)],
                       cwd="/", capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert got["file"][0].startswith(str(packed)), "markdown-it-py did not come from the zip"
    # YAML reads only a front matter that is not plain "key: value" lines (some fixtures have one)
    assert got["yaml_first"] == [], "the facts and a plain report need no YAML"
    assert got["modules"] == [], "the checker needs no site library"
    rules = set()
    cli = _cli(CASES)
    for (path, round_id, county), res in zip(CASES, got["results"]):
        want = cli[path]
        page = res["file"]
        for d in page["diagnostics"]:  # the page's additions to the CLI's diagnostics
            d.pop("source", None)
        assert page == want, path.name
        assert res["errors"] == sum(d["severity"] == "error" for d in want["diagnostics"])
        grouped = sorted(i for g in res["groups"] for i in g["items"])
        assert grouped == list(range(len(want["diagnostics"]))), "every finding is in exactly one group"
        rules |= {d["rule"] for d in want["diagnostics"]}
    assert {"section-missing", "case-count", "placeholder", "length-limit", "item-not-evaluated"} <= rules
    assert len(WORD) >= 5, "the Word fixtures are checked too"


def test_facts_round_trip_gives_the_same_findings_as_the_project(site):
    project = site.project
    rounds, notes = offered_rounds(site)
    assert notes == [] and {r.id for r in rounds} == {"luohe-2022", "huizhou-2017"}
    facts = Facts(json.loads(json.dumps(export_facts([(r.info, r.template, r.titles) for r in rounds]))))
    assert facts.item_titles("huizhou-2017"), "the rubric's item titles travel with the facts"
    for path, round_id, county in CASES:
        a = check_file(path, project, round_id, county, display=path.name)
        b = check_file(path, facts, round_id, county, display=path.name)
        assert a.to_json() == b.to_json(), path.name
        assert a.sections == b.sections


def test_facts_refuse_another_version():
    with pytest.raises(ValueError):
        Facts({"version": 999, "rounds": {}, "templates": {}, "item_titles": {}})


def test_unknown_round_in_facts_is_a_located_error(page_dir):
    facts = Facts(json.loads((page_dir / "facts.json").read_text(encoding="utf-8")))
    r = check_file(FIXTURES / "ok-minimal.md", facts, "nowhere-2030", "wuyang", display="x.md")
    assert [d.rule for d in r.diagnostics] == ["front-matter"]
    assert "nowhere-2030" in r.diagnostics[0].message and "luohe-2022" in r.diagnostics[0].message


def test_findings_are_grouped_by_the_section_they_are_in(page_dir):
    from builder.checkpage import browser

    browser.load_facts(str(page_dir / "facts.json"))
    res = json.loads(browser.check(str(FIXTURES / "case-count-four.md"), "a.md", "luohe-2022", "wuyang"))
    assert [g["title"] for g in res["groups"]] == ["案例四：“铁拳”行动护航民生消费"]
    assert res["groups"][0]["line"] == res["file"]["diagnostics"][0]["line"]
    res = json.loads(browser.check(str(FIXTURES / "io-empty.md"), "a.md", "luohe-2022", "wuyang"))
    assert [g["title"] for g in res["groups"]] == ["整个文件"]


def test_zip_is_deterministic_and_holds_only_pure_python():
    a, b = bundle.build_zip(), bundle.build_zip()
    assert a == b
    names = zipfile.ZipFile(io.BytesIO(a)).namelist()
    assert "builder/checker/engine.py" in names and "markdown_it/main.py" in names and "mdurl/__init__.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".pyc"))]
    assert not [n for n in names if n.startswith(("builder/site/", "builder/pdf/", "builder/cli/", "builder/rounds/"))]
    assert any(n.endswith(".dist-info/METADATA") for n in names), "licences and metadata travel with the libraries"


@pytest.mark.slow
def test_page_files_are_byte_identical_across_builds(page_dir, site, tmp_path):
    write_check_page(site, tmp_path, [])
    files = sorted(p.relative_to(page_dir) for p in page_dir.rglob("*") if p.is_file())
    again = sorted(p.relative_to(tmp_path / "check") for p in (tmp_path / "check").rglob("*") if p.is_file())
    assert files == again
    for f in files:
        assert (page_dir / f).read_bytes() == (tmp_path / "check" / f).read_bytes(), f
    lock = json.loads((page_dir / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"] == {}, "no package can be fetched from a CDN"


def test_downloadable_template_is_what_kaohe_new_report_writes(page_dir, tmp_path):
    p = subprocess.run([sys.executable, "-m", "builder", "new", "report", "--round", "luohe-2022", "--county",
                        "kaifaqu", "--out", "kaifaqu.md", "--project", str(ROOT)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert (page_dir / "templates" / "luohe-2022" / "kaifaqu.md").read_bytes() == (tmp_path / "kaifaqu.md").read_bytes()
    assert sorted(f.stem for f in (page_dir / "templates" / "huizhou-2017").glob("*.md")) == \
        ["boluo", "huicheng", "huidong", "huiyang"]


def test_without_pyodide_there_is_no_page_and_a_warning_says_how_to_install_it(site, tmp_path, monkeypatch):
    from builder.checkpage import page, write

    monkeypatch.setattr(write, "pyodide_dir", lambda: tmp_path / "missing")
    assert "npm ci --prefix builder/checkpage" in write.runtime_problem()
    assert page.plan_page(site, None, "") is None, "no page, so no links to it"
    warnings = []
    assert write.write_check_page(site, tmp_path / "out", warnings) == []
    assert [w.rule for w in warnings] == ["checkpage-runtime"]
    assert not (tmp_path / "out").exists()


def test_precompiled_library_imports_without_its_sources(tmp_path):
    from builder.checkpage.precompile import precompile

    src = tmp_path / "src.zip"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("kh_demo/__init__.py", "VALUE = 6 * 7\n")
        z.writestr("kh_demo/data.txt", "not python")
        z.writestr("kh_bad.py", "def (:\n")  # kept as source
    out = tmp_path / "out.zip"
    assert precompile(str(src), str(out)) == 1
    assert zipfile.ZipFile(out).namelist() == ["kh_bad.py", "kh_demo/__init__.pyc", "kh_demo/data.txt"]
    p = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(out)!r}); "
                        "import kh_demo; print(kh_demo.VALUE, kh_demo.__file__.endswith('.pyc'))"],
                       capture_output=True, text=True, timeout=60)
    assert p.stdout.split() == ["42", "True"], p.stderr
    again = tmp_path / "again.zip"
    precompile(str(src), str(again))
    assert again.read_bytes() == out.read_bytes()


def test_site_ships_the_precompiled_standard_library_when_the_bootstrap_made_it(page_dir):
    from builder.checkpage.write import compiled_stdlib

    if compiled_stdlib() is None:
        require("no precompiled standard library (node builder/checkpage/precompile.mjs)")
    names = zipfile.ZipFile(page_dir / "pyodide" / "python_stdlib.zip").namelist()
    assert "json/__init__.pyc" in names and "json/__init__.py" not in names


def test_site_ships_the_checker_compiled_for_pyodide(page_dir):
    import shutil

    names = zipfile.ZipFile(page_dir / "py" / "checker.zip").namelist()
    sources = zipfile.ZipFile(io.BytesIO(bundle.build_zip())).namelist()
    if shutil.which("node") is None:
        assert names == sources
        require("no Node: the checker ships as sources")
    assert sorted(n + "c" if n.endswith(".py") else n for n in sources) == names


def test_downloadable_word_template_is_what_kaohe_new_report_writes(page_dir, tmp_path):
    from builder.checkpage.write import docx_templates_available

    if not docx_templates_available():
        require("no Word template writer (python-docx)")
    p = subprocess.run([sys.executable, "-m", "builder", "new", "report", "--round", "huizhou-2017", "--county",
                        "boluo", "--format", "docx", "--out", "boluo.docx", "--project", str(ROOT)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert (page_dir / "templates" / "huizhou-2017" / "boluo.docx").read_bytes() == (tmp_path / "boluo.docx").read_bytes()


def test_the_compiled_checker_is_kept_with_the_installation_for_every_project(tmp_path, monkeypatch):
    """A cold build of another project (or after its cache was deleted) takes the compiled
    checker kept with the installation instead of running Node again; a damaged copy is not used."""
    import shutil

    if shutil.which("node") is None or runtime_problem() is not None:
        require("no Node or Pyodide: the checker ships as sources")
    installed = tmp_path / "installed"
    monkeypatch.setattr(bundle, "_installed", lambda: BuildCache(installed, enabled=True))
    data = bundle.build_zip()
    first = bundle.compiled_zip(data, BuildCache(tmp_path / "a", enabled=True))
    kept = [p for p in (installed / "blobs").rglob("*") if p.is_file()]
    assert first != data and len(kept) == 1 and kept[0].read_bytes() == first
    runs = []
    monkeypatch.setattr(bundle, "_Compilation", lambda *a: runs.append(a) or pytest.fail("compiled again"))
    bundle.start_compiled_zip(BuildCache(tmp_path / "b", enabled=True))  # nothing to start
    assert bundle.compiled_zip(data, BuildCache(tmp_path / "b", enabled=True)) == first and runs == []
    kept[0].write_bytes(b"PK damaged")
    monkeypatch.undo()
    monkeypatch.setattr(bundle, "_installed", lambda: BuildCache(installed, enabled=True))
    assert bundle.compiled_zip(data, BuildCache(tmp_path / "c", enabled=True)) == first  # compiled again
    assert kept[0].read_bytes() == first


def test_the_checkers_zip_comes_from_the_build_cache_by_its_files_bytes(tmp_path, monkeypatch):
    from builder.buildcache import BuildCache
    from builder.checkpage import bundle

    store = BuildCache(tmp_path / "cache", enabled=True)
    monkeypatch.setattr(bundle, "_ZIPS", {})
    made = bundle.build_zip(store)
    assert made == bundle._zip([(name, path.read_bytes()) for name, path in bundle.bundle_files()])
    monkeypatch.setattr(bundle, "_ZIPS", {})  # a new process: the zip is not compressed again
    monkeypatch.setattr(bundle, "_zip", lambda contents: pytest.fail("compressed again"))
    assert bundle.build_zip(store) == made
