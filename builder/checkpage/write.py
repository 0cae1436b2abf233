"""The checker page's files, written into the site folder (the page itself is rendered with the
other pages, see :mod:`.page`)::

    check/index.html                       (the page pipeline: themes/kaohe/check.html)
    check/pyodide/pyodide.mjs …            Pyodide's runtime, from the pinned npm package (its
                                           standard library compiled to bytecode, see precompile.py)
    check/pyodide/pyodide-lock.json        its package list, emptied: nothing is ever fetched from a CDN
    check/py/checker.zip                   the checker's Python (:mod:`.bundle`), compiled to bytecode
    check/facts.json                       the round facts (:func:`builder.checker.cache.export_facts`)
    check/templates/<round>/<county>.md    each county's report template (``kaohe new report``), and .docx
                                           beside it (:class:`builder.word.template_docx.CountyTemplates`)
    check/web.config                       MIME types for IIS (.wasm, .mjs); other servers ignore it

Pyodide comes from ``builder/checkpage/node_modules/pyodide`` (``npm ci --prefix
builder/checkpage``, run by ``scripts/bootstrap.sh``), checked against the version pinned in
``builder/checkpage/package.json``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..diagnostics import WARNING, Diagnostic
from ..files import pack_files, unpack_files
from .data import PAGE_URL, TEMPLATES_DIR, offered_rounds

HERE = Path(__file__).resolve().parent
PACKAGE_JSON = HERE / "package.json"
# What the browser loads of the npm package (not the source maps, typings, consoles).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

WEB_CONFIG = """\
<?xml version="1.0" encoding="utf-8"?>
<!-- 检查自评报告页面（kaohe）：让 IIS 以正确的类型提供 .wasm 和 .mjs 文件。其他网站服务器忽略本文件。 -->
<configuration>
  <system.webServer>
    <staticContent>
      <remove fileExtension=".wasm" />
      <mimeMap fileExtension=".wasm" mimeType="application/wasm" />
      <remove fileExtension=".mjs" />
      <mimeMap fileExtension=".mjs" mimeType="text/javascript" />
    </staticContent>
  </system.webServer>
