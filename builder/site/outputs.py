"""Files the site writes besides its pages: the search index and the PDFs.

The PDFs are rendered into a staging folder *before* MkDocs empties and rewrites the site
folder (:func:`stage_pdfs`), and moved in after the pages (:func:`move_into`): a document
that cannot be rendered stops the build while the previous ``site/`` is still intact.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..diagnostics import Diagnostic
from .collect import SiteData
from .pages import SearchDoc
from .search import index_script

SEARCH_INDEX = "search/search-index.js"


def write_search_index(docs: list[SearchDoc], site_dir: Path) -> Path:
    out = site_dir / SEARCH_INDEX
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(index_script(docs), encoding="utf-8")
    return out


def stage_pdfs(site: SiteData, staging: Path, cache=None) -> list[Diagnostic]:
    """Render every PDF of the shown rounds under ``staging/<round>/…``; returns warnings.

    Raises :class:`~builder.diagnostics.DiagnosticError` when a document cannot be rendered.
    A round without a 通报 (no ``notification`` in round.yaml) gets its counties' documents
    only. A round that publishes grades only keeps its feedback PDFs off the public site:
    they state the county's scores and the departments' remarks. ``cache``: a
    :class:`~builder.pdf.cache.PdfCache`, so that only documents that changed are rendered.
    """
    from ..pdf import render_round_pdfs

    notes: list[Diagnostic] = []
    for res in site.rounds:
        kinds = ("notification", "report") if res.round.publish == "grades" else None
        render_round_pdfs(res, site.project, staging, kinds=kinds, warnings=notes, cache=cache)
        if res.round.publish_docx:  # the office's Word copies, only when round.yaml asks
            from ..word.official import write_round_docx

            # (like the PDFs: a round that publishes grades only keeps its feedback off the site)
            write_round_docx(res, site.project, staging, kinds=("notification",) if kinds else None)
    return notes


def report_cache(cache) -> None:
    """Say how many PDFs the build cache saved."""
    import logging

    stats = cache.stats
    logging.getLogger("mkdocs.plugins.kaohe").info(
        f"PDF：重新生成 {len(stats.rendered)} 个，{len(stats.reused)} 个没有变化（使用缓存）。")


def write_build_log(store, pdf_cache, page_cache) -> None:
    """What the build rendered and what it took from the cache, in ``.cache/kaohe/last-build.json``
    (benchmarks and tests read it); then keep the cache under its size limit."""
    import json

    data = {"pdf": pdf_cache.stats.as_dict() if pdf_cache is not None else None,
            "pages": page_cache.as_dict() if page_cache is not None else None,
            "rounds_reused": sorted(store.stats.rounds_reused), "corrupt": store.stats.corrupt}
    try:
        out = store.root.parent / "last-build.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError:
        pass
    store.prune()


def move_into(staging: Path, site_dir: Path) -> None:
    """Move every file under ``staging`` to the same place under ``site_dir``."""
    for dirpath, _, filenames in os.walk(staging):
        for name in sorted(filenames):
            src = Path(dirpath) / name
            dst = site_dir / src.relative_to(staging)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(src), str(dst))
