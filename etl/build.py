"""Build the warehouse from a raw folder into a new DuckDB file, check it, and swap it in atomically."""

from __future__ import annotations

import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from tqdm import tqdm

from etl import domains, transforms
from etl.checks import CHECKS, Check, run_checks
from etl.education import Education
from etl.errors import CheckFailedError, RawFileError
from etl.manifest import Manifest, read_manifest, sha256_of
from etl.periods import PERIOD_COLUMNS, period_rows
from etl.rawfiles import RawFile, discover
from etl.reference import MunicipalityResolver, Region, read_regions, region_membership
from etl.sources import SOURCES
from etl.tempfiles import remove_stale_warehouse_temps, temp_path
from etl.workbooks.checks import PROGRAMME_CHECKS
from etl.workbooks.store import kept, locked, position, read_log, record_position
from warehouse.schema import schema_sql

if TYPE_CHECKING:  # the programme's replay imports pandas; a build without uploads never does
    from etl.workbooks.replay import Programme

SCHEMA_VERSION = "1"
# DuckDB's own memory for a build (by default 80 % of the machine): above it, sorts and joins spill to a folder beside
# the warehouse. A raw set ten times the national demo then peaks near 1.1 GB instead of 2.4 GB, a little faster.
BUILD_MEMORY = "1GB"
STAGING_WORKERS = 2  # threads that run readers side by side (see _load)


def _cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _staging_threads() -> int:
    """DuckDB's threads while the readers run: each worker thread runs its own statement, so DuckDB's pool gets
    the cores left over; more threads than cores only take turns (on 2 cores, 4 threads made staging ~15 % slower)."""
    return max(1, _cores() - STAGING_WORKERS + 1)  # `threads` counts the calling thread as one


@dataclass(frozen=True)
class BuildReport:
    """What a successful build produced."""

    db_path: Path
    is_demo: bool
    files: int
    fact_rows: dict[str, int]
    notes: list[str] = field(default_factory=list)  # uploads that could not be replayed, in Dutch
    overlaps: list[str] = field(default_factory=list)  # raw files whose periods a newer edition took over, in Dutch


def build(raw_dir: Path, db_path: Path, progress: bool = True, uploads_dir: Path | None = None) -> BuildReport:
    """Build into a temporary file next to db_path; only when every check passes, replace db_path.

    `uploads_dir` holds the programme's kept workbooks (plan of action, monthly reports); None builds without.
    The programme is loaded and the file swapped under the uploads lock: a commit meanwhile waits, so the new
    warehouse holds every commit made before it and none is lost by the swap. (It is replayed beforehand, beside the
    raw files, and replayed again under the lock only if a commit came in between.)
    """
    raw_dir, db_path = Path(raw_dir), Path(db_path)
    if not raw_dir.is_dir():
        raise RawFileError(raw_dir, "de map met ruwe bestanden bestaat niet; maak demodata met "
                                    "'python -m etl demo' of haal data op met 'python -m etl fetch'")
    raw_files = discover(raw_dir)
    if not raw_files:
        raise RawFileError(raw_dir, "geen ruwe bestanden gevonden; maak demodata met 'python -m etl demo'")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_warehouse_temps(db_path)  # of builds and commits that were killed
    tmp_path, spill = temp_path(db_path, "tmp"), temp_path(db_path, "spill")
    tmp_path.unlink(missing_ok=True)
    store = uploads_dir is not None and uploads_dir.is_dir()
    try:
        con = duckdb.connect(str(tmp_path), config={"memory_limit": BUILD_MEMORY, "temp_directory": str(spill),
                                                    "threads": _staging_threads()})
        try:
            # The programme is replayed while the raw files load (validating workbooks the cache lacks takes
            # seconds), without the lock; under the lock it is used only if the store has not moved since.
            with ThreadPoolExecutor(max_workers=1) as aside:
                replaying = aside.submit(_replay_programme, uploads_dir if store else None)
                report = _load(con, raw_files, db_path, progress)
                try:
                    early = replaying.result()
                except Exception:  # e.g. the store was replaced meanwhile: replayed (or refused) under the lock
                    early = None
            with locked(uploads_dir) if store else nullcontext():
                notes = _load_programme(con, uploads_dir if store else None, early)
                from etl.effects import store_estimates  # pandas: only here

                store_estimates(con)  # the plan's effect estimates, which the progress report reads
                failures = run_checks(con, all_checks())
                if failures:
                    raise CheckFailedError(failures)
                con.execute("checkpoint")
                con.close()
                os.replace(tmp_path, db_path)  # atomic on the same filesystem: readers see old or new, never half
        finally:
            con.close()
        return BuildReport(report.db_path, report.is_demo, report.files, report.fact_rows, notes, report.overlaps)
    finally:
        tmp_path.unlink(missing_ok=True)
        Path(f"{tmp_path}.wal").unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)


def all_checks() -> list[Check]:
    """The core checks and every source's checks on its fact tables."""
    return [*CHECKS, *(check for module in SOURCES for check in module.CHECKS), *PROGRAMME_CHECKS,
            *domains.CHECKS]


