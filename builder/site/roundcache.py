"""Loading and computing a round once per change of its data (build cache).

Loading a round of 300 counties (score sheets of 17,000 scores, contact lists) and
computing it takes seconds, and a rebuild after a county edited its report would do it
all again although no figure changed. :func:`load_computed` keeps the computed round
(:class:`~builder.rounds.model.RoundResults`) as plain data — JSON written by
:func:`~builder.buildcache.to_plain`, never a pickle; reading it back creates only the core's
model dataclasses — in a verified blob of the build cache, under the hash of everything the
loader reads:

* the code of kaohe (but the adapters), the rubrics, the project's location and the
  current folder (diagnostics name files relative to it);
* every file of the round, except that for ``reports/*.md`` and ``feedback/*.md`` only
  the names count: the loader keeps their paths, not their text (pages and PDFs read
  the text themselves, and their caches hash it).

On a hit the reports and feedback are checked again (:func:`~builder.rounds.documents.
load_reports`, :func:`~builder.rounds.documents.load_feedback`: front matter, sections),
and their diagnostics replace those stored, so a county that breaks its report's front
matter gets the same error as without the cache. A round with any error is never stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..buildcache import (
    BuildCache,
    Hasher,
    NotPlain,
    code_digest,
    from_plain,
    paused_gc,
    round_digest,
    to_plain,
    tree_digest,
)
from ..diagnostics import Diagnostic

CODE_NOT_USED = ("pdf", "site", "checker", "cli")
_DOCS = ("reports", "feedback")


def load_computed(project, round_id: str, store: BuildCache | None):
    """``(round, diagnostics, results)`` as :func:`~builder.rounds.load_round` gives the
    first two; ``results`` is ``compute(round)``, or None when the round has errors."""
    from ..rounds import compute, load_round

    folder = project.content_dir / round_id
    key = None
    if store is not None and store.enabled:
        key = Hasher(
            "round",
            code_digest(CODE_NOT_USED),
            tree_digest(project.rubrics_dir),
            str(project.root),
            os.getcwd(),
            round_id,
            round_digest(folder),
        ).hexdigest()
        found = _cached(project, folder, store, key)
        if found is not None:
            return found
    rnd, diags = load_round(project, round_id)
    if rnd is None or any(d.is_error for d in diags):
        return rnd, diags, None
    results = compute(rnd)
    if key is not None and store is not None:
        kept = [d for d in diags if not _about_documents(d, folder)]
        try:
            with paused_gc():  # the plain data is gone again before the collector runs
                data = json.dumps(
                    {"results": to_plain(results), "diagnostics": [d.to_json() for d in kept]},
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
        except (NotPlain, RecursionError):
            return rnd, diags, results
        blob = store.put_blob(data.encode("utf-8"))
        store.put("round", key, {"blob": blob})
        store.known_values[id(results)] = (results, blob)
    return rnd, diags, results


def _cached(project, folder: Path, store: BuildCache, key: str):
    rec = store.get("round", key)
    if rec is None:
        return None
    data = store.get_blob(str(rec.get("blob", "")))
    if data is None:
        return None
    try:
        with paused_gc():
            body = json.loads(data)
            results = from_plain(body["results"])
            kept = [Diagnostic.from_json(d) for d in body["diagnostics"]]
            del body  # freed before the collector runs again, which would walk it for nothing
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return None  # not what this code writes: load afresh
    from ..rounds.model import RoundResults

    if type(results) is not RoundResults:
        return None
    fresh = _check_documents(project, results.round, folder)
    if fresh is None:
        return None
    diags = sorted(kept + fresh, key=Diagnostic.sort_key)
    if any(d.is_error for d in diags):
        return None, diags, None
    store.stats.rounds_reused.append(results.round.id)
    store.known_values[id(results)] = (results, str(rec.get("blob", "")))
    return results.round, diags, results


def _check_documents(project, rnd, folder: Path) -> list[Diagnostic] | None:
    """The loader's checks of ``reports/`` and ``feedback/``, run again."""
    from ..rounds.context import RoundContext
    from ..rounds.documents import load_feedback, load_reports
    from ..rounds.meta import load_round_meta

    meta, _ = load_round_meta(project.content_dir, rnd.id, project.display, partial=True)
    if meta is None:
        return None
    fresh: list[Diagnostic] = []
    ctx = RoundContext(meta, rnd.rubric, fresh)
    reports = load_reports(ctx, folder / "reports", project.display)
    feedback = load_feedback(ctx, folder / "feedback", project.display)
    ctx.finish()
    if reports != rnd.reports or feedback != rnd.feedback:
        return None  # cannot happen (their names are in the key), but never serve a stale round
    return fresh


def _about_documents(d: Diagnostic, folder: Path) -> bool:
    try:
        p = Path(d.path)
        p = (p if p.is_absolute() else Path.cwd() / p).resolve()
    except (OSError, ValueError):
        return False
    return any(p.is_relative_to((folder / sub).resolve()) for sub in _DOCS)
