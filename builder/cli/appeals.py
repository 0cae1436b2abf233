"""``kaohe appeals ROUND --forms [--out DIR]`` (reply forms) and ``kaohe appeals ROUND``
(returned forms + the office's decisions → re-scored before/after, and an audit record)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from .season import _common


def register(sub) -> None:
    """Add ``kaohe appeals`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser(
        "appeals", help="复核：生成各县区复核申请表（--forms），或读取申请表和复核决定，列出复核前后的变化"
    )
    _common(p)
    p.add_argument("--forms", action="store_true", help="为每个县区生成复核申请表（XLSX）")
    p.add_argument("--out", type=Path, default=None, help="复核申请表的输出文件夹（默认：forms/<轮次>/appeals/）")
    p.add_argument("--by", default=None, metavar="姓名", help="记录复核决定的人（写了 --by 和 --why 才写审计记录）")
    p.add_argument("--why", default=None, metavar="说明", help="说明（记入审计记录）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_appeals)


def cmd_appeals(args) -> int:
    """Run ``kaohe appeals``: write the appeal forms, or apply the review decisions.

    :return: the exit code: 0 done, 1 bad input (located messages on stderr, nothing written).
    """
    from ..diagnostics import WARNING, Diagnostic, render_text
    from ..files import write_atomic
    from ..rounds import compute
    from ..rounds.export import STATUS_ZH
    from ..season import audit
    from ..season.appeals import build_forms, read_forms
    from ..season.compare import compare, render, snapshot, to_json
    from .audit import _chain, _load_round

    got = _load_round(args)
    if got is None:
        return 1
    project, rnd = got
    if rnd.status != "approved" and (args.forms or args.by):
        print(
            f"轮次现在是“{STATUS_ZH[rnd.status]}”（{rnd.status}）。复核在审定之后、发布之前进行："
            f"请先 kaohe approve {rnd.id} --by 姓名 --why 说明。",
            file=sys.stderr,
        )
        return 1
    before = compute(replace(rnd, decisions=()))
    if args.forms:
        organiser = rnd.notification.organ if rnd.notification else rnd.organiser
        out = args.out or Path("forms") / rnd.id / "appeals"
        forms = build_forms(before, organiser)
        for _cid, name, data in forms:
            write_atomic(out / name, data)
        n = sum(1 for _ in forms)
        print(f"✓ {n} 份复核申请表：{project.display(out)}/（每个县区一份，文件名是县区编号）")
        print(
            f"  县区填好后放到 content/{rnd.id}/appeals/，复核决定写在 content/{rnd.id}/appeals/decisions.yaml，"
            f"再运行 kaohe appeals {rnd.id}。"
        )
        return 0

    diags: list = []
    replies = read_forms(rnd.path / "appeals", project.display, before, diags, root=project.root)
    disputed = {r.id for r in replies}
    for d in rnd.decisions:
        if d.id not in disputed:
            diags.append(
                Diagnostic(
                    d.origin.path,
                    d.origin.line,
                    d.origin.column,
                    WARNING,
                    "appeal-not-disputed",
                    f"复核编号“{d.id}”有复核决定，但没有县区在复核申请表中对它提出异议。",
                )
            )
    render_text(diags, stream=sys.stderr)
    if any(x.is_error for x in diags):
        print("复核申请表有错误（见上），没有计算复核结果，也没有写审计记录。", file=sys.stderr)
        return 1
    after = compute(rnd)
    a, b = snapshot(before), snapshot(after)
    changes = compare(a, b)
    decided = {d.id: d for d in rnd.decisions}
    names = {c.id: c.name for c in rnd.counties}
    if args.format == "json":
        print(
            json.dumps(
                {
                    "round": rnd.id,
                    "appeals": [
                        {
                            "id": r.id,
                            "county": r.county,
                            "reason": r.reason,
                            "evidence": r.evidence,
                            "claim": None if r.claim is None else str(r.claim),
                            "decision": (
                                None if r.id not in decided else "upheld" if decided[r.id].upheld else "rejected"
                            ),
                        }
                        for r in replies
                    ],
                    "counties": to_json(changes),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        from ..formats import format_decimal

        print(f"{rnd.title}：复核申请 {len(replies)} 项，已决定 {sum(1 for r in replies if r.id in decided)} 项。")
        for r in replies:
            d = decided.get(r.id)
            state = (
                "待决定"
                if d is None
                else f"采纳，改为 {format_decimal(d.score)} 分（{d.reason}）"
                if d.upheld
                else f"驳回（{d.reason}）"
            )
            claim = f"，申请 {format_decimal(r.claim)} 分" if r.claim is not None else ""
            ev = f"；证明材料：{r.evidence}" if r.evidence else ""
            print(f"  {r.id}（{names[r.county]}）：{r.reason.rstrip('。')}{claim}{ev} → {state}")
        print()
        print("复核前 → 复核后：")
        print(render(changes, b["titles"]))
    if not rnd.decisions:
        return 0
    if not (args.by and args.why):
        if args.format == "text":
            print("（没有写审计记录：加 --by 姓名 --why 说明 记录这次复核决定。）")
        return 0
    records, ok = _chain(project, rnd)
    if not ok:
        print("审计链未通过校验（见上），没有写审计记录。", file=sys.stderr)
        return 1
    now_dec = audit.decisions_json(rnd.decisions)
    last = next((r for r in reversed(records) if r.body.get("action") == "appeals"), None)
    if last is not None and last.body.get("decisions") == now_dec and last.body.get("results") == b:
        if args.format == "text":
            print(f"复核决定与上一条记录（{last.path.name}）相同，没有写新记录。")
        return 0
    rec = audit.append(
        rnd.path,
        {
            "round": rnd.id,
            "action": "appeals",
            "status": {"from": rnd.status, "to": rnd.status},
            "by": args.by,
            "why": args.why,
            "at": audit.now(),
            "inputs": audit.input_hashes(rnd.path),
            "results": b,
            "decisions": now_dec,
        },
    )
    if args.format == "text":
        print(f"✓ 审计记录 {project.display(rec.path)}（复核决定 {len(now_dec)} 条）。")
    return 0
