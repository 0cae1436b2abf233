"""``kaohe approve | publish | status-set ROUND`` (status changes, each with an audit record),
``kaohe history ROUND`` and ``kaohe diff ROUND A [B]`` (the audit trail, builder/season/audit.py)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from .season import _common


def register(sub) -> None:
    """Add ``kaohe approve | publish | status-set | history | diff`` to *sub* (the subparsers)."""
    for name, help_ in (
        ("approve", "审定轮次（draft → approved），写一条审计记录"),
        ("publish", "发布轮次（approved → published），写一条审计记录"),
    ):
        p = sub.add_parser(name, help=help_)
        _common(p)
        _who(p)
        p.set_defaults(func=cmd_status_change, action=name)
    p = sub.add_parser("status-set", help="把轮次改为任一状态（如退回草稿），写一条审计记录")
    _common(p)
    p.add_argument(
        "status", choices=["draft", "approved", "published"], metavar="状态", help="draft | approved | published"
    )
    _who(p)
    p.set_defaults(func=cmd_status_change, action="status-set")

    h = sub.add_parser("history", help="列出轮次的审计记录，并校验审计链")
    _common(h)
    h.add_argument("--format", choices=["text", "json"], default="text")
    h.set_defaults(func=cmd_history)

    d = sub.add_parser("diff", help="比较两条审计记录（或一条记录与当前数据）：逐项得分及其对总分、等次、名次的影响")
    _common(d)
    d.add_argument("a", metavar="记录A", help="审计记录编号，如 1")
    d.add_argument("b", metavar="记录B", nargs="?", default="current", help="审计记录编号；不写则与当前数据比较")
    d.add_argument("--format", choices=["text", "json"], default="text")
    d.set_defaults(func=cmd_diff)


def _who(p) -> None:
    p.add_argument("--by", required=True, metavar="姓名", help="谁做的（记入审计记录）")
    p.add_argument("--why", required=True, metavar="说明", help="为什么（记入审计记录），如“领导小组会议审定”")


def _load_round(args):
    """(project, round) or None after printing the errors."""
    from ..diagnostics import render_text
    from ..project import Project
    from ..rounds import load_round

    project = Project.find(args.project)
    rnd, diags = load_round(project, args.round)
    render_text([d for d in diags if d.is_error], stream=sys.stderr)
    if rnd is None:
        n = sum(1 for d in diags if d.is_error)
        print(f"共 {n} 个错误。请先修正（kaohe validate {args.round}）。", file=sys.stderr)
        return None
    return project, rnd


def _chain(project, rnd):
    """(records, ok) with the chain's problems printed on stderr."""
    from ..diagnostics import render_text
    from ..season.audit import read_records

    records, diags = read_records(rnd.path, project.display)
    render_text(diags, stream=sys.stderr)
    return records, not any(d.is_error for d in diags)


def cmd_status_change(args) -> int:
    """Run ``kaohe approve | publish | status-set``: change the round's status and write an audit record.

    :return: the exit code: 0 done, 1 refused or bad input (nothing written).
    """
    from ..diagnostics import render_text
    from ..files import sha256, write_atomic
    from ..rounds import compute
    from ..rounds.export import STATUS_ZH
    from ..season import audit
    from ..season.compare import snapshot

    got = _load_round(args)
    if got is None:
        return 1
    project, rnd = got
    records, ok = _chain(project, rnd)
    if not ok:
        print("审计链未通过校验（见上），不能再写新记录。请先恢复被改动的记录。", file=sys.stderr)
        return 1
    current = rnd.status
    target = {"approve": "approved", "publish": "published"}.get(args.action) or args.status
    yaml_path = rnd.path / "round.yaml"
    shown = project.display(yaml_path)
    if args.action != "status-set":
        bad = audit.status_consistency(records, current, shown, (1, 1))
        if bad:
            render_text(bad, stream=sys.stderr)
            return 1
        need = {"approve": "draft", "publish": "approved"}[args.action]
        if current != need:
            print(
                f"{shown}: 轮次现在是“{STATUS_ZH[current]}”（{current}），{audit.ACTION_ZH[args.action]}"
                f"需要先是“{STATUS_ZH[need]}”（{need}）。"
                + ("" if current != "draft" else f"请先 kaohe approve {rnd.id}。"),
                file=sys.stderr,
            )
            return 1
    elif current == target and audit.last_status(records) in (None, target):
        print(f"轮次已经是“{STATUS_ZH[target]}”（{target}），没有改动。", file=sys.stderr)
        return 1
    text = yaml_path.read_text(encoding="utf-8-sig")
    new_text = audit.set_status_text(text, target)
    if new_text is None:
        print(f"{shown}: 找不到“status: …”这一行，无法修改状态。", file=sys.stderr)
        return 1
    new_bytes = new_text.encode("utf-8")
    results = compute(replace(rnd, status=target))
    inputs = audit.input_hashes(rnd.path)
    inputs["round.yaml"] = sha256(new_bytes)
    rec = audit.append(
        rnd.path,
        {
            "round": rnd.id,
            "action": args.action,
            "status": {"from": current, "to": target},
            "by": args.by,
            "why": args.why,
            "at": audit.now(),
            "inputs": inputs,
            "results": snapshot(results),
            "decisions": audit.decisions_json(rnd.decisions),
        },
    )
    write_atomic(yaml_path, new_bytes)
    print(
        f"✓ {rnd.title}：{STATUS_ZH[current]} → {STATUS_ZH[target]}（{args.by}：{args.why}）。"
        f"审计记录 {project.display(rec.path)}。"
    )
    if target == "approved":
        print(
            f"  各县区反馈中的得分和扣分已编复核编号：kaohe pdf {rnd.id} 生成反馈，"
            f"kaohe appeals {rnd.id} --forms 生成复核申请表。"
        )
    return 0