def _replay_programme(uploads_dir: Path | None) -> tuple[str, Programme | None]:
    """The store's position and the programme replayed from it (None: no kept uploads; pandas is not loaded)."""
    log, at = read_log(uploads_dir)
    if uploads_dir is None or not kept(uploads_dir, log):
        return at, None
    from etl.workbooks.replay import replay

    programme = replay(uploads_dir)
    return programme.position, programme


def _load_programme(con: duckdb.DuckDBPyConnection, uploads_dir: Path | None,
                    early: tuple[str, Programme | None] | None) -> list[str]:
    """Fill the (new, empty) programme tables from the `early` replay if the store is still at its position, else
    from a replay now (hold the uploads lock); the notes on uploads that did not fit."""
    fresh = early is not None and early[0] == position(uploads_dir)
    at, programme = early if fresh else _replay_programme(uploads_dir)
    if programme is None:
        record_position(con, at)  # the programme tables stay empty
        return []
    from etl.workbooks.replay import load_programme

    load_programme(con, programme)
    return programme.notes


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Append Python rows to a table in one statement: a list per column, each cast to its column's type."""
    types = dict(con.execute("select column_name, data_type from information_schema.columns where table_name = ?",
                             [table]).fetchall())
    select = ", ".join(f"unnest(?::{types[c]}[]) as {c}" for c in columns)  # names and types from the schema
    values = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in columns]
    con.execute(f"insert into {table} by name select {select}", values)


@dataclass(frozen=True)
class _Staged:
    """A file read by its reader: its facts of this build's periods, already in the fact table when `table` is
    None, else sorted in temp table `table` of connection `cursor`, to be appended at the file's turn."""

    cursor: duckdb.DuckDBPyConnection
    table: str | None
    rows: int
    data_rows: int
    education: list[Education]
    periods: list[str]
    sha256: str


def _stage(cursor: duckdb.DuckDBPyConnection, raw: RawFile, resolver: MunicipalityResolver, direct: bool) -> _Staged:
    """Run a reader (`stage`) on its own connection; raises its Dutch RawFileError for a file it cannot read.

    `direct`: append the sorted facts to the fact table now (no earlier file feeds that table); otherwise keep
    them sorted in a temp table for the file's turn. Temp objects belong to `cursor` and go when it is closed.
    """
    dataset = raw.source.DATASET
    try:
        data_rows, education = raw.source.stage(cursor, raw.path, raw.relative, resolver)
    except duckdb.Error as exc:  # a reader names the line itself; this is the last resort, never English
        raise RawFileError(raw.path, "het bestand kan niet worden gelezen; controleer of het een ongewijzigde "
                                     "download van de bron is") from exc
    transforms.set_variables(cursor, periods=None if raw.periods is None else list(raw.periods))
    wanted = transforms.mart(dataset.fact_table)
    if direct:
        table = None
        rows = cursor.execute(f"insert into {dataset.fact_table} by name {wanted}").fetchall()[0][0]
    else:
        table = "staged_facts"
        cursor.execute(f"create temp table {table} as {wanted}")
        rows = cursor.execute(f"select count(*) from {table}").fetchall()[0][0]  # noqa: S608
    periods = [row[0] for row in cursor.execute(f"select distinct {dataset.period_column} from "  # noqa: S608
                                                f"{table or dataset.fact_table} where source_file = ?",
                                                [raw.relative]).fetchall()]
    # Hashed here, on the worker: hashlib releases the GIL, and the loop in _load stays short.
    return _Staged(cursor, table, rows, data_rows, education, periods, sha256_of(raw.path))


LARGE_FILE = 1 << 20  # bytes of plain CSV, or the same work in another format


def _stage_order(raw: RawFile) -> tuple[bool, int, str]:
    """Large files first, largest first; then the others in file order.

    Size is weighed by the reader's STAGE_COST (work per byte relative to a CSV file, 1 when not declared).
    """
    work = raw.path.stat().st_size * getattr(raw.source, "STAGE_COST", 1)
    return (work < LARGE_FILE, -work if work >= LARGE_FILE else 0, raw.relative)


