"""Demo boundaries: a synthetic tile map (one square per demo municipality, blocks per province), not real shapes.

Written in cartomap/nl's layout (what fetch downloads): `{"type":"FeatureCollection", "features": [` on the first
line, then one feature per line with properties statcode, jrstatcode, statnaam, rubriek, id and the feature
id; LF, no final newline.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.reference import load_regions
from etl.sources.geo_municipalities import DATASET, LAST_YEAR

FILE_NAME = f"gemeente_{LAST_YEAR}.geojson"
TILE = 0.05  # degrees per square
GAP = 0.01
ORIGIN = (3.4, 50.8)  # south-west corner, roughly where the Netherlands starts
COLUMNS_PER_BLOCK = 6
BLOCKS_PER_ROW = 4


def _square(x: float, y: float) -> dict:
    size = TILE - GAP
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [[[round(a, 3), round(b, 3)] for a, b in ring]]}


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the tile map for the world's municipalities; deterministic (the layout does not use rng)."""
    province = load_regions().set_index("code")["parent_code"]
    by_province: dict[str, list[Municipality]] = {}
    for municipality in sorted(world, key=lambda m: m.code):
        by_province.setdefault(province[municipality.code], []).append(municipality)
    lines = []
    block_rows = max(-(-len(members) // COLUMNS_PER_BLOCK) for members in by_province.values())
    for number, code in enumerate(sorted(by_province)):
        block_x = (number % BLOCKS_PER_ROW) * (COLUMNS_PER_BLOCK + 1) * TILE
        block_y = (number // BLOCKS_PER_ROW) * (block_rows + 1) * TILE
        for i, m in enumerate(by_province[code]):
            x = ORIGIN[0] + block_x + (i % COLUMNS_PER_BLOCK) * TILE
            y = ORIGIN[1] + block_y + (i // COLUMNS_PER_BLOCK) * TILE
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
