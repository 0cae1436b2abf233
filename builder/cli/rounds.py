"""``kaohe validate [ROUND…]`` and ``kaohe results ROUND [--explain COUNTY]``."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    """Add ``kaohe validate`` and ``kaohe results`` to *sub*, the subparsers of ``kaohe``."""
    v = sub.add_parser("validate", help="校验考核轮次的全部文件（不写则校验全部轮次）")
    v.add_argument("rounds", nargs="*", metavar="轮次")
    v.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.set_defaults(func=cmd_validate)
    r = sub.add_parser("results", help="计算考核结果：各领域得分、加分、扣分、总分、等次、排名")
    r.add_argument("round", metavar="轮次")
    r.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")
    r.add_argument("--format", choices=["text", "json"], default="text")
    r.add_argument("--explain", metavar="县区", default=None, help="逐项列出该县区每个分数的来源（文件和行）")
    r.set_defaults(func=cmd_results)


def cmd_validate(args) -> int:
    """Run ``kaohe validate``: check every file of one round, or of all rounds.

    :return: the exit code: 0 no errors (warnings allowed), 1 errors.
    """
    from ..buildcache import BuildCache
    from ..diagnostics import has_errors, render_json, render_text
    from ..project import Project
    from ..rounds import list_rounds, load_round
    from ..rounds.gate import applies, gate

    project = Project.find(args.project)
    targets = args.rounds or list_rounds(project)
    if not targets:
        print("没有找到任何考核轮次（content/<轮次>/round.yaml）。", file=sys.stderr)
        return 1
    diags = []
    ok = []
    for rid in targets:
        rnd, d = load_round(project, rid)
        diags.extend(d)
        if rnd is not None and applies(rnd):  # approved or published: every report must pass the checker
            g = gate(project, rnd, BuildCache.for_project(project))
            diags.extend(g.diagnostics)
            if not g.ok:
                continue
        if rnd is not None:
            ok.append(rnd)
    if ok:  # characters the print fonts cannot draw (warnings; the PDFs print 〓 for them)
        from ..glyphs import check_round, print_coverage

        coverage = print_coverage(project)
        if coverage is not None:
            for rnd in ok:
                diags.extend(check_round(project, rnd, coverage))
    if args.format == "json":
        print(render_json(diags))
    else:
        render_text(diags)
        for rnd in ok:
            n_scores = len(rnd.scores) + len(rnd.ratings)
            extra = []
            if rnd.self_scores:
                extra.append(f"{len(rnd.self_scores)} 项自评得分")
            events = len(rnd.bonus_awards) + len(rnd.deduction_events) + len(rnd.veto_events)
            if events:
                extra.append(f"{events} 条加扣分/否决事项")
            if rnd.reports:
                extra.append(f"{len(rnd.reports)} 份自评报告")
            print(
                f"✓ {rnd.id}：{rnd.title}，{len(rnd.counties)} 个县区，{n_scores} 项得分"
                + ("，" + "，".join(extra) if extra else "")
                + "。"
            )
        n_err = sum(1 for d in diags if d.is_error)
        if n_err:
            sys.stdout.flush()
            print(f"共 {n_err} 个错误。", file=sys.stderr)
    return 1 if has_errors(diags) else 0


def cmd_results(args) -> int:
    """Run ``kaohe results``: compute and print a round's results.

    :return: the exit code: 0 done, 1 the round has errors.
    """
    import json

    from ..diagnostics import render_text
    from ..fields import did_you_mean
    from ..project import Project
    from ..rounds import compute, load_round
    from ..rounds.explain import explain
    from ..rounds.export import explain_json, results_json, results_text

    project = Project.find(args.project)
    rnd, diags = load_round(project, args.round)
    render_text(diags, stream=sys.stderr)
    if rnd is None:
        n_err = sum(1 for d in diags if d.is_error)
        print(f"共 {n_err} 个错误，无法计算考核结果。请先修正（kaohe validate {args.round}）。", file=sys.stderr)
        return 1
    results = compute(rnd)
    if args.explain:
        c = results.county(args.explain) or next((x for x in results.counties if x.county.name == args.explain), None)
        if c is None:
            hint = did_you_mean(
                args.explain, [x.county.id for x in results.counties] + [x.county.name for x in results.counties]
            )
            print(f"本轮次没有县区“{args.explain}”。{hint}".rstrip(), file=sys.stderr)
            return 1
        if args.format == "json":
            print(json.dumps(explain_json(c), ensure_ascii=False, indent=2))
        else:
            print(explain(results, c))
        return 0
    if args.format == "json":
        print(json.dumps(results_json(results), ensure_ascii=False, indent=2))
    else:
        print(results_text(results))
    return 0
