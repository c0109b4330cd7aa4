"""Demo v4 bundle of CBS table 86223NED (young people 15-27 by labour position and region), as landed by v4.

The records have the shapes of datasets.cbs.nl/odata/v1/CBS/<table>: Properties (one object), Dimensions (Kind),
MeasureCodes, <Dimension>Codes (Perioden with Status) and Observations (Id, Measure, ValueAttribute, Value,
StringValue, one column per dimension). Young people per municipality come from world.age_band_population
(15-19 + 20-24 + two fifths of 20-24 for the 25 and 26 year-olds), so they agree with the 03759ned demo;
Flevoland (PV24) and Nederland (NL01) are the sums of the demo world, as in that demo. About 70 % work (CBS:
netto arbeidsparticipatie 15-25 jaar around 70 %), per municipality a fixed lean drawn from rng. 2024 is
provisional. Measure and dimension codes are illustrative (the reader labels them through the code lists).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.cbs_client import V4_BUNDLE_MARKER, write_bundle
from etl.demo.cbs_odata import FLEVOLAND_CODES
from etl.demo.world import Municipality, age_band_population
from etl.reference import FLEVOLAND
from etl.sources.cbs_odata_v4 import DATASET

TABLE_ID = "86223NED"
YEARS = range(2015, 2025)
PROVISIONAL_YEAR = 2024
MEASURE = "M004051"
WORKING_SHARE = 0.70
POSITIONS = {"T001065": "Totaal", "A047712": "Arb.pos.: werkzame beroepsbevolking",
             "A047713": "Arb.pos.: niet-werkzame bevolking"}
TOTALS = {"Onderwijsvolgend": ("T001530", "Totaal"), "Uitkering": ("T001536", "Totaal met of zonder uitkering"),
          "GeregistreerdWerkzoekendeBijUWV": ("T001537", "Totaal")}


def young_people(municipality: Municipality, year: int) -> int:
    """Inhabitants aged 15 to 27 on 1 January, from the same age bands as the 03759ned demo."""
    older = age_band_population(municipality, year, "20 tot 25 jaar")
    return age_band_population(municipality, year, "15 tot 20 jaar") + older + round(older * 2 / 5)


def _codes(pairs: list[tuple[str, str]], extra: dict[str, dict] | None = None) -> list[dict]:
    return [{"Identifier": code, "Index": i, "Title": title, "Description": None, "DimensionGroupId": None,
             **(extra or {}).get(code, {})} for i, (code, title) in enumerate(pairs, start=1)]


def _dimension(identifier: str, title: str, kind: str) -> dict:
    return {"Identifier": identifier, "Title": title, "Description": None, "Kind": kind, "MapYear": None,
            "ReleasePolicy": kind == "TimeDimension", "ContainsGroups": False, "ContainsCodes": True}


def _bundle(world: list[Municipality], leans: dict[str, float]) -> dict:
    observations = []
    for year in YEARS:
        values = {m.code: young_people(m, year) for m in world}
        working = {m.code: round(values[m.code] * min(0.9, WORKING_SHARE + leans[m.code])) for m in world}
        for region, members in [("NL01", list(values)), (FLEVOLAND, [c for c in values if c in FLEVOLAND_CODES]),
                                *((code, [code]) for code in values)]:
            total, work = sum(values[c] for c in members), sum(working[c] for c in members)
            for position, value in zip(POSITIONS, (total, work, total - work), strict=True):
                observations.append({
                    "Id": len(observations), "Measure": MEASURE, "ValueAttribute": "None", "Value": value,
                    "StringValue": None, **{key: code for key, (code, _) in TOTALS.items()},
                    "Arbeidskenmerken": position, "RegioS": region, "Perioden": f"{year}JJ00"})
    periods = [(f"{y}JJ00", f"{y}*" if y == PROVISIONAL_YEAR else str(y)) for y in YEARS]
    status = {code: {"Status": "Voorlopig" if code.startswith(str(PROVISIONAL_YEAR)) else "Definitief"}
              for code, _ in periods}
    regions = [("NL01", "Nederland"), (FLEVOLAND, "Flevoland (PV)"), *((m.code, m.name) for m in world)]
    return {
        "Properties": {"Identifier": TABLE_ID, "Title": "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio",
                       "Description": "Demodata.", "Language": "nl", "Catalog": "CBS", "Version": "202511130000",
                       "Status": "Regulier", "Modified": "2025-11-13T02:00:00", "ReleaseDate": "2025-11-13T02:00:00",
                       "ObservationCount": len(observations), "DatasetType": "Numeric",
                       "TemporalCoverage": f"{YEARS[0]} - {YEARS[-1]}"},
        "Dimensions": [_dimension("Onderwijsvolgend", "Onderwijsvolgend", "Dimension"),
                       _dimension("Arbeidskenmerken", "Arbeidskenmerken", "Dimension"),
                       _dimension("Uitkering", "Uitkering", "Dimension"),
                       _dimension("GeregistreerdWerkzoekendeBijUWV", "Geregistreerd werkzoekende bij UWV",
                                  "Dimension"),
                       _dimension("RegioS", "Regio's", "GeoDimension"),
                       _dimension("Perioden", "Perioden", "TimeDimension")],
        "MeasureCodes": [{"Identifier": MEASURE, "Index": 1, "Title": "Jongeren (15 tot 27 jaar)", "Description": None,
                          "MeasureGroupId": None, "DataType": "Long", "Unit": "aantal", "Decimals": 0,
                          "PresentationType": "Absolute"}],
        "codes": {**{key: _codes([pair]) for key, pair in TOTALS.items()},
                  "Arbeidskenmerken": _codes(list(POSITIONS.items())),
                  "RegioS": _codes(regions), "Perioden": _codes(periods, status)},
        "Observations": observations,
    }


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the 86223NED v4 bundle where fetch lands it; each municipality's working share leans by rng."""
    leans = dict(zip([m.code for m in world], rng.normal(0.0, 0.03, size=len(world)).round(3), strict=True))
    path = Path(raw_dir) / DATASET.raw_subdir / TABLE_ID / f"{TABLE_ID}.json"
    return write_bundle(path, TABLE_ID, _bundle(world, leans), V4_BUNDLE_MARKER)
