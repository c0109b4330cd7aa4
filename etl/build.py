"""Build the warehouse from a raw folder into a new DuckDB file, check it, and swap it in atomically."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from tqdm import tqdm

from etl.checks import run_checks
from etl.errors import CheckFailedError, RawFileError
from etl.manifest import Manifest, read_manifest, sha256_of
from etl.periods import periods_table
from etl.rawfiles import RawFile, discover
from etl.reference import MunicipalityResolver, load_regions, region_membership
from warehouse.schema import WAREHOUSE_SCHEMA

SCHEMA = WAREHOUSE_SCHEMA
SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class BuildReport:
    """What a successful build produced."""

    db_path: Path
    is_demo: bool
    files: int
    fact_rows: dict[str, int]


def build(raw_dir: Path, db_path: Path, progress: bool = True) -> BuildReport:
    """Build into a temporary file next to db_path; only when every check passes, replace db_path."""
    raw_dir, db_path = Path(raw_dir), Path(db_path)
    if not raw_dir.is_dir():
        raise RawFileError(raw_dir, "de map met ruwe bestanden bestaat niet; maak demodata met "
                                    "'python -m etl demo' of haal data op met 'python -m etl fetch'")
    raw_files = discover(raw_dir)
    if not raw_files:
        raise RawFileError(raw_dir, "geen ruwe bestanden gevonden; maak demodata met 'python -m etl demo'")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")
    tmp_path.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp_path))
        try:
            report = _load(con, raw_dir, raw_files, db_path, progress)
            failures = run_checks(con)
            if failures:
                raise CheckFailedError(failures)
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp_path, db_path)  # atomic on the same filesystem: readers see old or new, never half
        return report
    finally:
        tmp_path.unlink(missing_ok=True)
        Path(f"{tmp_path}.wal").unlink(missing_ok=True)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a DataFrame to a table, matching columns by name."""
    con.register("incoming", frame)
    try:
        con.execute(f"insert into {table} by name select * from incoming")  # noqa: S608 (table is a constant)
    finally:
        con.unregister("incoming")


def _load(con: duckdb.DuckDBPyConnection, raw_dir: Path, raw_files: list[RawFile], db_path: Path,
          progress: bool) -> BuildReport:
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    regions = load_regions()
    _insert(con, "region", regions)
    _insert(con, "region_membership", region_membership(regions))
    resolver = MunicipalityResolver(regions)

    manifests: dict[str, Manifest] = {}
    education: list[pd.DataFrame] = []
    fact_rows: dict[str, int] = {}
    raw_rows = []
    periods: set[tuple[str, str]] = set()
    for raw in tqdm(raw_files, desc="Inlezen", unit="bestand", disable=not progress):
        module = raw.source
        dataset = module.DATASET
        long = module.read(raw.path)
        facts, edu = module.to_facts(long, raw.path, raw.relative, resolver)
        facts = facts[facts[dataset.period_column].isin(raw.periods)]
        facts = facts.sort_values(list(dataset.grain), ignore_index=True)
        _insert(con, dataset.fact_table, facts)
        education.append(edu)
        fact_rows[dataset.fact_table] = fact_rows.get(dataset.fact_table, 0) + len(facts)
        periods |= {(p, dataset.period_type) for p in facts[dataset.period_column].unique()}
        manifest = read_manifest(raw.path) or Manifest(None, None, sha256_of(raw.path))
        manifests[raw.relative] = manifest
        raw_rows.append({
            "path": raw.relative,
            "source_id": dataset.dataset_id,
            "sha256": sha256_of(raw.path),
            "origin_url": manifest.origin_url,
            "retrieved_at": manifest.retrieved_at,
            "is_demo": manifest.demo,
            "data_rows": int(long["source_line"].nunique()),
        })

    edu_all = pd.concat(education, ignore_index=True).drop_duplicates().sort_values("education_id",
                                                                                   ignore_index=True)
    _insert(con, "education", edu_all)
    _insert(con, "period", periods_table(sorted(periods)))
    _insert(con, "raw_file", pd.DataFrame(raw_rows).sort_values("path", ignore_index=True))

    is_demo = any(m.demo for m in manifests.values())
    sources = []
    for raw in raw_files:
        dataset = raw.source.DATASET
        if dataset.dataset_id not in {s["source_id"] for s in sources}:
            sources.append({
                "source_id": dataset.dataset_id,
                "publisher": dataset.publisher,
                "title": dataset.title,
                "url": dataset.url,
                "licence": dataset.licence,
                "period_type": dataset.period_type,
                "is_demo": any(manifests[r.relative].demo for r in raw_files if r.source is raw.source),
            })
    _insert(con, "source", pd.DataFrame(sources).sort_values("source_id", ignore_index=True))

    demo = next((m for m in manifests.values() if m.demo), None)
    fingerprint = hashlib.sha256(
        "".join(f"{r['path']}\0{r['sha256']}\n" for r in sorted(raw_rows, key=lambda r: r["path"])).encode()
    ).hexdigest()
    info = {
        "schema_version": SCHEMA_VERSION,
        "is_demo": "true" if is_demo else "false",
        "demo_scale": demo.demo_scale if demo and demo.demo_scale else "",
        "demo_seed": str(demo.demo_seed) if demo and demo.demo_seed is not None else "",
        "raw_fingerprint": fingerprint,
    }
    _insert(con, "build_info", pd.DataFrame(sorted(info.items()), columns=["key", "value"]))
    return BuildReport(db_path, is_demo, len(raw_files), fact_rows)
