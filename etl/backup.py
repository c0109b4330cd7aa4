"""Snapshots of everything the monitor holds (upload store, raw files, warehouse, configuration) and their restore.

A snapshot is a folder `<timestamp>/` holding
    uploads/        the committed upload folders, events.jsonl and the audit trail audit.jsonl (not .cache/, not
                    .lock, no leftovers)
    warehouse/      the warehouse file
    raw/            the raw files with their manifests (only the manifests with `with_raw=False`)
    config/         the configuration folder, when there is one
    MANIFEST.json   format version, store position, the warehouse's build_info, and per file its size and sha256
It is written as `<timestamp>.partial/` and renamed when MANIFEST.json (written last, fsynced) is in place, so a
folder without `.partial` is complete. The event log and the warehouse are copied under the uploads lock, so the
copied warehouse reflects exactly the copied store position. Everything else needs no lock: committed upload
folders are never changed, and fetch puts a raw file in place with a rename.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import duckdb

from etl.errors import CheckFailedError, RawFileError
from etl.manifest import MANIFEST_SUFFIX, sha256_of
from etl.workbooks.recovery import CommitError, sync, warehouse_position
from etl.workbooks.store import events, locked, position, sync_to_disk
from warehouse import audit
from warehouse.paths import PROJECT_ROOT
from warehouse.uploads import EVENTS

FORMAT = "techniekmonitor-reservekopie"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"
PARTIAL = ".partial"
UPLOADS, WAREHOUSE, RAW, CONFIG = "uploads", "warehouse", "raw", "config"
WAREHOUSE_FILE = f"{WAREHOUSE}/warehouse.duckdb"
ASIDE = "voor-herstel"  # previous state moved aside by `restore --force`: '<name>.voor-herstel-<timestamp>'
MAX_LISTED = 20  # problems named in one refusal; the rest are counted


class BackupError(Exception):
    """A backup or restore that could not be made or was refused; the Dutch message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """A finished backup and what it took."""

    path: Path
    uploads_position: str
    files: int
    bytes: int
    with_raw: bool
    seconds: float
    locked_seconds: float  # how long commits had to wait


@dataclass(frozen=True)
class Restored:
    """A finished restore."""

    snapshot: Path
    uploads_position: str
    rebuilt: bool  # False: a snapshot without raw files, whose warehouse was restored as is
    moved_aside: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Dutch


