"""Finding raw files and recognising each by its header, not its name."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from etl.errors import RawFileError
from etl.manifest import MANIFEST_SUFFIX
from etl.rawtext import not_utf8
from etl.sources import SOURCES

IGNORED_NAMES = {"README.md", "README.txt", ".gitkeep"}
HEADER_BYTES = 1 << 16


@dataclass(frozen=True)
class RawFile:
    """A raw file, the source module that reads it, and the periods this build takes from it (None: all)."""

    path: Path
    relative: str
    source: ModuleType
    periods: tuple[str, ...] | None


def read_header(path: Path) -> list[str]:
    """The first line of a delimited text file as a list of column names."""
    with path.open("rb") as handle:
        first_line = handle.read(HEADER_BYTES).split(b"\n", 1)[0]
    try:
        first = first_line.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        raise not_utf8(path) from None  # names the line and the character, and what to do
    delimiter = max(";,\t", key=first.count)
    return [column.strip() for column in next(csv.reader([first], delimiter=delimiter), [])]


def recognise(path: Path) -> tuple[ModuleType, list[str]]:
    """The source module whose layout matches the file's header, and that header."""
    header = read_header(path)
    for module in SOURCES:
        if module.recognises(header):
            return module, header
    for module in SOURCES:  # a reader of an assumed layout names the column a look-alike file differs in
        explain = getattr(module, "explain", None)
        if explain is not None and (problem := explain(header)) is not None:
            raise RawFileError(path, problem[1], 1, problem[0])
    raise RawFileError(
        path,
        "bestand niet herkend aan de kopregel; verwacht een van: "
        + ", ".join(f"{m.DATASET.publisher} {m.DATASET.title}" for m in SOURCES)
        + ". Verwijder het uit de map met ruwe bestanden of controleer of het volledig is gedownload.",
        1,
    )


def discover(raw_dir: Path) -> list[RawFile]:
    """Every raw data file under raw_dir with its source; where editions overlap, the newest wins a period.

    DUO republishes files with a sliding window of years (2019-2024, then 2020-2025). The edition that
    reaches the latest period is the most recent publication and may correct earlier figures, so it wins
    every period it covers; older editions contribute only the periods no newer one has.

    Only files that share their dataset with another file need their periods (and edition) before they are
    read: a file alone in its dataset keeps every period it holds (periods None). That spares the scan of a
    period column of the largest files (DUO mbo by home municipality, UWV), whose periods are not in the header.
    """
    found = []
    for path in sorted(raw_dir.rglob("*")):
        if not path.is_file() or path.name.endswith((MANIFEST_SUFFIX, ".part")) or path.name in IGNORED_NAMES:
            continue
        if any(part.startswith(".") for part in path.relative_to(raw_dir).parts):
            continue
        module, header = recognise(path)
        found.append((path, path.relative_to(raw_dir).as_posix(), module, header))
    per_dataset = Counter(module.DATASET.dataset_id for *_, module, _ in found)

    candidates, result = [], []
    for path, relative, module, header in found:
        if per_dataset[module.DATASET.dataset_id] == 1:
            result.append(RawFile(path, relative, module, None))
            continue
        periods = module.periods(header, path)
        # Files of one dataset can cover different populations in the same layout (DUO's hbo and wo files):
        # a source's edition_key tells them apart, so they do not compete for the same periods.
        edition = module.edition_key(header, path) if hasattr(module, "edition_key") else ""
        candidates.append((path, relative, module, periods, edition))

    claimed: dict[tuple[str, str], set[str]] = {}
    newest_first = sorted(candidates, key=lambda c: (max(c[3], default=""), c[1]), reverse=True)
    for path, relative, module, periods, edition in newest_first:
        taken = claimed.setdefault((module.DATASET.dataset_id, edition), set())
        own = tuple(p for p in periods if p not in taken)
        taken.update(own)
        result.append(RawFile(path, relative, module, own))
    return sorted(result, key=lambda r: r.relative)
