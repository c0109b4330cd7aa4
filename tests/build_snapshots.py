"""What today's build makes from both demo scales and the real files, kept table by table as test fixtures.

Before the build's read paths are replaced (issue 15), a new build must give identical tables, or the commit and
the docs say why not. Each fixture holds, per table, its columns, its row count and a hash of its rows sorted as
text; for the demo also the first rows in that order, to show what changed. The real files are public but never
copied into the project: their fixture holds counts and hashes only, no value.

Regenerate after an intended change with `python -m tests.build_snapshots [case ...]` (cases: demo_flevoland,
demo_national, real) and explain the difference in the commit.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from etl.build import build
from etl.demo import generate

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "fixtures" / "build_snapshots"
REAL_DATA = HERE.parent.parent / "shared" / "real-data"
DEMO_SEED = 7  # the seed of tests/conftest.py's demo_raw, so the flevoland case reuses that session fixture
DEMO_CASES = {"demo_flevoland": "flevoland", "demo_national": "national"}
CASES = (*DEMO_CASES, "real")
SAMPLE_ROWS = 3
# A value that is a hash of the project's code, not of the data: any edit of etl/workbooks/store.py or replay.py
# changes it (warehouse may then replay the programme), so the fingerprint keeps the row but not the value.
CODE_HASH_KEYS = ("uploads_code",)
# Flevoland-only extracts cover the same periods as the national file they come from: built together, the extract
# would compete with its parent (issue 15 part 5), so the real case builds the complete files only.
EXTRACT_MARK = "__FLEVOLAND_SUBSET"


def write_demo(raw_dir: Path, scale: str) -> Path:
    """The demo raw files of one scale, with the fixed seed of the fixtures."""
    generate(raw_dir, scale, DEMO_SEED)
    return raw_dir


def write_real(real_data: Path, raw_dir: Path) -> Path:
    """Copies of the real data files (not the catalogues, not the Flevoland extracts) in their shared folders."""
    for path in sorted(real_data.rglob("*")):
        relative = path.relative_to(real_data)
        if not path.is_file() or relative.parts[0] == "catalogs" or EXTRACT_MARK in path.name:
            continue
        if path.name == "README.md":
            continue
        target = raw_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return raw_dir


def build_without_uploads(raw_dir: Path, db_path: Path) -> Path:
    """The warehouse of the public sources alone (the programme tables stay empty, whatever the date)."""
    build(raw_dir, db_path, progress=False, uploads_dir=None)
    return db_path


def fingerprint(db_path: Path, samples: bool) -> dict[str, dict[str, object]]:
    """Per base table: columns with types, row count, md5 of the rows as text sorted, and (if samples) first rows."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and table_type = 'BASE TABLE' order by table_name").fetchall()]
        result: dict[str, dict[str, object]] = {}
        for table in tables:
            columns = [f"{name} {kind}" for name, kind in con.execute(
                "select column_name, data_type from information_schema.columns where table_schema = 'main' "
                "and table_name = ? order by ordinal_position", [table]).fetchall()]
            # A row cast to text is DuckDB's struct literal: every column by name, floats in shortest round trip.
            rows = f'(select cast(t as varchar) as r from "{table}" as t)'  # noqa: S608 (names from the catalogue)
            parameters: list = []
            if table == "build_info":
                rows = ("(select cast(t as varchar) as r from (select key, case when list_contains(?, key) "
                        "then '<code hash>' else value end as value from build_info) as t)")
                parameters = [list(CODE_HASH_KEYS)]
            count, digest = con.execute(
                f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) from {rows}",  # noqa: S608
                parameters).fetchone()
            entry: dict[str, object] = {"columns": columns, "rows": count, "md5": digest}
            if samples:
                entry["first_rows"] = [row[0] for row in con.execute(
                    f"select r from {rows} order by r limit ?", [*parameters, SAMPLE_ROWS]).fetchall()]  # noqa: S608
            result[table] = entry
        return result
    finally:
        con.close()


def snapshot_path(case: str) -> Path:
    """The fixture file of one case."""
    return SNAPSHOTS / f"{case}.json"


def load_snapshot(case: str) -> dict[str, dict[str, object]]:
    """The kept fingerprint of one case."""
    return json.loads(snapshot_path(case).read_text(encoding="utf-8"))


def differences(kept: dict[str, dict[str, object]], fresh: dict[str, dict[str, object]]) -> list[str]:
    """One line per table whose columns, count or rows differ between a kept and a fresh fingerprint."""
    lines = []
    for table in sorted(set(kept) | set(fresh)):
        old, new = kept.get(table), fresh.get(table)
        if old is None or new is None:
            lines.append(f"{table}: {'new table' if old is None else 'table gone'}")
            continue
        for key in ("columns", "rows", "md5"):
            if old[key] != new[key]:
                lines.append(f"{table}: {key} {old[key]} -> {new[key]}")
                break
    return lines


def fresh_fingerprint(case: str, work: Path) -> dict[str, dict[str, object]]:
    """Build one case in `work` from scratch and fingerprint it."""
    raw = work / case / "raw"
    if case == "real":
        write_real(REAL_DATA, raw)
    else:
        write_demo(raw, DEMO_CASES[case])
    db = build_without_uploads(raw, work / case / "warehouse.duckdb")
    return fingerprint(db, samples=case != "real")


def main(argv: list[str] | None = None) -> int:
    """Rebuild the named cases (default all) and write their fixtures."""
    cases = argv if argv else list(CASES)
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        print(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}", file=sys.stderr)
        return 2
    if "real" in cases and not REAL_DATA.is_dir():
        print(f"real data not found at {REAL_DATA}", file=sys.stderr)
        return 1
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            fresh = fresh_fingerprint(case, Path(tmp))
            snapshot_path(case).write_text(json.dumps(fresh, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"{snapshot_path(case).relative_to(HERE.parent)}: {len(fresh)} tables")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
