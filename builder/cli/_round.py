"""What the document commands (``kaohe pdf``, ``kaohe docx``) share: load one round,
compute it and find the county asked for, with the messages in Chinese; and for the report
commands (``kaohe new report``, ``kaohe import``) the round facts and the county."""

from __future__ import annotations

import sys


def round_county_info(project, round_id: str, county_id: str):
    """``(RoundInfo, CountyInfo)`` of a round and one of its counties (by id) from the light
    round facts the checker uses (:func:`builder.checker.cache.round_info`), or None after
    printing why in Chinese (the round's diagnostics, or the county ids there are)."""
    from ..checker.cache import round_info
    from ..diagnostics import LABELS_ZH, render_text
    from ..fields import did_you_mean

    meta, diags = round_info(project, round_id)
    if meta is None:
        render_text(diags, LABELS_ZH, stream=sys.stderr)
        return None
    county = meta.county(county_id)
    if county is None:
        hint = did_you_mean(county_id, [c.id for c in meta.counties])
        choices = "、".join(f"{c.id}（{c.name}）" for c in meta.counties)
        print(f"错误：考核轮次“{meta.id}”中没有县区“{county_id}”。{hint}可用的编号：{choices}。", file=sys.stderr)
        return None
    return meta, county


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