def _load(con: duckdb.DuckDBPyConnection, raw_files: list[RawFile], db_path: Path, progress: bool) -> BuildReport:
    """Create the schema and fill every table; checks run afterwards.

    Files are appended in their (sorted) order, so tables come out the same every time. Two worker threads run
    the readers side by side (DuckDB releases the GIL); this thread appends each file at its turn, so an error
    surfaces at its file's turn, as if the files had been read one after another.
    """
    con.execute(schema_sql())
    regions = read_regions()
    resolver = MunicipalityResolver(regions)

    manifests: dict[str, Manifest] = {}
    education: list[Education] = []
    fact_rows: dict[str, int] = {}
    file_rows = []
    periods: set[tuple[str, str]] = set()
    # A file goes straight into its fact table when it is the first file of that table; a later one waits, sorted,
    # for its turn in the loop below, so rows always land in file order.
    first = {}
    for raw in raw_files:
        first.setdefault(raw.source.DATASET.fact_table, raw.relative)
    cursors = {raw.relative: con.cursor() for raw in raw_files}  # one connection each: they run side by side
    with ThreadPoolExecutor(max_workers=STAGING_WORKERS) as stages:
        # Large files first, so that the two workers end together instead of one finishing a large file alone;
        # then the others in file order, so that this thread can append each as soon as the workers have it.
        staging = {raw.relative: stages.submit(_stage, cursors[raw.relative], raw, resolver,
                                               first[raw.source.DATASET.fact_table] == raw.relative)
                   for raw in sorted(raw_files, key=_stage_order)}
        try:
            columns = tuple(Region.__dataclass_fields__)  # while the workers read
            _insert_rows(con, "region", columns, [tuple(getattr(r, c) for c in columns) for r in regions])
            _insert_rows(con, "region_membership", ("region_code", "municipality_code"), region_membership(regions))
            for raw in tqdm(raw_files, desc="Inlezen", unit="bestand", disable=not progress):
                dataset = raw.source.DATASET
                done = staging[raw.relative].result()  # the reader's RawFileError, at the file's turn
                if done.table is not None:  # sorted already; a plain scan keeps that order
                    done.cursor.execute(f"insert into {dataset.fact_table} by name select * from {done.table}")  # noqa: S608
                education.extend(done.education)
                periods |= {(p, dataset.period_type) for p in done.periods}
                fact_rows[dataset.fact_table] = fact_rows.get(dataset.fact_table, 0) + done.rows
                manifest = manifests[raw.relative] = read_manifest(raw.path) or Manifest(None, None, done.sha256)
                # sha256: of the bytes actually loaded, whatever the manifest says.
                file_rows.append({"path": raw.relative, "source_id": dataset.dataset_id, "sha256": done.sha256,
                                  "origin_url": manifest.origin_url, "retrieved_at": manifest.retrieved_at,
                                  "is_demo": manifest.demo, "data_rows": done.data_rows, "note": raw.note})
        finally:
            for future in staging.values():
                future.cancel()
            for future in staging.values():  # a running stage must end before its connection closes
                if not future.cancelled():
                    future.exception()
            for cursor in cursors.values():
                cursor.close()  # drops its temp tables and views
    con.execute("set threads = ?", [_cores()])  # from here on one statement at a time: every core helps

    refused = next((raw for raw in raw_files if raw.refusal), None)
    if refused is not None:  # two files claim the same periods and neither is a newer edition: never pick silently
        raise RawFileError(refused.path, refused.refusal)
    fields = tuple(Education.__dataclass_fields__)
    _insert_rows(con, "education", fields, sorted({tuple(getattr(e, f) for f in fields) for e in education}))
    _insert_rows(con, "period", PERIOD_COLUMNS, period_rows(sorted(periods)))
    domains.load(con)  # technical domains and the mismatch tables, from the facts and education just loaded
    file_columns = tuple(file_rows[0])
    _insert_rows(con, "raw_file", file_columns,
                 sorted((tuple(row[c] for c in file_columns) for row in file_rows), key=lambda row: row[0]))
    sources = _source_rows(raw_files, manifests)
    _insert_rows(con, "source", tuple(sources[0]), [tuple(row.values()) for row in sources])
    _insert_rows(con, "build_info", ("key", "value"), _build_info(file_rows, manifests))
    overlaps = [f"{raw.relative}: {raw.note}" for raw in raw_files if raw.note]
    return BuildReport(db_path, any(m.demo for m in manifests.values()), len(raw_files), fact_rows, [], overlaps)


def _source_rows(raw_files: list[RawFile], manifests: dict[str, Manifest]) -> list[dict[str, object]]:
    """One row per dataset that has files in this build; demo when any of its files is."""
    rows = {}
    for raw in raw_files:
        dataset = raw.source.DATASET
        row = rows.setdefault(dataset.dataset_id, {
            "source_id": dataset.dataset_id, "publisher": dataset.publisher, "title": dataset.title,
            "url": dataset.url, "licence": dataset.licence, "period_type": dataset.period_type, "is_demo": False})
        row["is_demo"] = row["is_demo"] or manifests[raw.relative].demo
    return sorted(rows.values(), key=lambda r: str(r["source_id"]))


def _build_info(file_rows: list[dict[str, object]], manifests: dict[str, Manifest]) -> list[tuple[str, str]]:
    """Build properties; no timestamp, so that the same raw files give identical tables."""
    demo = next((m for m in manifests.values() if m.demo), None)
    fingerprint = hashlib.sha256(
        "".join(f"{r['path']}\0{r['sha256']}\n" for r in sorted(file_rows, key=lambda r: str(r["path"]))).encode()
    ).hexdigest()
    info = {
        "schema_version": SCHEMA_VERSION,
        "is_demo": "true" if demo else "false",
        "demo_scale": demo.demo_scale or "" if demo else "",
        "demo_seed": "" if demo is None or demo.demo_seed is None else str(demo.demo_seed),
        "raw_fingerprint": fingerprint,
    }
    return sorted(info.items())
