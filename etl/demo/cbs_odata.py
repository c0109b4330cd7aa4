"""Demo bundle of CBS table 03759ned (population on 1 January by age), as etl/cbs_client.py lands it.

Population by age band comes from world.age_band_population, so every CBS demo agrees. Rows per municipality,
Flevoland (PV24) and Nederland (NL01, the sum of the demo world); 2025 is provisional, as on StatLine.
The Leeftijd keys are illustrative (CBS's own codes are looked up by title through the Leeftijd entity set).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.cbs_client import write_bundle
from etl.demo.world import AGE_BAND_SHARES, Municipality, age_band_population
from etl.reference import FLEVOLAND
from etl.sources.cbs_odata import DATASET

TABLE_ID = "03759ned"
YEARS = range(2015, 2026)
PROVISIONAL_YEAR = 2025
MEASURE = "BevolkingOp1Januari_1"
AGE_KEYS = {"15 tot 20 jaar": "70400", "20 tot 25 jaar": "70500"}
FLEVOLAND_CODES = ("GM0034", "GM0995", "GM0303", "GM0171", "GM0184", "GM0050")


def _bundle(world: list[Municipality]) -> dict:
    periods = [{"Key": f"{y}JJ00", "Title": f"{y}*" if y == PROVISIONAL_YEAR else str(y),
                "Description": "", "Status": "Voorlopig" if y == PROVISIONAL_YEAR else "Definitief"} for y in YEARS]
    regions = [{"Key": "NL01  ", "Title": "Nederland"}, {"Key": f"{FLEVOLAND}  ", "Title": "Flevoland (PV)"}]
    regions += [{"Key": m.code, "Title": m.name} for m in world]
    rows = []
    for year in YEARS:
        for band, age_key in AGE_KEYS.items():
            values = {m.code: age_band_population(m, year, band) for m in world}
            totals = {"NL01  ": sum(values.values()),
                      f"{FLEVOLAND}  ": sum(v for c, v in values.items() if c in FLEVOLAND_CODES)}
            for key, value in [*totals.items(), *values.items()]:
                rows.append({"ID": len(rows), "Geslacht": "T001038", "Leeftijd": age_key, "RegioS": key,
                             "Perioden": f"{year}JJ00", MEASURE: value})
    return {
        "TableInfos": {"ID": 1, "Identifier": TABLE_ID, "Title": "Bevolking; geslacht, leeftijd en regio",
                       "Status": "Regulier", "Frequency": "Perjaar", "Language": "nl"},
        "DataProperties": [
            {"ID": 0, "Position": 0, "ParentID": None, "Type": "Dimension", "Key": "Geslacht", "Title": "Geslacht"},
            {"ID": 1, "Position": 1, "ParentID": None, "Type": "Dimension", "Key": "Leeftijd", "Title": "Leeftijd"},
            {"ID": 2, "Position": 2, "ParentID": None, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
            {"ID": 3, "Position": 3, "ParentID": None, "Type": "TimeDimension", "Key": "Perioden",
             "Title": "Perioden"},
            {"ID": 4, "Position": 4, "ParentID": None, "Type": "Topic", "Key": MEASURE,
             "Title": "Bevolking op 1 januari", "Unit": "aantal", "Decimals": 0, "Datatype": "Long"},
        ],
        "dimensions": {
            "Geslacht": [{"Key": "T001038", "Title": "Totaal mannen en vrouwen"}],
            "Leeftijd": [{"Key": key, "Title": band} for band, key in AGE_KEYS.items()],
            "RegioS": regions,
            "Perioden": periods,
        },
        "TypedDataSet": rows,
    }


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the 03759ned bundle where fetch lands it; deterministic (no draws: world.py fixes the numbers)."""
    assert set(AGE_KEYS) == set(AGE_BAND_SHARES)
    path = Path(raw_dir) / DATASET.raw_subdir / TABLE_ID / f"{TABLE_ID}.json"
    return write_bundle(path, TABLE_ID, _bundle(world))
