"""Region reference data (CBS codes, names, hierarchy, mergers) and name-to-code resolution."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
FLEVOLAND = "PV24"


def normalise_name(name: str) -> str:
    """Upper-case, accent-free, single-spaced form of a municipality name, for matching across sources."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.upper().split())


def load_regions(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """The region table: one row per region code, with the Flevoland flag derived from the hierarchy."""
    regions = pd.read_csv(
        reference_dir / "regions.csv",
        dtype={"code": str, "name": str, "level": str, "parent_code": str, "successor_code": str},
        keep_default_na=False,
    )
    for column in ("valid_from", "valid_to"):
        regions[column] = pd.to_numeric(regions[column].replace("", None)).astype("Int64")
    for column in ("parent_code", "successor_code"):
        # object dtype keeps a real None (a string column would turn it into NaN)
        regions[column] = regions[column].astype(object).where(regions[column] != "", None)
    regions["is_flevoland"] = (regions["code"] == FLEVOLAND) | (regions["parent_code"] == FLEVOLAND)
    return regions


def region_membership(regions: pd.DataFrame) -> pd.DataFrame:
    """One row per region × municipality it contains, walking parent codes up to NL."""
    parent = dict(zip(regions["code"], regions["parent_code"], strict=True))
    rows = []
    for code in regions.loc[regions["level"] == "gemeente", "code"]:
        node: str | None = code
        while node is not None:
            rows.append((node, code))
            node = parent.get(node)
    return pd.DataFrame(rows, columns=["region_code", "municipality_code"]).sort_values(
        ["region_code", "municipality_code"], ignore_index=True
    )


class MunicipalityResolver:
    """Resolves a municipality name as a source writes it to the CBS code valid in a given year."""

    def __init__(self, regions: pd.DataFrame, reference_dir: Path = REFERENCE_DIR):
        municipalities = regions[regions["level"] == "gemeente"]
        self._successor = {
            code: successor
            for code, successor in zip(municipalities["code"], municipalities["successor_code"], strict=True)
            if successor
        }
        self._valid: dict[str, tuple[int | None, int | None]] = {}
        self._by_name: dict[str, list[str]] = {}
        for row in municipalities.itertuples(index=False):
            self._valid[row.code] = (
                None if pd.isna(row.valid_from) else int(row.valid_from),
                None if pd.isna(row.valid_to) else int(row.valid_to),
            )
            self._by_name.setdefault(normalise_name(row.name), []).append(row.code)
        aliases = pd.read_csv(reference_dir / "region_aliases.csv", dtype=str, keep_default_na=False)
        # The alias file also serves province and landsdeel labels; only municipality codes count here.
        self._aliases = {
            normalise_name(alias): code
            for alias, code in zip(aliases["alias"], aliases["code"], strict=True)
            if code in self._valid
        }

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