def backup(to_dir: Path, raw_dir: Path, db_path: Path, uploads_dir: Path, config_dir: Path | None = None,
           with_raw: bool = True) -> Snapshot:
    """Write a consistent snapshot into `to_dir/<timestamp>/` while the app and commits may run."""
    start = time.perf_counter()
    if not db_path.is_file():
        raise BackupError(f"Er is geen datawarehouse ({db_path}); bouw het eerst met 'python -m etl build' en maak "
                          f"dan de reservekopie.")
    if not raw_dir.is_dir():
        raise BackupError(f"De map met ruwe bestanden ({raw_dir}) bestaat niet; geef de juiste map met --raw.")
    if any(to_dir.resolve().is_relative_to(folder.resolve()) for folder in (raw_dir, uploads_dir)):
        raise BackupError(f"De map voor reservekopieën ({to_dir}) ligt in {raw_dir} of {uploads_dir}; kies een map "
                          f"daarbuiten, liefst op een andere schijf.")
    if config_dir is not None and not config_dir.is_dir():
        raise BackupError(f"De configuratiemap ({config_dir}) bestaat niet; geef de juiste map met --config.")
    if uploads_dir.is_dir():
        sync(db_path, uploads_dir)  # a warehouse a killed command left behind the store is replayed first
    stamp = datetime.now(UTC)
    final = _free_name(to_dir, f"{stamp:%Y%m%dT%H%M%SZ}")
    work = final.with_name(final.name + PARTIAL)
    work.mkdir(parents=True)
    try:
        copied_position, build_info, locked_seconds = _copy_store_and_warehouse(work, db_path, uploads_dir)
        # Committed upload folders never change and are never deleted, so they are copied after the lock is released:
        # exactly those the copied log commits (not a folder a commit is placing right now).
        for upload_id in sorted({e["upload_id"] for e in events(work / UPLOADS) if e["event"] == "commit"}):
            for source in sorted((uploads_dir / upload_id).iterdir()):
                _copy(source, work / UPLOADS / upload_id / source.name)
        trail = audit.whole_lines(uploads_dir)  # append-only: its whole lines as of now, without any lock
        if trail:
            (work / UPLOADS / audit.AUDIT).write_bytes(trail)
            sync_to_disk(work / UPLOADS / audit.AUDIT)
        for source, relative in _files(raw_dir):
            if with_raw or source.name.endswith(MANIFEST_SUFFIX):
                _copy(source, work / RAW / relative)
        if config_dir is not None:
            for source, relative in _files(config_dir):
                _copy(source, work / CONFIG / relative)
        files = [_entry(work, path) for path in sorted(p for p in work.rglob("*") if p.is_file())]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": stamp.replace(microsecond=0).isoformat(),
            "tool": _tool(),
            "uploads_position": copied_position,
            "with_raw": with_raw,
            "with_config": config_dir is not None,
            "build_info": build_info,
            "files": files,
        }
        _write_atomically(work / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # an unfinished snapshot is of no use to anyone
        raise
    sync_to_disk(to_dir)
    return Snapshot(final, copied_position, len(files), sum(f["size"] for f in files), with_raw,
                    time.perf_counter() - start, locked_seconds)


def verify(snapshot: Path) -> dict:
    """The snapshot's manifest once every file in it matches; otherwise BackupError naming each problem."""
    if not snapshot.is_dir():
        raise BackupError(f"{snapshot} bestaat niet of is geen map; geef de map van één reservekopie.")
    if snapshot.name.endswith(PARTIAL):
        raise BackupError(f"{snapshot} is een onvolledige reservekopie (het maken ervan is afgebroken); kies een "
                          f"andere reservekopie. Deze map kunt u verwijderen.")
    manifest_file = snapshot / MANIFEST
    if not manifest_file.is_file():
        inside = sorted(p.parent.name for p in snapshot.glob(f"*/{MANIFEST}"))
        hint = f" Deze map bevat reservekopieën; kies er één, bv. {snapshot / inside[-1]}." if inside else (
            " Zonder manifest is niet na te gaan of de kopie compleet is; kies een andere reservekopie.")
        raise BackupError(f"{manifest_file} ontbreekt: dit is geen (volledige) reservekopie.{hint}")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        listed = {entry["path"]: entry for entry in manifest["files"]}
        version = manifest["format_version"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{manifest_file} is beschadigd ({type(exc).__name__}: {exc}); kies een andere "
                          f"reservekopie.") from exc
    if manifest.get("format") != FORMAT or version != FORMAT_VERSION:
        raise BackupError(f"{manifest_file}: onbekend formaat {manifest.get('format')!r} versie {version!r}; deze "
                          f"versie van het programma leest versie {FORMAT_VERSION}.")
    problems = []
    present = {p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file()} - {MANIFEST}
    for name, entry in sorted(listed.items()):
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            problems.append(f"{name}: ongeldige bestandsnaam in het manifest")
        elif name not in present:
            problems.append(f"{name}: ontbreekt")
        elif (size := (snapshot / name).stat().st_size) != entry["size"]:
            problems.append(f"{name}: grootte {size} bytes, volgens het manifest {entry['size']}")
        elif sha256_of(snapshot / name) != entry["sha256"]:
            problems.append(f"{name}: inhoud gewijzigd (sha256 wijkt af van het manifest)")
    problems += [f"{name}: staat niet in het manifest" for name in sorted(present - set(listed))]
    if problems:
        more = f"\n  … en nog {len(problems) - MAX_LISTED}" if len(problems) > MAX_LISTED else ""
        raise BackupError(f"De reservekopie {snapshot} is beschadigd of onvolledig; er is niets hersteld. Kies een "
                          f"andere reservekopie.\n  " + "\n  ".join(problems[:MAX_LISTED]) + more)
    return manifest


def restore(snapshot: Path, raw_dir: Path, db_path: Path, uploads_dir: Path, config_dir: Path | None = None,
            force: bool = False, progress: bool = False) -> Restored:
    """Check the snapshot, put it in place of raw_dir, db_path, uploads_dir (and config_dir), and rebuild."""
    manifest = verify(snapshot)
    with_raw = bool(manifest.get("with_raw"))
    parts = [(snapshot / UPLOADS, uploads_dir), (snapshot / WAREHOUSE_FILE, db_path), (snapshot / RAW, raw_dir)]
    if config_dir is not None and manifest.get("with_config"):
        parts.append((snapshot / CONFIG, config_dir))
    occupied = [target for _, target in parts if _occupied(target)]
    if occupied and not force:
        raise BackupError("Er staat al iets op de plek waar hersteld wordt: " + ", ".join(map(str, occupied)) +
                          ". Er is niets gewijzigd. Kies andere mappen met --raw, --db en --uploads, of geef --force: "
                          f"dan wordt wat er staat opzij gezet als <naam>.{ASIDE}-<tijdstip>, niet verwijderd.")
    # Everything is copied next to its target first; only then is the old state moved aside and the copy renamed
    # in, so that a crash leaves either the old state or the restored one (plus a '.herstel-<pid>' temporary).
    staged = []
    try:
        for source, target in parts:
            temporary = target.with_name(f"{target.name}.herstel-{os.getpid()}")
            _remove(temporary)
            _copy_tree(source, temporary)
            staged.append((temporary, target))
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        aside = []
        for temporary, target in staged:
            for old in (target, Path(f"{target}.wal")) if target == db_path else (target,):
                if old.is_dir() and not any(old.iterdir()):
                    old.rmdir()  # an empty folder holds nothing to keep
                elif old.exists():
                    aside.append(old.rename(old.with_name(f"{old.name}.{ASIDE}-{stamp}")))
            temporary.rename(target)
            sync_to_disk(target.parent)
    finally:
        for temporary, _ in staged:
            _remove(temporary)
    notes = []
    if config_dir is None and manifest.get("with_config"):
        notes.append("de reservekopie bevat ook een configuratiemap; geef --config MAP om die terug te zetten.")
    if with_raw:
        from etl.build import build  # the readers: only a restore with raw files needs them

        report = build(raw_dir, db_path, progress=progress, uploads_dir=uploads_dir)
        notes += report.notes
        rebuilt_info = _warehouse_info(db_path)[1]
        if rebuilt_info.get("raw_fingerprint") != manifest["build_info"].get("raw_fingerprint"):
            notes.append("de ruwe bestanden in de reservekopie zijn niet die waaruit het datawarehouse destijds "
                         "gebouwd was (er is daarna opgehaald zonder te bouwen); het herbouwde datawarehouse volgt "
                         "de ruwe bestanden van de reservekopie.")
    else:
        notes.append(f"deze reservekopie bevat alleen de manifesten van de ruwe bestanden; het datawarehouse is "
                     f"teruggezet zoals het was. Haal de ruwe bestanden opnieuw op met 'python -m etl fetch --raw "
                     f"{raw_dir}' voordat u opnieuw bouwt.")
    result = sync(db_path, uploads_dir)
    notes += result.notes
    if warehouse_position(db_path) != position(uploads_dir):
        raise BackupError(f"Na het herstel komt het datawarehouse ({db_path}) niet overeen met de uploads "
                          f"({uploads_dir}); voer 'python -m etl sync' uit.")
    return Restored(snapshot, position(uploads_dir), with_raw, aside, notes)


def _copy_store_and_warehouse(work: Path, db_path: Path, uploads_dir: Path) -> tuple[str, dict[str, str], float]:
    """Copy the event log and the warehouse as one state; their position, the warehouse's build_info, seconds locked.

    Only these two need the lock: a commit changes both under it, so only while holding it do they agree for sure.
    """
    store = uploads_dir.is_dir()
    (work / UPLOADS).mkdir()
    (work / WAREHOUSE).mkdir()
    start = time.perf_counter()
    with locked(uploads_dir) if store else nullcontext():
        if store and warehouse_position(db_path) != position(uploads_dir):
            raise BackupError("Het datawarehouse komt niet overeen met de bewaarde uploads; voer 'python -m etl "
                              "sync' uit en probeer het opnieuw.")
        if store and (uploads_dir / EVENTS).exists():
            _copy(uploads_dir / EVENTS, work / UPLOADS / EVENTS)
        _copy(db_path, work / WAREHOUSE_FILE)
    locked_seconds = time.perf_counter() - start
    copied_position = position(work / UPLOADS)
    recorded, build_info = _warehouse_info(work / WAREHOUSE_FILE)
    if recorded != copied_position:  # cannot happen under the lock; checked because a restore relies on it
        raise BackupError(f"De kopie van het datawarehouse staat op positie {recorded}, de kopie van de uploads op "
                          f"{copied_position}; probeer het opnieuw.")
    return copied_position, build_info, locked_seconds


def _free_name(to_dir: Path, name: str) -> Path:
    """`to_dir/name`, or with '-2', '-3', … when a snapshot (or an unfinished one) of that second exists."""
    candidate, number = to_dir / name, 1
    while candidate.exists() or candidate.with_name(candidate.name + PARTIAL).exists():
        number += 1
        candidate = to_dir / f"{name}-{number}"
    return candidate


def _files(folder: Path) -> list[tuple[Path, Path]]:
    """Every file under `folder` with its relative path, skipping dot-entries (fetch's unfinished downloads)."""
    return [(path, path.relative_to(folder)) for path in sorted(folder.rglob("*"))
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)]


