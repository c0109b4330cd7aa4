"""Demo boundaries: a synthetic tile map (one square per demo municipality, blocks per province), not real shapes.

Flevoland's six, the municipalities the dashboard maps, lie as they do on a real map: Urk and Noordoostpolder in
the north, Lelystad and Dronten in the middle, Almere and Zeewolde in the south.

Written in cartomap/nl's layout (what fetch downloads): `{"type":"FeatureCollection", "features": [` on the first
line, then one feature per line with properties statcode, jrstatcode, statnaam, rubriek, id and the feature
id; LF, no final newline.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.reference import load_regions
from etl.sources.geo_municipalities import DATASET, LAST_YEAR

FILE_NAME = f"gemeente_{LAST_YEAR}.geojson"
TILE = 0.05  # degrees of latitude per square
GAP = 0.01
ORIGIN = (3.4, 50.8)  # south-west corner, roughly where the Netherlands starts
# A degree of longitude is shorter than one of latitude (by the cosine of the latitude): wider in degrees, the
# tiles are about square on the map (exactly at a degree north of ORIGIN, within 5 % over the blocks).
WIDTH = 1 / math.cos(math.radians(ORIGIN[1] + 1))
COLUMNS_PER_BLOCK = 6
BLOCKS_PER_ROW = 4
FLEVOLAND = "PV24"
FLEVOLAND_TILES = {"GM0184": (0, 2), "GM0171": (1, 2), "GM0995": (0, 1), "GM0303": (1, 1), "GM0034": (0, 0),
                   "GM0050": (1, 0)}  # (column, row from the south)


def _square(x: float, y: float) -> dict:
    size = TILE - GAP
    ring = [[x, y], [x + size * WIDTH, y], [x + size * WIDTH, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [[[round(a, 3), round(b, 3)] for a, b in ring]]}


def _tile(province: str, index: int, code: str) -> tuple[int, int]:
    """(column, row) of a municipality in its province's block: Flevoland's six by geography, others in order."""
    if province != FLEVOLAND:
        return index % COLUMNS_PER_BLOCK, index // COLUMNS_PER_BLOCK
    if code in FLEVOLAND_TILES:
        return FLEVOLAND_TILES[code]
    return index % COLUMNS_PER_BLOCK, 3 + index // COLUMNS_PER_BLOCK  # any other above the six


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the tile map for the world's municipalities; deterministic (the layout does not use rng)."""
    province = load_regions().set_index("code")["parent_code"]
    by_province: dict[str, list[Municipality]] = {}
    for municipality in sorted(world, key=lambda m: m.code):
        by_province.setdefault(province[municipality.code], []).append(municipality)
    lines = []
    tiles = {m.code: _tile(code, i, m.code) for code, members in by_province.items() for i, m in enumerate(members)}
    block_rows = max(row for _, row in tiles.values()) + 1
    for number, code in enumerate(sorted(by_province)):
        block_x = (number % BLOCKS_PER_ROW) * (COLUMNS_PER_BLOCK + 1) * TILE * WIDTH
        block_y = (number // BLOCKS_PER_ROW) * (block_rows + 1) * TILE
        for m in by_province[code]:
            column, row = tiles[m.code]
            x = ORIGIN[0] + block_x + column * TILE * WIDTH
            y = ORIGIN[1] + block_y + row * TILE
            feature = {"type": "Feature", "geometry": _square(x, y),
                       "properties": {"statcode": m.code, "jrstatcode": f"{LAST_YEAR}{m.code}",
                                      "statnaam": m.name, "rubriek": "gemeente", "id": len(lines) + 1},
                       "id": m.code}
            lines.append(json.dumps(feature, separators=(",", ":"), ensure_ascii=False))
    path = raw_dir / DATASET.raw_subdir / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    text = '{"type":"FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}"
    path.write_bytes(text.encode("utf-8"))
    return path
