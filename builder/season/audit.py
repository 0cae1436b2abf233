"""The versioned audit trail of a round (评分留痕): ``content/<round>/audit/NNNN.json``.

Every status change (``kaohe approve`` / ``publish`` / ``status-set``) and every recorded
``kaohe appeals`` decision run appends one record::

    {
      "kaohe_audit": 1,                 format version
      "seq": 3,                         = the file name (0003.json)
      "round": "luohe-2022",
      "action": "approve",              approve | publish | status-set | appeals
      "status": {"from": "draft", "to": "approved"},
      "by": "张三", "why": "领导小组会议审定",   from the command line
      "at": "2023-05-10T08:00:00+00:00",
      "inputs": {"round.yaml": "<sha256>", "scores/zhujian.xlsx": "<sha256>", …},
      "results": {…},                   compare.snapshot: every score, total, grade, rank
      "decisions": [...],               the office's 复核 decisions in force (appeals/decisions.yaml)
      "prev": "<sha256 of the previous record file>" | null,
      "hash": "<sha256 of this record without its hash field>"
    }

* ``hash`` makes an edited record visible; ``prev`` chains the records, so that an edited,
  removed or replaced record breaks the link of the one after it (:func:`verify`).
* A record is written whole to a temporary file, then hard-linked to its final name: never
  half-written, and the link fails rather than overwrite when another run took the number.
* For a status change the record is written first, then ``status:`` in round.yaml is
  rewritten in place (comments kept); :func:`verify` reports a round.yaml whose status does
  not match the last status record (edited by hand, or a run interrupted in between).

Records are internal: ``audit/`` is never read by the site build.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import env
from ..diagnostics import ERROR, WARNING, Diagnostic
from ..files import file_sha256, write_atomic

FORMAT = 1
FOLDER = "audit"
NAME_RE = re.compile(r"^(\d{4,})\.json$")
ACTIONS = ("approve", "publish", "status-set", "appeals")
ACTION_ZH = {"approve": "审定", "publish": "发布", "status-set": "修改状态", "appeals": "复核决定"}
MAX_RECORD_BYTES = 64 * 1024 * 1024  # a record larger than this is refused, not read


def canonical(body: dict) -> bytes:
    """The record's bytes: sorted keys, UTF-8, one trailing newline (stable across runs)."""
    return (json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _self_hash(body: dict) -> str:
    rest = {k: v for k, v in body.items() if k != "hash"}
    return hashlib.sha256(canonical(rest)).hexdigest()


def input_hashes(round_dir: Path) -> dict[str, str]:
    """sha256 of every file of the round folder except the audit trail, by relative path."""
    out = {}
    for p in sorted(round_dir.rglob("*")):
        rel = p.relative_to(round_dir).as_posix()
        if rel.split("/")[0] == FOLDER or not p.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        out[rel] = file_sha256(p)
    return out


@dataclass
class Record:
    """One audit record: its number, file, parsed body and the SHA-256 of its bytes."""

    seq: int
    path: Path
    body: dict
    digest: str  # sha256 of the file bytes (what the next record's prev must be)


def record_paths(round_dir: Path) -> list[tuple[int, Path]]:
    """Return ``(number, path)`` of every record file ``audit/NNNN.json`` of a round, by number.

    Other files in the folder are ignored; a round without the folder has none.
    """
    folder = round_dir / FOLDER
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        m = NAME_RE.match(p.name)
        if m:
            out.append((int(m.group(1)), p))
    return sorted(out)


def read_records(round_dir: Path, display) -> tuple[list[Record], list[Diagnostic]]:
    """Every record, checked: each problem is a located Chinese diagnostic, never an exception.

    Checks: readable JSON object of this format, ``seq`` equal to the file number, numbers
    without gaps, its own ``hash``, the ``prev`` link to the record before it."""
    diags: list[Diagnostic] = []
    records: list[Record] = []
    folder = round_dir / FOLDER
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if not NAME_RE.match(p.name) and not p.name.startswith("."):
                diags.append(
                    Diagnostic(
                        display(p),
                        0,
                        0,
                        WARNING,
                        "audit-file-unknown",
                        f"audit/ 中的“{p.name}”不是审计记录（0001.json 这样的文件名），已忽略。",
                    )
                )
    prev: Record | None = None
    expected = 1
    for seq, p in record_paths(round_dir):
        shown = display(p)
        if seq != expected:
            diags.append(
                Diagnostic(
                    shown,
                    0,
                    0,
                    ERROR,
                    "audit-gap",
                    f"审计记录编号不连续：应有 {expected:04d}.json，下一条却是 {p.name}。"
                    "记录被删除或改名过，审计链断开。",
                )
            )
        expected = seq + 1
        try:
            if p.stat().st_size > MAX_RECORD_BYTES:
                raise ValueError("过大")
            data = p.read_bytes()
            body = json.loads(data.decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", 0) or 0
            diags.append(
                Diagnostic(
                    shown,
                    line,
                    getattr(exc, "colno", 0) or 0,
                    ERROR,
                    "audit-unreadable",
                    f"审计记录 {p.name} 无法读取（不是完整的 JSON 文件）：它被改动或损坏过。",
                    "审计记录只能由 kaohe 写入；请从备份或版本库恢复这个文件。",
                )
            )
            prev = None
            continue
        if not isinstance(body, dict) or body.get("kaohe_audit") != FORMAT:
            diags.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    ERROR,
                    "audit-format",
                    f'{p.name} 不是 kaohe 的审计记录（缺少 "kaohe_audit": {FORMAT}）。',
                )
            )
            prev = None
            continue
        rec = Record(seq, p, body, hashlib.sha256(data).hexdigest())
        problems = []
        if body.get("seq") != seq:
            problems.append(f"记录中的编号 {body.get('seq')} 与文件名 {p.name} 不一致")
        if body.get("hash") != _self_hash(body):
            problems.append("记录内容与它的校验值（hash）不符，记录写入后被改动过")
        want_prev = prev.digest if prev is not None else None
        if seq == 1 and body.get("prev") is not None:
            problems.append("第一条记录的 prev 应为空")
        elif prev is not None and body.get("prev") != want_prev:
            problems.append(
                f"它记下的上一条记录校验值与 {prev.path.name} 的实际校验值不符："
                f"{prev.path.name} 在 {p.name} 写入之后被改动或替换过"
            )
        if problems:
            diags.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    ERROR,
                    "audit-tampered",
                    f"审计记录 {p.name} 未通过校验：" + "；".join(problems) + "。",
                    "审计记录只能由 kaohe 写入；请从备份或版本库恢复，或查明是谁改动的。",
                )
            )
        records.append(rec)
        prev = rec
    return records, diags


