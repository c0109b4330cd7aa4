"""Region reference data (CBS codes, names, hierarchy, mergers) and name-to-code resolution."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import RawFileError

if TYPE_CHECKING:  # a build never imports pandas; load_regions() is for the demo writers
    import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
FLEVOLAND = "PV24"


@dataclass(frozen=True)
class Region:
    """One row of the region table: a CBS region code with its name, level, parent and validity."""

    code: str
    name: str
    level: str
    parent_code: str | None
    successor_code: str | None
    valid_from: int | None
    valid_to: int | None
    is_flevoland: bool


def normalise_name(name: str) -> str:
    """Upper-case, accent-free, single-spaced form of a municipality name, for matching across sources."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.upper().split())


def read_regions(reference_dir: Path = REFERENCE_DIR) -> tuple[Region, ...]:
    """The region table: one row per region code, with the Flevoland flag derived from the hierarchy."""
    return _read_regions(reference_dir)


@cache  # the file ships with the code; readers on several threads share one copy
def _read_regions(reference_dir: Path) -> tuple[Region, ...]:
    with (reference_dir / "regions.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            Region(code=row["code"], name=row["name"], level=row["level"], parent_code=row["parent_code"] or None,
                   successor_code=row["successor_code"] or None,
                   valid_from=int(row["valid_from"]) if row["valid_from"] else None,
                   valid_to=int(row["valid_to"]) if row["valid_to"] else None,
                   is_flevoland=FLEVOLAND in (row["code"], row["parent_code"]))
            for row in csv.DictReader(handle))


def load_regions(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """read_regions() as a DataFrame (nullable integer years, None for missing codes), for pandas code."""
    import pandas as pd

    regions = pd.DataFrame([asdict(region) for region in read_regions(reference_dir)])
    for column in ("valid_from", "valid_to"):
        regions[column] = regions[column].astype("Int64")
    for column in ("parent_code", "successor_code"):
        regions[column] = regions[column].astype(object).where(regions[column].notna(), None)
    return regions


def region_membership(regions: Sequence[Region]) -> list[tuple[str, str]]:
    """One (region code, municipality code) pair per region × municipality it contains, walking parents up to NL."""
    parent = {region.code: region.parent_code for region in regions}
    rows = []
    for region in regions:
        if region.level != "gemeente":
            continue
        node: str | None = region.code
        while node is not None:
            rows.append((node, region.code))
            node = parent.get(node)
    return sorted(rows)


class MunicipalityResolver:
    """Resolves a municipality name as a source writes it to the CBS code valid in a given year."""

    def __init__(self, regions: Sequence[Region] | None = None, reference_dir: Path = REFERENCE_DIR):
        municipalities = [r for r in (read_regions(reference_dir) if regions is None else regions)
                          if r.level == "gemeente"]
        self._successor = {r.code: r.successor_code for r in municipalities if r.successor_code}
        self._valid: dict[str, tuple[int | None, int | None]] = {}
        self._by_name: dict[str, list[str]] = {}
        for region in municipalities:
            self._valid[region.code] = (region.valid_from, region.valid_to)
            self._by_name.setdefault(normalise_name(region.name), []).append(region.code)
        with (reference_dir / "region_aliases.csv").open(encoding="utf-8", newline="") as handle:
            aliases = list(csv.DictReader(handle))
        # The alias file also serves province and landsdeel labels; only municipality codes count here.
        self._aliases = {normalise_name(row["alias"]): row["code"] for row in aliases if row["code"] in self._valid}

    def _holds(self, code: str, year: int) -> bool:
        valid_from, valid_to = self._valid[code]
        return (valid_from is None or valid_from <= year) and (valid_to is None or year <= valid_to)

    def resolve(self, name: str, year: int) -> str | None:
        """The code for a name in a year; a name of a dissolved municipality used later goes to its successor."""
        key = normalise_name(name)
        codes = self._by_name.get(key) or ([self._aliases[key]] if key in self._aliases else [])
        if not codes:
            return None
        code = next((c for c in codes if self._holds(c, year)), codes[-1])
        # A dissolved municipality's name used after the merger: follow successors forward. A current
        # municipality named for a year before it existed (DUO restates old years in today's classification)
        # keeps its current code.
        while (valid_to := self._valid[code][1]) is not None and year > valid_to and code in self._successor:
            code = self._successor[code]
        return code

    def code(self, name: str, year: int, path: Path, line: int, column: str, what: str = "gemeente") -> str:
        """resolve(), or a RawFileError naming the line and column of a name it does not know."""
        if (code := self.resolve(name, year)) is None:
            raise RawFileError(path, f"{what} '{name}' is onbekend; voeg de naam toe aan "
                                     "etl/reference/region_aliases.csv", line, column)
        return code
