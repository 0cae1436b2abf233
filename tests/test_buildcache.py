"""The build cache holds plain data only: computed rounds as JSON of the core's model
dataclasses (never pickles), and a record it cannot verify or read is a miss."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from builder.buildcache import BuildCache, NotPlain, from_plain, to_plain
from builder.project import Project

REPO = Path(__file__).resolve().parent.parent


def test_a_computed_round_round_trips_as_json_and_shared_objects_stay_shared():
    from builder.rounds import compute, load_round

    rnd, _ = load_round(Project(REPO), "luohe-2022")
    res = compute(rnd)
    back = from_plain(json.loads(json.dumps(to_plain(res))))
    assert back == res and type(back) is type(res)
    assert back.round.rubric is back.round.rubric and back.counties[0].county.name == res.counties[0].county.name
    node = back.counties[0].areas[0].area
    assert any(node is a for a in back.round.rubric.areas)  # the same object, as in the original


@pytest.mark.parametrize("data", [
    ["O", "os:system", []],                       # a class outside the core models
    ["O", "builder.rounds.model:County", ["a"]],  # fields that do not match the class
    ["X", 1],                                     # an unknown tag
    ["O", "builder.rounds.model:os.path", []],    # not a plain class name
    ["O", "builder.rounds.nothing:County", []],   # a module that is not there
    [["T"], []],                                  # a tag that is not a string
    ["T", [["R", 7]]],                            # a reference to no object
    ["O", "builder.rounds.model:County", 3],      # fields that are not a list
])
def test_reading_back_refuses_anything_it_would_not_write(data):
    with pytest.raises(ValueError):
        from_plain(data)


def test_values_that_are_not_plain_are_not_cached():
    with pytest.raises(NotPlain):
        to_plain({"f": lambda: 1})
    assert from_plain(to_plain({("a", 1): [Decimal("0.5"), None]})) == {("a", 1): [Decimal("0.5"), None]}


def test_no_pickle_anywhere_in_the_package():
    for path in (REPO / "builder").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import pickle" not in text and "pickle.loads" not in text, path


@pytest.mark.slow
def test_a_crafted_round_record_is_a_miss_and_the_build_is_right(tmp_path):
    """A record whose blob names a foreign class (or is not JSON) is ignored: the round is loaded afresh."""
    import shutil

    root = tmp_path / "p"
    root.mkdir()
    for name in ("content", "rubrics", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    env = {"PATH": "/usr/bin:/bin", "CI": "true", "HOME": str(tmp_path),
           "PYTHONPYCACHEPREFIX": os.environ["PYTHONPYCACHEPREFIX"]}  # conftest.py
    cmd = [sys.executable, "-m", "builder", "build", "-q", "--no-pdfs"]
    assert subprocess.run(cmd, cwd=root, env=env, capture_output=True).returncode == 0
    before = (root / "site" / "luohe-2022" / "index.html").read_bytes()
    store = BuildCache(root / ".cache" / "kaohe" / "build")
    records = sorted((store.root / "round").rglob("*.json"))
    assert records
    for i, rec in enumerate(records):
        evil = b'{"results": ["O", "os:system", ["echo owned"]], "diagnostics": []}' if i % 2 == 0 else b"\x80not json"
        digest = store.put_blob(evil)
        key = rec.stem
        store.put("round", key, {"blob": digest})
    p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads((root / ".cache" / "kaohe" / "last-build.json").read_text(encoding="utf-8"))["rounds_reused"] == []
    assert (root / "site" / "luohe-2022" / "index.html").read_bytes() == before
