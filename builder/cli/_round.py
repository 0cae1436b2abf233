"""What the document commands (``kaohe pdf``, ``kaohe docx``) share: load one round,
compute it and find the county asked for, with the messages in Chinese."""

from __future__ import annotations

import sys


def load_results(args, what: str):
    """``(project, results, county id or None)`` for ``args.round`` (``args.project``,
    optional ``args.county``: an id or a name), or an exit code (1) after printing the
    located diagnostics. ``what`` names the output in the message, e.g. "PDF"."""
    from ..diagnostics import render_text
    from ..fields import did_you_mean
    from ..project import Project
    from ..rounds import compute, load_round

    project = Project.find(args.project)
    rnd, diags = load_round(project, args.round)
    render_text(diags, stream=sys.stderr)
    if rnd is None:
        n_err = sum(1 for d in diags if d.is_error)
        print(f"共 {n_err} 个错误，无法生成{what}。请先修正（kaohe validate {args.round}）。", file=sys.stderr)
        return 1
    results = compute(rnd)
    county = None
    if getattr(args, "county", None):
        c = next((x.county for x in results.counties if args.county in (x.county.id, x.county.name)), None)
        if c is None:
            names = [x.county.id for x in results.counties] + [x.county.name for x in results.counties]
            print(f"本轮次没有县区“{args.county}”。{did_you_mean(args.county, names)}".rstrip(), file=sys.stderr)
            return 1
        county = c.id
    return project, results, county
