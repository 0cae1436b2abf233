"""The build cache holds plain data only: computed rounds as JSON of the core's model
dataclasses (never pickles), and a record it cannot verify or read is a miss; it stays under its size limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


def _aged(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_prune_removes_the_least_recently_used_and_remembers_the_size(tmp_path):
    store = BuildCache(tmp_path / "c", enabled=True)
    digests = [store.put_blob(bytes([i]) * 1000) for i in range(5)]
    for age, d in zip((50, 40, 30, 20, 10), digests):
        _aged(store._blob_path(d), age * 3600)
    assert store.prune(max_bytes=3500) == 2  # the two oldest go
    assert [store.get_blob(d) is not None for d in digests] == [False, False, True, True, True]
    usage = json.loads((tmp_path / "c" / "usage.json").read_text(encoding="utf-8"))
    assert 3000 <= usage["bytes"] <= 3500


def test_prune_walks_only_when_the_folder_may_be_over_its_limit(tmp_path, monkeypatch):
    store = BuildCache(tmp_path / "c", enabled=True)
    store.put_blob(b"a" * 1000)
    assert store.prune(max_bytes=10_000) == 0  # no usage.json yet: walked, and written
    walks = []
    real_walk = os.walk
    monkeypatch.setattr(os, "walk", lambda *a, **k: walks.append(a) or real_walk(*a, **k))
    later = BuildCache(tmp_path / "c", enabled=True)  # the next build
    later.put_blob(b"b" * 1000)
    assert later.prune(max_bytes=10_000) == 0 and walks == []  # 1000 + 1000 + usage.json fit: no walk
    later.put_blob(b"c" * 9000)
    assert later.prune(max_bytes=10_000) >= 1 and len(walks) == 1  # may be over: walked, and pruned
    (tmp_path / "c" / "usage.json").write_text("{", encoding="utf-8")
    assert BuildCache(tmp_path / "c", enabled=True).prune(max_bytes=10_000) == 0 and len(walks) == 2
    for _ in range(3):  # builds every hour do not put off the daily walk: its time is the walk's
        assert BuildCache(tmp_path / "c", enabled=True).prune(max_bytes=10_000) == 0 and len(walks) == 2
    usage = json.loads((tmp_path / "c" / "usage.json").read_text(encoding="utf-8"))
    (tmp_path / "c" / "usage.json").write_text(json.dumps({**usage, "walked": usage["walked"] - 2 * 86400}))
    assert BuildCache(tmp_path / "c", enabled=True).prune(max_bytes=10_000) == 0 and len(walks) == 3  # a day old


def test_an_entry_used_within_the_hour_is_not_touched_again(tmp_path):
    store = BuildCache(tmp_path / "c", enabled=True)
    d = store.put_blob(b"x" * 10)
    path = store._blob_path(d)
    _aged(path, 600)
    before = path.stat().st_mtime_ns
    assert store.get_blob(d) == b"x" * 10
    assert path.stat().st_mtime_ns == before
    _aged(path, 2 * 3600)
    assert store.get_blob(d) == b"x" * 10
    assert time.time() - path.stat().st_mtime < 60


def test_a_large_blob_is_hashed_again_only_when_its_file_changed(tmp_path, monkeypatch):
    store = BuildCache(tmp_path / "c", enabled=True)
    d = store.put_blob(b"%PDF-1.7 " + b"x" * 5000)
    path = store._blob_path(d)
    assert store.blob_file(d) == path  # just written (racy): checked, but not kept as checked
    store.save_checked()
    assert not (tmp_path / "c" / "verified.json").exists()
    _aged(path, 600)
    assert store.blob_file(d) == path
    store.save_checked()

    later = BuildCache(tmp_path / "c", enabled=True)  # the next build reads nothing of the file
    monkeypatch.setattr(BuildCache, "get_blob", lambda self, digest: pytest.fail("hashed again"))
    assert later.blob_file(d) == path
    monkeypatch.undo()
    _aged(path, 2 * 3600)  # checked, then unused for two hours: as if verified.json said so
    st = path.stat()
    aged = BuildCache(tmp_path / "c", enabled=True)
    aged._checked[d] = [st.st_size, st.st_mtime_ns, st.st_ino]
    aged.save_checked()
    monkeypatch.setattr(BuildCache, "get_blob", lambda self, digest: pytest.fail("hashed again"))
    assert BuildCache(tmp_path / "c", enabled=True).blob_file(d) == path  # not hashed, but marked as used
    monkeypatch.undo()
    assert time.time() - path.stat().st_mtime < 60

    with open(path, "r+b") as f:  # damaged in place, same size: its time changes
        f.seek(20)
        f.write(b"y")
    damaged = BuildCache(tmp_path / "c", enabled=True)
    assert damaged.blob_file(d) is None and damaged.stats.corrupt == 1 and not path.exists()


def test_a_blob_replaced_by_another_file_of_the_same_size_and_time_is_checked(tmp_path):
    store = BuildCache(tmp_path / "c", enabled=True)
    d = store.put_blob(b"a" * 100)
    path = store._blob_path(d)
    _aged(path, 600)
    assert store.blob_file(d) == path
    store.save_checked()
    st = path.stat()
    other = path.with_name("other")
    other.write_bytes(b"b" * 100)
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, path)  # same size and time, another inode
    assert BuildCache(tmp_path / "c", enabled=True).blob_file(d) is None


def test_a_crafted_blob_name_never_reads_or_deletes_a_file_elsewhere(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    store = BuildCache(tmp_path / "c", enabled=True)
    (tmp_path / "c" / "blobs").mkdir(parents=True)
    for name in ("../../victim.txt", "../victim.txt", str(victim), "A" * 64, "0" * 63):
        assert store.get_blob(name) is None and store.blob_file(name) is None
    assert victim.read_text(encoding="utf-8") == "keep me" and store.stats.corrupt == 0
