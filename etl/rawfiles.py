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
    note: str | None = None  # Dutch: which periods a newer edition took over, shown in the build and on Bronnen
    refusal: str | None = None  # Dutch: why the build may not use this file beside another (see discover)


def read_header(path: Path) -> list[str]:
    """The first line of a delimited text file as a list of column names."""
    with path.open("rb") as handle:
        # A lone CR ends the line too (old Mac line ends, or a stray CR that then leaves the header unrecognised).
        first_line = handle.read(HEADER_BYTES).split(b"\n", 1)[0].split(b"\r", 1)[0]
    try:
        first = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8(path) from None  # names the line and the character, and what to do
    delimiter = max(";,\t", key=first.count)
    try:
        return [column.strip() for column in next(csv.reader([first], delimiter=delimiter), [])]
    except csv.Error:
        raise RawFileError(path, "de kopregel kan niet worden gelezen (aanhalingstekens of tekens die niet passen); "
                                 "download het bestand opnieuw", 1) from None


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
    every period it covers; older editions contribute only the periods no newer one has, and say so in their note.
    Two files that reach the same latest period and share a period are no editions of each other (a Flevoland
    extract beside the national file, a copy under another name): which one is meant cannot be told from the
    files, so each carries a `refusal` naming both, and the build stops on it (after reading the files, so that an
    unreadable file is still named at its turn) instead of letting one replace the other's figures.

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

    claimed: dict[tuple[str, str], dict[str, str]] = {}  # (dataset, edition) -> period -> file that has it
    newest_first = sorted(candidates, key=lambda c: (max(c[3], default=""), c[1]), reverse=True)
    for path, relative, module, periods, edition in newest_first:
        taken = claimed.setdefault((module.DATASET.dataset_id, edition), {})
        refusal = _same_reach(relative, module, periods, newest_first, edition)
        own = tuple(p for p in periods if p not in taken)
        lost = sorted(p for p in periods if p in taken)
        note = None
        if lost:
            newer = sorted({taken[p] for p in lost})
            note = (f"levert {_span(lost)} niet: de nieuwere editie {' en '.join(newer)} (tot "
                    f"{max(max(c[3]) for c in newest_first if c[1] in newer)}) vervangt die")
        taken.update(dict.fromkeys(own, relative))
        result.append(RawFile(path, relative, module, own, note, refusal))
    return sorted(result, key=lambda r: r.relative)


def _span(periods: list[str]) -> str:
    """Dutch words for a sorted list of periods: 'periode X' or 'N perioden (X t/m Y)'."""
    if len(periods) == 1:
        return f"periode {periods[0]}"
    return f"{len(periods)} perioden ({periods[0]} t/m {periods[-1]})"


def _same_reach(relative: str, module: ModuleType, periods: list[str], candidates: list[tuple],
               edition: str) -> str | None:
    """Why a file may not be built beside a file of the same dataset and edition that shares a period and reaches
    no further (Dutch, naming both), or None."""
    if not periods:
        return None
    reach = max(periods)
    for other in candidates:
        _, other_relative, other_module, other_periods, other_edition = other
        if (other_relative == relative or other_module.DATASET.dataset_id != module.DATASET.dataset_id
                or other_edition != edition or max(other_periods, default="") != reach):
            continue
        shared = sorted(set(periods) & set(other_periods))
        if shared:
            first, second = sorted((relative, other_relative))
            dataset = module.DATASET
            return (f"{first} en {second} bevatten allebei {_span(shared)} van {dataset.publisher} {dataset.title}, "
                    "en geen van beide reikt verder, dus het is geen nieuwere editie van het andere. De build kiest "
                    "niet zelf: een uittreksel (bijvoorbeeld alleen Flevoland) naast het landelijke bestand zou de "
                    "cijfers van Nederland stilzwijgend vervangen. Verwijder een van beide uit de map met ruwe "
                    "bestanden (meestal het uittreksel of de dubbele kopie) en bouw opnieuw.")
    return None