def _meta_and_records(args):
    """(project, round header, audit records, their diagnostics), or None after printing why.
    Only round.yaml is read: history and diff work on a round whose data has errors."""
    from ..diagnostics import render_text
    from ..project import Project
    from ..rounds.meta import load_round_meta
    from ..season import audit

    project = Project.find(args.project)
    meta, diags = load_round_meta(project.content_dir, args.round, project.display, partial=True)
    if meta is None:
        render_text(diags, stream=sys.stderr)
        return None
    records, rdiags = audit.read_records(meta.path, project.display)
    return project, meta, records, rdiags


def cmd_history(args) -> int:
    """Run ``kaohe history``: list the round's audit records and verify the chain.

    :return: the exit code: 0 when the chain is sound, 1 on any error.
    """
    from ..diagnostics import render_text
    from ..rounds.export import STATUS_ZH
    from ..season import audit

    got = _meta_and_records(args)
    if got is None:
        return 1
    project, meta, records, rdiags = got
    rdiags += audit.status_consistency(records, meta.status, meta.yaml_path, meta.status_pos)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "round": meta.id,
                    "status": meta.status,
                    "ok": not any(d.is_error for d in rdiags),
                    "records": [
                        {
                            "seq": r.seq,
                            "path": project.display(r.path),
                            "action": r.body.get("action"),
                            "status": r.body.get("status"),
                            "by": r.body.get("by"),
                            "why": r.body.get("why"),
                            "at": r.body.get("at"),
                            "hash": r.digest,
                        }
                        for r in records
                    ],
                    "diagnostics": [d.to_json() for d in rdiags],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 1 if any(d.is_error for d in rdiags) else 0
    print(f"{meta.title}（{meta.id}）审计记录，现在的状态：{STATUS_ZH.get(meta.status, meta.status)}")
    if not records:
        print("  还没有审计记录（kaohe approve / publish / status-set、kaohe appeals --by 会写记录）。")
    for r in records:
        b = r.body
        st = b.get("status")
        action = str(b.get("action"))
        what = audit.ACTION_ZH.get(action, action)
        change = ""
        if isinstance(st, dict) and st.get("from") != st.get("to"):
            before, after = str(st.get("from")), str(st.get("to"))
            change = f"{STATUS_ZH.get(before, before)} → {STATUS_ZH.get(after, after)}"
        n_dec = len(b.get("decisions") or [])
        extra = f"，复核决定 {n_dec} 条" if b.get("action") == "appeals" else ""
        print(
            f"  {r.seq:>4}  {b.get('at', '')}  {what}{('（' + change + '）') if change else ''}{extra}"
            f"  {b.get('by', '')}：{b.get('why', '')}  [{r.digest[:12]}]"
        )
    sys.stdout.flush()
    render_text(rdiags, stream=sys.stderr)
    if any(d.is_error for d in rdiags):
        return 1
    if records:
        print(f"审计链完整（{len(records)} 条记录）。")
    return 0


def cmd_diff(args) -> int:
    """Run ``kaohe diff``: compare two audit records (or one with the current data).

    :return: the exit code: 0 done, 1 bad input, 2 a record label that is not a number.
    """
    from ..diagnostics import render_text
    from ..season import audit
    from ..season.compare import compare, render, snapshot, to_json, valid_snapshot

    got = _meta_and_records(args)
    if got is None:
        return 1
    project, meta, records, rdiags = got
    render_text(rdiags, stream=sys.stderr)
    by_seq = {r.seq: r for r in records}
    sides = []
    for label in (args.a, args.b):
        if label == "current":
            got = _load_round(args)
            if got is None:
                return 1
            from ..rounds import compute

            _, rnd = got
            sides.append(("当前数据", snapshot(compute(rnd)), audit.input_hashes(rnd.path)))
            continue
        try:
            seq = int(label)
        except ValueError:
            print(f"记录编号“{label}”应当是数字（kaohe history {args.round} 列出全部记录）。", file=sys.stderr)
            return 2
        rec = by_seq.get(seq)
        if rec is None:
            have = "、".join(str(s) for s in by_seq) or "（没有）"
            print(f"没有第 {seq} 条审计记录。现有的记录：{have}。", file=sys.stderr)
            return 1
        shown = project.display(rec.path)
        if any(d.is_error and d.path == shown for d in rdiags):
            print(f"{shown}: 这条审计记录未通过校验（见上），不能用来比较。", file=sys.stderr)
            return 1
        res = rec.body.get("results")
        if not valid_snapshot(res):
            print(f"{shown}: 审计记录中没有可比较的结果（results 的格式不对）。", file=sys.stderr)
            return 1
        sides.append((f"记录 {seq}", res, rec.body.get("inputs") or {}))
    (la, a, ia), (lb, b, ib) = sides
    changes = compare(a, b)
    files = sorted(k for k in set(ia) | set(ib) if ia.get(k) != ib.get(k))
    if args.format == "json":
        print(
            json.dumps({"a": la, "b": lb, "files": files, "counties": to_json(changes)}, ensure_ascii=False, indent=2)
        )
        return 0
    print(f"{la} → {lb}")
    if a.get("status") != b.get("status"):
        print(f"状态：{a.get('status')} → {b.get('status')}")
    if files:
        print("改动的文件：" + "、".join(files))
    titles = {**(a.get("titles") or {}), **(b.get("titles") or {})}
    print(render(changes, titles))
    return 0
