"""Region boundaries for maps: a GeoJSON FeatureCollection for a set of region codes and a year."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient


@dataclass(frozen=True)
class Shapes:
    """The boundaries a map can draw, or why there are none (a Dutch sentence for the user)."""

    collection: dict | None
    year: str | None = None
    reason: str | None = None


_YEARS = "select distinct year from region_geometry order by year"
_FEATURES = """
select g.region_code, coalesce(r.name, g.region_name, g.region_code), g.level, g.geometry
from region_geometry as g
left join region as r on r.code = g.region_code
where g.year = ? and list_contains(?, g.region_code)
order by g.region_code
"""


def clockwise(geometry: dict) -> dict:
    """The geometry with clockwise exterior rings, as d3-geo (Vega's maps) expects.

    d3 treats rings as spherical polygons: a counter-clockwise exterior ring (the GeoJSON RFC 7946 convention)
    means "the whole globe except this area" and floods the map.
    """
    shaped = shape(geometry)
    if isinstance(shaped, Polygon):
        return mapping(orient(shaped, sign=-1.0))
    if isinstance(shaped, MultiPolygon):
        return mapping(MultiPolygon([orient(part, sign=-1.0) for part in shaped.geoms]))
    return geometry


def boundaries(con: duckdb.DuckDBPyConnection, codes: list[str], year: int | str) -> Shapes:
    """Boundaries of the given regions in a year: that year, else the latest earlier one, else the earliest.

    Returns Shapes with collection None and a Dutch reason when the warehouse holds no (matching) boundaries.
    """
    try:
        years = [row[0] for row in con.execute(_YEARS).fetchall()]
    except duckdb.CatalogException:
        return Shapes(None, reason="Dit datawarehouse bevat geen gemeentegrenzen; haal ze op met "
                                   "'python -m etl fetch --source geo' en bouw opnieuw.")
    if not years:
        return Shapes(None, reason="Er zijn geen gemeentegrenzen ingelezen; haal ze op met "
                                   "'python -m etl fetch --source geo' en bouw opnieuw.")
    earlier = [y for y in years if y <= str(year)]
    chosen = earlier[-1] if earlier else years[0]
    rows = con.execute(_FEATURES, [chosen, list(codes)]).fetchall()
    if not rows:
        return Shapes(None, chosen, f"Geen grenzen gevonden voor de gekozen regio's in de indeling van {chosen}.")
    features = [
        {"type": "Feature", "properties": {"statcode": code, "statnaam": name, "level": level},
         "geometry": clockwise(json.loads(geometry))}
        for code, name, level, geometry in rows
    ]
    return Shapes({"type": "FeatureCollection", "features": features}, chosen)
