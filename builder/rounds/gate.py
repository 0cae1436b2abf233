"""The publication gate: a round that is ``approved`` or ``published`` publishes only reports
that pass the template checker.

:func:`gate` runs the checker (:mod:`builder.checker`) on every self-report of a round and
turns what it finds into diagnostics of the round:

* a checker error not waived → an error ``gate-report`` at the report's file:line, naming the
  county: ``kaohe validate`` exits 1 and the site build stops before ``site/`` is touched;
* a finding waived in ``round.yaml`` (``waivers:``, see ``content/README.md``) → a note
  ``gate-waived`` that repeats the reason (the build log prints each one);
* a waiver that matches no finding → a warning ``gate-waiver-unused`` at its line in round.yaml.

Warnings of the checker do not stop publication. Draft previews do not fail: they call
:func:`findings` and show the findings on the report page instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import ERROR, INFO, WARNING, Diagnostic
from .model import Round

GATED_STATUSES = ("approved", "published")


@dataclass
class GateResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # for the round (errors, waivers, unused)
    findings: dict = field(default_factory=dict)  # county_id -> checker diagnostics of its report (all)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def applies(rnd: Round) -> bool:
    """Whether the gate holds for the round: its status is approved or published."""
    return rnd.status in GATED_STATUSES


# Subpackages a check does not read (see code_digest).
_CODE_NOT_USED = ("pdf", "site", "cli", "checkpage", "season")


def findings(project, rnd: Round, cache=None) -> dict:
    """county_id → the checker's diagnostics for that county's report (reports only).

    ``cache``: a :class:`~builder.buildcache.BuildCache`; a report's findings are kept under
    the hash of its bytes, of everything else the checker reads (the round's folder —
    other reports by name only —, the rubrics and their templates, the code) and of the
    path it is shown by, so a rebuild checks again only the reports that changed."""
    from ..buildcache import Hasher, code_digest, round_digest, tree_digest
    from ..checker import check_file
    from ..files import file_digest
    from ..forked import split_map

    facts = None
    if cache is not None and cache.enabled:
        facts = Hasher(
            "gate",
            code_digest(_CODE_NOT_USED),
            tree_digest(project.rubrics_dir),
            str(project.root),
            rnd.id,
            round_digest(rnd.path),
        ).hexdigest()
    out = {}
    todo = []
    for cid, path in sorted(rnd.reports.items()):
        shown = project.display(path)
        key = None
        if facts is not None:
            key = Hasher(facts, cid, shown, file_digest(path)).hexdigest()
            found = _cached(cache.get("gate", key))
            if found is not None:
                out[cid] = found
                continue
        todo.append((cid, path, shown, key))

    def check(share) -> list[list[Diagnostic]]:
        found = []
        for cid, path, shown, key in share:
            diags = list(check_file(path, project, rnd.id, cid, display=shown).diagnostics)
            if key is not None:
                cache.put("gate", key, {"diagnostics": [d.to_json() for d in diags]})
            found.append(diags)
        return found

    for (cid, *_), diags in zip(todo, split_map(check, todo), strict=True):
        out[cid] = diags
    return dict(sorted(out.items()))


def _cached(record) -> list[Diagnostic] | None:
    try:
        return [Diagnostic.from_json(d) for d in record["diagnostics"]]
    except (KeyError, TypeError, ValueError):
        return None  # absent, or not what this code writes


def gate(project, rnd: Round, cache=None) -> GateResult:
    """Check every report of ``rnd`` and apply its waivers (see the module doc). Never raises.
    ``cache``: see :func:`findings`."""
    result = GateResult(findings=findings(project, rnd, cache))
    yaml_path = project.display(rnd.path / "round.yaml")
    used: set[int] = set()
    for cid, diags in result.findings.items():
        county = rnd.county(cid)
        name = county.name if county else cid
        for d in diags:
            if not d.is_error:
                continue
            waiver = next((i for i, w in enumerate(rnd.waivers) if w.covers(cid, d.rule, d.line)), None)
            if waiver is not None:
                used.add(waiver)
                result.diagnostics.append(
                    Diagnostic(
                        d.path,
                        d.line,
                        d.column,
                        INFO,
                        "gate-waived",
                        f"{name}自评报告的检查结果已豁免（{d.rule}）："
                        f"{d.message} 豁免理由：{rnd.waivers[waiver].reason}",
                    )
                )
                continue
            result.diagnostics.append(
                Diagnostic(
                    d.path,
                    d.line,
                    d.column,
                    ERROR,
                    "gate-report",
                    f"{name}的自评报告没有通过模板检查（{d.rule}）：{d.message}",
                    "本轮次已审定或已发布，自评报告必须通过 kaohe check 才能公开。请修改报告；"
                    "确需按原样发布的，在 round.yaml 的 waivers 中写明县区、规则和理由（见 content/README.md）。",
                    d.source_line,
                )
            )
    for i, w in enumerate(rnd.waivers):
        if i not in used:
            result.diagnostics.append(
                Diagnostic(
                    yaml_path,
                    w.yaml_line or 1,
                    1,
                    WARNING,
                    "gate-waiver-unused",
                    f"豁免（{w.county}，{w.rule}{f'，第 {w.line} 行' if w.line else ''}）"
                    "没有对应的检查结果，可以删除。",
                )
            )
    return result
