"""The build makes the same tables as the kept fixtures (tests/build_snapshots.py) from both demo scales and the
real files; an intended change regenerates them with `python -m tests.build_snapshots` and says why."""

from __future__ import annotations

import copy
import shutil

import duckdb
import pytest

from tests.build_snapshots import (
    CODE_HASH_KEYS,
    DEMO_SEED,
    build_without_uploads,
    differences,
    fingerprint,
    load_snapshot,
    write_demo,
    write_real,
)

REGENERATE = ("if the change is intended, regenerate with 'python -m tests.build_snapshots' and explain the "
              "difference in the commit and the docs")


def _assert_same(case: str, fresh: dict) -> None:
    changed = differences(load_snapshot(case), fresh)
    assert not changed, f"{case}: the build differs from its snapshot ({REGENERATE}):\n" + "\n".join(changed)


def test_flevoland_demo_builds_the_kept_tables(demo_raw, tmp_path):
    assert DEMO_SEED == 7  # the seed conftest's demo_raw is generated with
    _assert_same("demo_flevoland", fingerprint(build_without_uploads(demo_raw, tmp_path / "w.duckdb"), True))


def test_national_demo_builds_the_kept_tables(tmp_path):
    raw = write_demo(tmp_path / "raw", "national")
    _assert_same("demo_national", fingerprint(build_without_uploads(raw, tmp_path / "w.duckdb"), True))


@pytest.mark.realdata
def test_real_files_build_the_kept_tables(real_data, tmp_path):
    raw = write_real(real_data, tmp_path / "raw")
    _assert_same("real", fingerprint(build_without_uploads(raw, tmp_path / "w.duckdb"), False))


def test_the_real_fixture_holds_no_value_of_the_real_files():
    assert all(set(entry) == {"columns", "rows", "md5"} for entry in load_snapshot("real").values())


def test_a_changed_row_or_count_is_named_by_table():
    kept = load_snapshot("demo_flevoland")
    fresh = copy.deepcopy(kept)
    fresh["fact_vo_exam"]["md5"] = "0" * 32
    fresh["period"]["rows"] += 1
    del fresh["upload"]
    assert differences(kept, fresh) == [
        f"fact_vo_exam: md5 {kept['fact_vo_exam']['md5']} -> {'0' * 32}",
        f"period: rows {kept['period']['rows']} -> {kept['period']['rows'] + 1}",
        "upload: table gone",
    ]


def test_the_code_hash_in_build_info_is_kept_as_a_row_but_not_as_a_value(small_db, tmp_path):
    """A commit that edits the upload store's code changes build_info's uploads_code, not what the build makes."""
    from etl.workbooks.store import CODE_KEY

    assert CODE_KEY in CODE_HASH_KEYS
    db = tmp_path / "w.duckdb"
    shutil.copyfile(small_db, db)
    before = fingerprint(db, True)
    for key, changed in ((CODE_KEY, False), ("schema_version", True)):
        con = duckdb.connect(str(db))
        con.execute("update build_info set value = value || 'x' where key = ?", [key])
        con.close()
        assert (differences(before, fingerprint(db, True)) != []) is changed, key
