"""Where a project's rubrics and content live, and loading them by id."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .diagnostics import ERROR, Diagnostic

# A rubric reference (``rubric:`` in round.yaml, ``kaohe rubric show ID``) is the stem of a
# file in rubrics/, never a path: no slash, no dot, nothing to climb out of the folder with.
RUBRIC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Project:
    """A project root: a folder holding ``rubrics/`` (and usually ``content/``)."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.rubrics_dir = self.root / "rubrics"
        self.content_dir = self.root / "content"
        self._rubrics: dict = {}

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder upwards from ``start`` (default: cwd) that has ``rubrics/``."""
        here = (start or Path.cwd()).resolve()
        for d in (here, *here.parents):
            if (d / "rubrics").is_dir():
                return cls(d)
        return cls(here)

    def display(self, path: Path) -> str:
        """A path as shown in diagnostics: relative to the current folder when possible."""
        try:
            return os.path.relpath(path)
        except ValueError:
            return str(path)

    def rubric_ids(self) -> list[str]:
        """The ids of the rubrics in ``rubrics/`` (file stems, templates left out), sorted."""
        if not self.rubrics_dir.is_dir():
            return []
        return sorted(p.stem for p in self.rubrics_dir.glob("*.yaml") if not p.name.endswith(".template.yaml"))

    def rubric_path(self, rid: str) -> Path:
        """``rubrics/<rid>.yaml``. ``rid`` must be an id (:data:`RUBRIC_ID_RE`), never a path."""
        if not RUBRIC_ID_RE.match(rid):
            raise ValueError(f"not a rubric id: {rid!r}")
        return self.rubrics_dir / f"{rid}.yaml"

    def load_rubric(self, rid: str):
        """(Rubric | None, diagnostics) for a rubric id, cached per project."""
        if rid not in self._rubrics:
            from .fields import did_you_mean
            from .rubric import load_rubric

            if not RUBRIC_ID_RE.match(rid):
                self._rubrics[rid] = (
                    None,
                    [
                        Diagnostic(
                            self.display(self.rubrics_dir),
                            0,
                            0,
                            ERROR,
                            "rubric-unknown",
                            f"“{rid}”不是考核细则编号：编号只能用小写英文字母、数字和横线（如 luohe-2022），"
                            "不能是路径。",
                        )
                    ],
                )
                return self._rubrics[rid]
            path = self.rubric_path(rid)
            if not path.is_file() and not path.is_symlink():
                hint = did_you_mean(rid, self.rubric_ids())
                self._rubrics[rid] = (
                    None,
                    [
                        Diagnostic(
                            self.display(self.rubrics_dir),
                            0,
                            0,
                            ERROR,
                            "rubric-unknown",
                            f"找不到考核细则“{rid}”（应为 rubrics/{rid}.yaml）。{hint}".rstrip(),
                        )
                    ],
                )
            else:
                self._rubrics[rid] = load_rubric(path, self.display(path), root=self.root)
        return self._rubrics[rid]