def last_status(records: list[Record]) -> str | None:
    """Return the status the newest status record moved to, or ``None`` if none did."""
    for r in reversed(records):
        st = r.body.get("status")
        if isinstance(st, dict) and st.get("to"):
            return st["to"]
    return None


def status_consistency(records: list[Record], status: str, yaml_shown: str, pos: tuple[int, int]) -> list[Diagnostic]:
    """Check that ``round.yaml``'s status is the one the audit trail last recorded.

    :param status: the status ``round.yaml`` writes.
    :param yaml_shown: ``round.yaml`` as diagnostics show it.
    :param pos: line and column of its ``status:``.
    :return: one error when they differ (it says how to record the change), else nothing.
    """
    last = last_status(records)
    if last is not None and last != status:
        return [
            Diagnostic(
                yaml_shown,
                *pos,
                ERROR,
                "audit-status",
                f"round.yaml 的 status 是“{status}”，但最后一条状态记录是“{last}”：status 被直接改过，"
                "或上一次 kaohe approve / publish 在写完记录后被中断。",
                f"用 kaohe status-set 轮次 {status} --by 姓名 --why 原因 记录这次改动（或把 status 改回 {last}）。",
            )
        ]
    return []


def append(round_dir: Path, body: dict) -> Record:
    """Append a record (``seq``, ``prev`` and ``hash`` are filled in here); atomic and exclusive."""
    folder = round_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    existing = record_paths(round_dir)
    seq = existing[-1][0] + 1 if existing else 1
    prev = hashlib.sha256(existing[-1][1].read_bytes()).hexdigest() if existing else None
    body = {**body, "kaohe_audit": FORMAT, "seq": seq, "prev": prev}
    body["hash"] = _self_hash(body)
    data = canonical(body)
    path = folder / f"{seq:04d}.json"
    # Whole file first, then a hard link to the final name: the link fails if the number
    # was taken meanwhile (no overwrite), and a reader never sees a partial record.
    tmp = folder / f".{seq:04d}.json.{os.getpid()}.tmp"
    try:
        write_atomic(tmp, data)
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"审计记录 {path.name} 已经存在：另一个 kaohe 命令刚写了一条记录。请重新运行。") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return Record(seq, path, body, hashlib.sha256(data).hexdigest())


def now() -> str:
    """The record time: ``KAOHE_AUDIT_TIME`` when set (reproducible tests), else now in UTC."""
    fixed = env.text("KAOHE_AUDIT_TIME")
    if fixed:
        return fixed
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


_STATUS_LINE = re.compile(r"^(status\s*:\s*)([A-Za-z]+)(.*)$", re.M)


def set_status_text(text: str, new: str) -> str | None:
    """round.yaml with its top-level ``status:`` value replaced (comments and layout kept);
    None when there is no such line to replace."""
    m = _STATUS_LINE.search(text)
    if m is None:
        return None
    return text[: m.start(2)] + new + text[m.end(2) :]


def decisions_json(decisions) -> list[dict]:
    """Return review decisions as the audit record stores them (scores as strings)."""
    from ..formats import format_decimal

    return [
        {
            "id": d.id,
            "decision": "upheld" if d.upheld else "rejected",
            "score": None if d.score is None else format_decimal(d.score),
            "reason": d.reason,
        }
        for d in decisions
    ]