def _copy(source: Path, target: Path) -> None:
    """Copy a file and force it to disk (the snapshot only counts once its manifest is renamed in)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    sync_to_disk(target)


def _copy_tree(source: Path, target: Path) -> None:
    """Copy a snapshot part (a folder or the warehouse file) to `target`, forcing every file to disk."""
    if source.is_file():
        _copy(source, target)
        return
    target.mkdir(parents=True)
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                _copy(path, target / path.relative_to(source))


def _entry(root: Path, path: Path) -> dict:
    """A file's line in MANIFEST.json."""
    return {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size, "sha256": sha256_of(path)}


def _warehouse_info(db_path: Path) -> tuple[str | None, dict[str, str]]:
    """The store position a warehouse file records, and its build_info."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        info = dict(con.execute("select key, value from build_info order by key").fetchall())
    finally:
        con.close()
    return info.get("uploads_position"), info


def _tool() -> dict[str, str | None]:
    """The program's version and, in a git checkout, its commit."""
    try:
        package = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):  # a deployment without pyproject.toml: version unknown
        package = None
    try:
        done = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5, check=False)
        commit = done.stdout.strip() if done.returncode == 0 else None
    except OSError:
        commit = None
    return {"version": package, "git_commit": commit}


def _occupied(target: Path) -> bool:
    """True when restoring onto `target` would overwrite something (an empty folder does not count)."""
    if target.is_dir():
        return any(target.iterdir())
    return target.exists() or Path(f"{target}.wal").exists()