</configuration>
"""


def pinned_version() -> str:
    """The Pyodide version ``builder/checkpage/package.json`` pins (the one the page loads)."""
    return json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["dependencies"]["pyodide"]


def pyodide_dir() -> Path:
    """Where npm installs the Pyodide package (it may be missing: see :func:`runtime_problem`)."""
    return HERE / "node_modules" / "pyodide"


def runtime_problem() -> str | None:
    """Why Pyodide cannot be copied into the site (in Chinese), or None when it can."""
    d = pyodide_dir()
    fix = "请运行 npm ci --prefix builder/checkpage（./build.sh 和 ./test.sh 会自动安装）。"
    missing = [f for f in (*PYODIDE_FILES, "package.json", "pyodide-lock.json") if not (d / f).is_file()]
    if missing:
        return f"没有安装 Pyodide（缺少 {d}/{missing[0]}），检查自评报告页面没有生成。" + fix
    try:
        have = json.loads((d / "package.json").read_text(encoding="utf-8"))["version"]
        want = pinned_version()
    except (OSError, ValueError, KeyError) as exc:
        return f"无法读取 Pyodide 的版本（{exc}），检查自评报告页面没有生成。" + fix
    if have != want:
        return (
            f"已安装的 Pyodide 是 {have} 版，builder/checkpage/package.json 要求 {want} 版，检查自评报告页面没有生成。"
            + fix
        )
    return None


def compiled_stdlib() -> bytes | None:
    """Pyodide's standard library compiled to bytecode (``precompile.mjs``, run by the bootstrap
    after ``npm ci``): the page starts in less than half the CPU time. None when it is missing
    or was made from another Pyodide (then the package's own zip of sources is used)."""
    d = pyodide_dir()
    try:
        made = json.loads((d.parent / ".kaohe" / "python_stdlib.json").read_text(encoding="utf-8"))
        if (
            made.get("pyodide") != pinned_version()
            or made.get("source") != hashlib.sha256((d / "python_stdlib.zip").read_bytes()).hexdigest()
        ):
            return None
        return (d.parent / ".kaohe" / "python_stdlib.zip").read_bytes()
    except (OSError, ValueError, AttributeError):
        return None


def _docx_writer():
    """The Word writer of ``kaohe new report --format docx``: the class
    :class:`~builder.word.template_docx.CountyTemplates`, or None when the Word writer
    (python-docx) is not installed."""
    import importlib.util

    if importlib.util.find_spec("docx") is None:
        return None
    try:
        from ..word.template_docx import CountyTemplates
    except ImportError:
        return None
    return CountyTemplates


def docx_templates_available() -> bool:
    """Whether .docx report templates can be written (the Word writer imports)."""
    return _docx_writer() is not None


def write_check_page(site, out_dir: Path, warnings: list[Diagnostic], cache=None) -> list[str]:
    """Write the checker page's files (see the module doc) under ``out_dir/check/``; returns
    their paths relative to ``out_dir`` (POSIX, sorted).

    ``site``: the computed :class:`~builder.site.collect.SiteData`; ``cache``: the
    :class:`~builder.buildcache.BuildCache`, which keeps the checker's compiled zip. Problems are appended to
    ``warnings``: a report template that does not load, or Pyodide missing (then nothing is
    written, and the page and its links are not planned either, see
    :func:`builder.checkpage.page.plan_page`). Same input, same bytes.
    """
    from ..checker.cache import export_facts
    from ..files import write_new
    from .bundle import build_zip, compiled_zip

    rounds, notes = offered_rounds(site)
    warnings.extend(notes)
    if not rounds:
        return []
    problem = runtime_problem()
    if problem is not None:
        warnings.append(
            Diagnostic(str(PACKAGE_JSON.relative_to(HERE.parent.parent)), 0, 0, WARNING, "checkpage-runtime", problem)
        )
        return []
    out_dir = Path(out_dir)
    root = out_dir / PAGE_URL
    written: list[Path] = []

    def put(path: Path, data: bytes) -> None:
        write_new(path, data)
        written.append(path)

    src = pyodide_dir()
    for name in PYODIDE_FILES:
        put(
            root / "pyodide" / name,
            (compiled_stdlib() if name == "python_stdlib.zip" else None) or (src / name).read_bytes(),
        )
    lock = json.loads((src / "pyodide-lock.json").read_text(encoding="utf-8"))
    put(root / "pyodide" / "pyodide-lock.json", _json({"info": lock["info"], "packages": {}}))
    put(root / "py" / "checker.zip", compiled_zip(build_zip(cache), cache))
    put(root / "facts.json", _json(export_facts([(r.info, r.template, r.titles) for r in rounds])))
    docx = _docx_writer()
    for r in rounds:
        folder = root / TEMPLATES_DIR / r.id
        for name, data in unpack_files(_round_templates(r, docx, cache)).items():
            put(folder / name, data)
    put(root / "web.config", WEB_CONFIG.encode("utf-8"))
    return sorted(p.relative_to(out_dir).as_posix() for p in written)


def _round_templates(r, docx, cache) -> bytes:
    """Every county's report template of round ``r`` (``<county>.md`` and, with the Word
    writer, ``<county>.docx``) as one stored zip, kept in the build cache as one blob:
    a rebuild copies them instead of making 2 × N files again."""
    from ..buildcache import Hasher, cached_bytes, code_digest
    from ..checker.template import template_to_json
    from ..cli.new import skeleton

    key = Hasher(
        "checkpage-templates",
        code_digest(("pdf", "site", "season")),
        docx is not None,
        r.id,
        template_to_json(r.template),
        r.info.year,
        [list(c) for c in r.info.counties],
        r.titles,
    ).hexdigest()

    def make() -> bytes:
        files = {}
        word = None if docx is None else docx(r.template, r.info.year, r.titles)
        for county in r.info.counties:
            text = skeleton(r.template, r.id, county, r.info.year, f"{county.id}.md", r.titles)
            files[f"{county.id}.md"] = text.encode("utf-8")
            if word is not None:
                files[f"{county.id}.docx"] = word.for_county(county.name, county.kind)
        return pack_files(files)

    return cached_bytes(cache, "checkpage-templates", key, make)


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
