"""Demo DUO vo exam file: the real layout byte for byte, with synthetic schools and counts."""

from __future__ import annotations

import csv
import string
from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.sources.duo_vo_exams import DATASET, SUPPRESSED, header_for

SCHOOL_YEARS = ["2019-2020", "2020-2021", "2021-2022", "2022-2023", "2023-2024"]
FILE_NAME = "examenkandidaten-en-geslaagden-2019-2024.csv"

# Candidates per inhabitant per year, and the technical share, calibrated on DUO's national totals
# for 2019-2024 (vmbo ~90k, havo ~50k, vwo ~36k candidates; vmbo techniek ~19%, havo N&T ~16%, vwo ~41%).
PER_CAPITA = {"VMBO": 0.0050, "HAVO": 0.0028, "VWO": 0.0020}
VMBO_SECTORS = {"techniek": 0.19, "economie": 0.33, "zorg en welzijn": 0.30, "landbouw": 0.18}
VMBO_LEERWEGEN = {"B": 0.20, "K": 0.25, "G": 0.08, "T": 0.45, "LWT": 0.02}
PROFILES = {
    "HAVO": {"C&M": 0.14, "E&M": 0.30, "E&M / C&M": 0.12, "N&G": 0.24, "N&G / C&M": 0.01, "N&G / E&M": 0.03,
             "N&T": 0.06, "N&T / N&G": 0.10},
    "VWO": {"C&M": 0.07, "E&M": 0.20, "E&M / C&M": 0.06, "N&G": 0.25, "N&G / C&M": 0.01, "N&G / E&M": 0.02,
            "N&T": 0.09, "N&T / C&M": 0.01, "N&T / E&M": 0.01, "N&T / N&G": 0.28},
}
MALE_SHARE = {"techniek": 0.88, "economie": 0.55, "zorg en welzijn": 0.15, "landbouw": 0.55}
PASS_RATE = {"VMBO": 0.95, "HAVO": 0.88, "VWO": 0.90}
INHABITANTS_PER_LOCATION = 14_000
LEVEL_OFFER = {"VMBO": 0.75, "HAVO": 0.5, "VWO": 0.45}
LEERWEG_OFFER = {"B": 0.35, "K": 0.35, "G": 0.15, "T": 0.85, "LWT": 0.12}
SMALL_TOWN = 25_000
YEARLY_DRIFT = -0.01  # technical shares slowly fell nationally over 2019-2024


def _programmes(level: str) -> list[tuple[str, float, bool]]:
    """(OPLEIDINGSNAAM, share of the level's candidates, is technical) for a level."""
    if level == "VMBO":
        result = []
        for leerweg, lw_share in VMBO_LEERWEGEN.items():
            for sector, s_share in VMBO_SECTORS.items():
                shown = "zorg & welzijn" if leerweg == "LWT" and sector == "zorg en welzijn" else sector
                result.append((f"VMBO {leerweg} - {shown}", lw_share * s_share, sector == "techniek"))
        return result
    return [(f"{level} - {p}", share, "N&T" in p) for p, share in PROFILES[level].items()]


def _brin(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        code = f"{rng.integers(0, 100):02d}" + "".join(rng.choice(list(string.ascii_uppercase), 2))
        if code not in used:
            used.add(code)
            return code


def _cell(count: int) -> str:
    """A count as DUO publishes it: 1 to 4 suppressed as '<5'."""
    return SUPPRESSED if 0 < count < 5 else str(count)


def _percent(passed: int, candidates: int) -> str:
    """SLAAGPERC as DUO writes it: one decimal, no trailing '.0', '0' when there were no candidates."""
    if candidates == 0:
        return "0"
    text = f"{100 * passed / candidates:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _offered(level: str, rng: np.random.Generator) -> list[tuple[int, tuple[str, float, bool]]]:
    """The programmes one location offers, with DUO's INSPECTIECODE-like number; never none."""
    programmes = list(enumerate(_programmes(level), start=50))
    if level == "VMBO":
        chance = [LEERWEG_OFFER[name.split()[1]] for _, (name, _, _) in programmes]
    else:  # the four main profiles nearly everywhere, rare combinations rarely (as in DUO's file)
        chance = [min(1.0, share * 12) for _, (_, share, _) in programmes]
    offered = [p for p, c in zip(programmes, chance, strict=True) if rng.random() < c]
    return offered or programmes[:1]


def rows(world: list[Municipality], rng: np.random.Generator) -> list[list[str]]:
    """Data rows in DUO's column order for every school location in the demo world."""
    used: set[str] = set()
    result = []
    for municipality in world:
        brin = _brin(rng, used)
        count = max(1, round(municipality.population / INHABITANTS_PER_LOCATION))
        # Which levels each location offers; every level the municipality has goes to at least one location.
        if municipality.population < SMALL_TOWN:
            offers = [["VMBO"] for _ in range(count)]  # havo/vwo pupils travel (as from Urk and Zeewolde)
        else:
            offers = [[lv for lv in PER_CAPITA if rng.random() < LEVEL_OFFER[lv]] or ["VMBO"]
                      for _ in range(count)]
            for level in PER_CAPITA:
                if not any(level in levels for levels in offers):
                    offers[int(rng.integers(count))].append(level)
        for number, levels in enumerate(offers):
            vestiging = f"{brin}{number:02d}"
            for level in sorted(levels):
                sharing = sum(level in lv for lv in offers)
                size = PER_CAPITA[level] * municipality.population / sharing * rng.uniform(0.6, 1.4)
                # The level's candidates spread over the programmes this location offers, so that
                # municipal totals stay calibrated whatever the offer.
                offered = _offered(level, rng)
                offered_share = sum(share for _, (_, share, _) in offered)
                for inspectie, (name, share, technical) in offered:
                    lean = municipality.tech_lean if technical else 1.0
                    sector = name.split(" - ")[-1].replace("&", "en") if level == "VMBO" else None
                    male = MALE_SHARE.get(sector or "", 0.35 if technical else 0.45)
                    row = [brin, vestiging, f"Demo College {municipality.name} {number + 1}",
                           municipality.name.upper(), level, str(inspectie), name]
                    for year_index, _ in enumerate(SCHOOL_YEARS):
                        drift = (1 + YEARLY_DRIFT * year_index) if technical else 1.0
                        expected = size * share / offered_share * lean * drift
                        men = int(rng.poisson(expected * male))
                        women = int(rng.poisson(expected * (1 - male)))
                        passed_men = int(rng.binomial(men, PASS_RATE[level]))
                        passed_women = int(rng.binomial(women, PASS_RATE[level]))
                        for cand, passed in ((men, passed_men), (women, passed_women),
                                             (men + women, passed_men + passed_women)):
                            row += [_cell(cand), _cell(passed), _percent(passed, cand)]
                    result.append(row)
    return sorted(result, key=lambda r: (r[0], r[1], r[4], r[6]))


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the demo file where `fetch` would put the real one, and return its path."""
    target = raw_dir / DATASET.raw_subdir / FILE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header_for(SCHOOL_YEARS))
        writer.writerows(rows(world, rng))
    return target
