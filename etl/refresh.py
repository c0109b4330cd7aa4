"""`python -m etl refresh`: fetch what is new, build, and report in one record what changed and what failed.

Meant for a scheduler (docs/deploy.md): exit status 0 when all went well, 1 when a source could not be fetched but
the build succeeded (partial), 2 when the build failed and the old warehouse stayed in place. Every run appends
one JSON line to the refresh log beside the warehouse (warehouse/refreshes.py reads it for the Bronnen page).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import requests

from etl.appendlog import append_line
from etl.build import build
from etl.dataset import SOURCE_GROUPS
from etl.errors import CheckFailedError, RawFileError
from etl.fetch import fetch
from etl.manifest import MANIFEST_SUFFIX, read_manifest
from warehouse.refreshes import log_path, periods_by_source, source_ages

EXIT_CODES = {"ok": 0, "partial": 1, "failed": 2}
GROUP_NAMES = {"duo": "DUO", "cbs": "CBS", "uwv": "UWV", "geo": "Gemeentegrenzen"}
OUTCOME_WORDS = {"ok": "gelukt", "partial": "gedeeltelijk gelukt", "failed": "mislukt"}


@dataclass
class SourceResult:
    """One source group of a refresh: the files that were new or changed, its errors, its new periods."""

    group: str
    fetched: list[str] = field(default_factory=list)  # relative to the raw folder
    errors: list[str] = field(default_factory=list)
    new_periods: dict[str, list[str]] = field(default_factory=dict)  # source id → periods, ascending
    titles: dict[str, str] = field(default_factory=dict)  # source id → 'DUO, Examenkandidaten …'


@dataclass
class RefreshResult:
    """What one refresh did; `as_record()` is its line in the refresh log."""

    started_at: str
    finished_at: str
    outcome: str  # ok | partial | failed
    db: str
    sources: list[SourceResult]
    build_error: str | None = None
    is_demo: bool | None = None  # of the new warehouse; None when the build failed

    @property
    def exit_code(self) -> int:
        """0 ok, 1 partial, 2 failed."""
        return EXIT_CODES[self.outcome]

    def as_record(self) -> dict:
        """The JSON-ready record (one line of the refresh log, and the `--json` output)."""
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _manifests(raw_dir: Path) -> dict[Path, tuple[str | None, str]]:
    """(retrieved at, sha256) of every raw file with a manifest, to tell new downloads from files kept as they were."""
    found = {}
    if raw_dir.is_dir():
        for manifest in raw_dir.rglob(f"*{MANIFEST_SUFFIX}"):
            raw = manifest.with_name(manifest.name[: -len(MANIFEST_SUFFIX)])
            known = read_manifest(raw)
            if known is not None:
                found[raw] = (known.retrieved_at, known.sha256)
    return found


def _warehouse_state(db_path: Path) -> tuple[dict[str, set[str]], dict[str, str], bool | None]:
    """(periods by source, Dutch title by source, demo flag) of a warehouse; empty when there is none (yet)."""
    if not db_path.exists():
        return {}, {}, None
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return {}, {}, None  # unreadable: every period then counts as new, which is what the new build brings
    try:
        ages = source_ages(con)
        demo = con.execute("select value from build_info where key = 'is_demo'").fetchone()
        return (periods_by_source(con), {a.source_id: f"{a.publisher}, {a.title}" for a in ages},
                None if demo is None else demo[0] == "true")
    except duckdb.Error:
        return {}, {}, None
    finally:
        con.close()


def group_of(source_id: str) -> str:
    """The fetch group (duo, cbs, uwv, geo) a dataset belongs to: its id starts with it."""
    prefix = source_id.split("_", 1)[0]
    return prefix if prefix in SOURCE_GROUPS else "overig"


def refresh(raw_dir: Path, db_path: Path, sources: list[str] | None = None, uploads_dir: Path | None = None,
            progress: bool = True, since: int | None = None, force: bool = False,
            http: requests.Session | None = None) -> RefreshResult:
    """Fetch every chosen source group (one that is down does not stop the others), build, log and report."""
    raw_dir, db_path = Path(raw_dir), Path(db_path)
    started = _now()
    before, _, _ = _warehouse_state(db_path)
    manifests = _manifests(raw_dir)
    results = []
    for group in sources or SOURCE_GROUPS:
        result = SourceResult(group)
        try:
            # One group at a time, so that every error message is filed under the source it belongs to.
            fetched, result.errors = fetch(raw_dir, [group], force=force, progress=progress, http=http, since=since)
        except Exception as exc:  # a scheduled run reports a crashing source, not dies on it
            fetched, result.errors = [], [f"onverwachte fout bij het ophalen: {exc!r}"]
        for path in fetched:
            manifest = read_manifest(path)
            if manifest is None or manifests.get(path) != (manifest.retrieved_at, manifest.sha256):
                path = Path(path)
                result.fetched.append(path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir)
                                      else str(path))
        results.append(result)

    build_error = None
    try:
        build(raw_dir, db_path, progress=progress, uploads_dir=uploads_dir)
    except (RawFileError, CheckFailedError) as exc:
        build_error = str(exc)
    is_demo = None
    if build_error is None:
        after, titles, is_demo = _warehouse_state(db_path)
        by_group = {r.group: r for r in results}
        for source_id in sorted(after):
            new = sorted(after[source_id] - before.get(source_id, set()))
            target = by_group.get(group_of(source_id))
            if new and target is not None:
                target.new_periods[source_id] = new
                target.titles[source_id] = titles.get(source_id, source_id)
    outcome = "failed" if build_error else "partial" if any(r.errors for r in results) else "ok"
    result = RefreshResult(started, _now(), outcome, str(db_path), results, build_error, is_demo)
    append_record(db_path, result.as_record())
    return result


def append_record(db_path: Path, record: dict) -> Path:
    """Append one record to the refresh log beside the warehouse (one whole line, on disk); returns the log."""
    path = log_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    append_line(path, json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def summary(result: RefreshResult) -> list[str]:
    """The Dutch summary, one line per fact: what was refreshed, the new periods, what failed and why."""
    started = datetime.fromisoformat(result.started_at).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Verversing van {started}: {OUTCOME_WORDS[result.outcome]}"
             + (" (demodata)" if result.is_demo else "") + "."]
    refreshed = [f"{GROUP_NAMES.get(r.group, r.group)} ({len(r.fetched)} "
                 f"{'bestand' if len(r.fetched) == 1 else 'bestanden'})" for r in result.sources if r.fetched]
    lines.append("Vernieuwd: " + (", ".join(refreshed) if refreshed else "geen nieuwe of gewijzigde bestanden") + ".")
    new = [f"{r.titles.get(source, source)} ({', '.join(periods)})"
           for r in result.sources for source, periods in r.new_periods.items()]
    if result.build_error is None:
        lines.append("Nieuwe perioden: " + ("; ".join(new) if new else "geen") + ".")
    for r in result.sources:
        for error in r.errors:
            lines.append(f"Mislukt: {GROUP_NAMES.get(r.group, r.group)} — {error}")
    if result.build_error is not None:
        lines.append(f"Mislukt: bouwen — {result.build_error}")
        lines.append(f"Het bestaande datawarehouse ({result.db}) is niet gewijzigd." if Path(result.db).exists()
                     else f"Er is nog geen datawarehouse ({result.db}).")
    else:
        lines.append(f"Datawarehouse bijgewerkt: {result.db}.")
    lines.append(f"Logboek: {log_path(result.db)}.")
    return lines


def run(args: argparse.Namespace) -> int:
    """The `refresh` command: refresh, print the summary (or the record as JSON), return the exit status."""
    result = refresh(args.raw, args.db, args.source, uploads_dir=args.uploads, progress=not args.quiet,
                     since=args.since, force=args.force)
    if args.json:
        print(json.dumps(result.as_record(), ensure_ascii=False, sort_keys=True))
    else:
        print("\n".join(summary(result)))
    return result.exit_code
