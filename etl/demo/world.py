"""The synthetic country every demo source is drawn from, so that all demo sources agree with each other."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from etl.demo import SCALES
from etl.reference import load_regions

NATIONAL_POPULATION = 18_000_000
COMPARISON_MUNICIPALITIES = 24  # outside Flevoland at --scale flevoland: a comparison group for effects

# Rounded populations (1 January 2025 order of magnitude) so the six Flevoland municipalities look familiar.
FLEVOLAND_POPULATION = {
    "GM0034": 230_000,  # Almere
    "GM0995": 85_000,   # Lelystad
    "GM0303": 43_000,   # Dronten
    "GM0171": 49_000,   # Noordoostpolder
    "GM0184": 22_000,   # Urk
    "GM0050": 24_000,   # Zeewolde
}

# How strongly a municipality leans towards technical choices (1.0 = national average); Urk and
# Noordoostpolder lean technical, Almere and Lelystad less so, as in the published DUO figures.
FLEVOLAND_TECH_LEAN = {"GM0034": 0.75, "GM0995": 0.7, "GM0303": 0.9, "GM0171": 1.15, "GM0184": 1.1,
                       "GM0050": 1.0}


@dataclass(frozen=True)
class Municipality:
    """A municipality in the demo world."""

    code: str
    name: str
    population: int
    tech_lean: float


def demo_world(scale: str, seed: int) -> list[Municipality]:
    """The municipalities a demo covers with synthetic populations; deterministic for (scale, seed)."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    rng = np.random.default_rng(seed)
    regions = load_regions()
    current = regions[(regions["level"] == "gemeente") & regions["valid_to"].isna()].sort_values("code")
    others = current[~current["code"].isin(list(FLEVOLAND_POPULATION))]
    # Lognormal sizes resemble the Dutch distribution (median ~30k, a long tail of cities).
    raw = rng.lognormal(mean=np.log(30_000), sigma=0.75, size=len(others))
    remaining = NATIONAL_POPULATION - sum(FLEVOLAND_POPULATION.values())
    sizes = np.maximum(1_000, raw / raw.sum() * remaining).round(-2).astype(int)
    leans = rng.lognormal(mean=0.0, sigma=0.18, size=len(others))
    world = [
        Municipality(code, name, FLEVOLAND_POPULATION[code], FLEVOLAND_TECH_LEAN[code])
        for code, name in zip(current["code"], current["name"], strict=True)
        if code in FLEVOLAND_POPULATION
    ]
    rest = [
        Municipality(code, name, int(size), float(lean))
        for code, name, size, lean in zip(others["code"], others["name"], sizes, leans, strict=True)
    ]
    if scale == "flevoland":
        # A comparison group of similar size (15k to 250k inhabitants), chosen by the seed.
        similar = [m for m in rest if 15_000 <= m.population <= 250_000]
        picks = rng.choice(len(similar), size=min(COMPARISON_MUNICIPALITIES, len(similar)), replace=False)
        rest = [similar[i] for i in sorted(picks)]
    return sorted(world + rest, key=lambda m: m.code)


# CBS demo (additive): population by age band per municipality and year, calibrated on CBS 70072ned 2025
# (Nederland: 15-19 jaar 5.7 %, 20-24 jaar 6.6 % of the population; Urk and Almere younger than average).
AGE_BAND_SHARES = {"15 tot 20 jaar": 0.057, "20 tot 25 jaar": 0.066}
POPULATION_GROWTH = 0.006  # a year, around the 1 January 2025 population


def population_in(municipality: Municipality, year: int) -> int:
    """A municipality's population on 1 January of a year, growing steadily towards Municipality.population."""
    return round(municipality.population * (1 + POPULATION_GROWTH) ** (year - 2025))


def age_band_population(municipality: Municipality, year: int, band: str) -> int:
    """Inhabitants of an age band on 1 January; deterministic from the code, so every CBS demo agrees.

    Each municipality gets a fixed youth factor (0.85..1.25) and a band-specific drift, so that 20-24 year-olds
    in year t+5 are fewer than 15-19 year-olds in year t where young people leave (retention below 1).
    """
    digest = zlib.crc32(f"{municipality.code}:{band}".encode())
    youth = 0.85 + (zlib.crc32(municipality.code.encode()) % 400) / 1000
    drift = ((digest % 200) - 100) / 10_000  # -1 % .. +1 % a year
    # Municipalities with many teenagers (young families) see them leave at 20-24: the factor flips.
    factor = youth if band == "15 tot 20 jaar" else 2 - youth
    share = AGE_BAND_SHARES[band] * factor * (1 + drift) ** (year - 2025)
    return round(population_in(municipality, year) * share)