def _remove(path: Path) -> None:
    """Delete a file or folder if it is there."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write under a temporary name, fsync, rename: a reader finds the whole file or none."""
    temporary = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.rename(target)
    sync_to_disk(target.parent)



def add_arguments(backup_cmd: argparse.ArgumentParser, restore_cmd: argparse.ArgumentParser,
                  default_uploads: Path) -> None:
    """The options of `backup` and `restore` (the parsers, with --raw and --db, are created in etl/cli.py)."""
    for parser in (backup_cmd, restore_cmd):
        parser.add_argument("--uploads", type=Path, default=default_uploads,
                            help="map met bewaarde uploads (%(default)s)")
        parser.add_argument("--config", type=Path, help="configuratiemap (bv. config/) om mee te nemen")
    backup_cmd.add_argument("--to", type=Path, required=True, help="map waarin de reservekopie <tijdstip>/ komt")
    backup_cmd.add_argument("--without-raw", action="store_true",
                            help="alleen de manifesten van de ruwe bestanden, niet de bestanden zelf")
    restore_cmd.add_argument("snapshot", type=Path, help="map van één reservekopie (met MANIFEST.json)")
    restore_cmd.add_argument("--force", action="store_true",
                             help=f"zet wat er al staat opzij als <naam>.{ASIDE}-<tijdstip> en herstel toch")


def run_backup(args: argparse.Namespace) -> int:
    """`python -m etl backup`: print where the snapshot went; 1 with the reason when none was made."""
    try:
        made = backup(args.to, args.raw, args.db, args.uploads, args.config, with_raw=not args.without_raw)
    except (BackupError, CommitError) as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 1
    raw = "" if made.with_raw else " (zonder ruwe bestanden: alleen hun manifesten)"
    size, seconds, waited = (f"{value:.{d}f}".replace(".", ",") for value, d in  # Dutch decimal comma
                             ((made.bytes / 1e6, 1), (made.seconds, 1), (made.locked_seconds, 2)))
    print(f"Reservekopie gemaakt: {made.path}{raw}; {made.files} bestanden, {size} MB, in {seconds} s (uploads "
          f"{waited} s opgehouden); stand van de uploads {made.uploads_position}.")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """`python -m etl restore`: restore and rebuild; 1 with the reason when refused (then nothing is changed)."""
    try:
        done = restore(args.snapshot, args.raw, args.db, args.uploads, args.config, force=args.force,
                       progress=not args.quiet)
    except (BackupError, CommitError, RawFileError, CheckFailedError) as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 1
    for path in done.moved_aside:
        print(f"Opzij gezet: {path}")
    for note in done.notes:
        print(f"LET OP: {note}", file=sys.stderr)
    how = "datawarehouse opnieuw gebouwd" if done.rebuilt else "datawarehouse teruggezet zoals het was"
    print(f"Hersteld uit {done.snapshot}: uploads in {args.uploads}, ruwe bestanden in {args.raw}, {how} "
          f"({args.db}); stand van de uploads {done.uploads_position}.")
    return 0

