"""Municipality boundaries (CBS gebiedsindelingen via PDOK / cartomap): reader and province dissolve.

The files are GeoJSON FeatureCollections in WGS84 whose features carry `statcode` (GM0034), `statnaam` and,
in PDOK's and cartomap's exports, `jrstatcode` (2024GM0034) and `rubriek`. cartomap/nl writes one feature per
line; PDOK's WFS output is pretty-printed (the first line is a lone `{`); extracts may have no newline at all.
Province outlines (PV..) are not read from a file: they are the union of their municipalities' shapes.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl import rawtext, transforms
from etl.checks import Check, accepted_values, not_null, relationship, rule, unique
from etl.dataset import Dataset, FetchTarget
from etl.education import Education
from etl.errors import RawFileError
from etl.reading import delimited
from etl.reference import MunicipalityResolver, read_regions

if TYPE_CHECKING:  # imported by the functions that use it: discovery (periods) does without
    import shapely

FIRST_YEAR, LAST_YEAR = 2019, 2025
# cartomap/nl republishes CBS/PDOK "gemeente_gegeneraliseerd" per year, simplified, in WGS84 (CC BY 4.0).
CARTOMAP_URL = "https://cartomap.github.io/nl/wgs84/gemeente_{year}.geojson"
# Province outlines: the union of slightly widened municipality shapes, narrowed again, so that the gaps
# between simplified neighbouring municipalities do not show as slivers inside a province (degrees, ~10 m).
DISSOLVE_TOLERANCE = 1e-4
COORDINATE_DIGITS = 5  # ~1 m in WGS84: more precision only makes the stored text longer

DATASET = Dataset(
    dataset_id="geo_gemeenten",
    publisher="CBS/PDOK",
    title="Wijk- en buurtkaart: gemeentegrenzen gegeneraliseerd (CBS gebiedsindelingen)",
    url="https://www.pdok.nl/introductie/-/article/cbs-gebiedsindelingen",
    licence="CC BY 4.0",
    period_type="calendar_year",
    raw_subdir="geo",
    fact_table="region_geometry",
    period_column="year",
)

FETCH_TARGETS = [
    FetchTarget("geo", CARTOMAP_URL.format(year=year), DATASET.raw_subdir, f"gemeente_{year}.geojson", year)
    for year in range(FIRST_YEAR, LAST_YEAR + 1)
]

# Polygons are parsed and simplified one by one in Python (with shapely loaded on first use): per byte about
# 20 times the work of a CSV file (timed file by file on the national demo), so the build starts this file early.
STAGE_COST = 20
_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "year", "region_code", "level", "geometry", "source_id", "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "level", ["gemeente", "provincie"]),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    relationship(_T, "region_code", "region", "code"),
    relationship(_T, "year", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    rule(_T, "geometrie is een GeoJSON-(multi)polygoon",
         "geometry not like '{\"type\": \"Polygon\"%' and geometry not like '{\"type\": \"MultiPolygon\"%'",
         "geometry"),
    # Row-count sanity: a year with far fewer regions than the others means a truncated or partial file.
    rule(_T, "elk jaar heeft minstens half zoveel regio's als het gemiddelde",
         "year in (select year from region_geometry group by year having count(*) < "
         "0.5 * (select count(*) / count(distinct year) from region_geometry))", "year"),
]

_FEATURE = re.compile(rb'"type"\s*:\s*"Feature"')
_YEAR_IN_CONTENT = re.compile(rb'"jrstatcode"\s*:\s*"(\d{4})GM')
_YEAR_IN_NAME = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")


def recognises(header: list[str]) -> bool:
    """True for the first line of a GeoJSON FeatureCollection (or a pretty-printed file's lone '{')."""
    first = ",".join(header).strip()
    return first.startswith("{") and ("FeatureCollection" in first or first == "{")


def _year(path: Path, head: bytes) -> str:
    """The boundary year: from jrstatcode in the content, else a four-digit year in the file name."""
    if match := _YEAR_IN_CONTENT.search(head):
        return match.group(1).decode()
    years = [y for y in _YEAR_IN_NAME.findall(path.name) if FIRST_YEAR - 20 <= int(y) <= LAST_YEAR + 20]
    if years:
        return years[-1]
    raise RawFileError(path, "geen jaar gevonden: de features hebben geen 'jrstatcode' (zoals 2024GM0034) en de "
                             "bestandsnaam bevat geen jaartal; hernoem het bestand naar gemeente_<jaar>.geojson", 1,
                       "jrstatcode")


def periods(header: list[str], path: Path) -> list[str]:
    """The one year a boundary file describes; reads at most the first 64 KB."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    return [_year(path, head)]


def _features(path: Path) -> list[tuple[str, str, str, dict, int]]:
    """(year, statcode, statnaam, GeoJSON geometry, feature number) per feature; RawFileError names what is wrong.

    The feature number (1-based) is the rows' source_line: GeoJSON has no records per line.
    """
    raw = path.read_bytes()
    collection = rawtext.parse_json(path, raw, "GeoJSON", "download het bestand opnieuw")
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise RawFileError(path, "geen GeoJSON FeatureCollection; verwacht gemeentegrenzen van PDOK/CBS", 1, "type")
    year = _year(path, raw[: 1 << 16])
    features = collection.get("features") or []
    if not isinstance(features, list):
        raise RawFileError(path, "'features' is geen lijst; verwacht gemeentegrenzen van PDOK/CBS", 1, "features")
    rows = []
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        code = str(properties.get("statcode") or "").strip()
        if not re.fullmatch(r"GM[0-9]{4}", code):
            raise RawFileError(path, f"feature {number}: 'statcode' is '{code}'; verwacht een gemeentecode zoals "
                                     "GM0034", _feature_line(path, number), "statcode")
        geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise RawFileError(path, f"feature {number} ({code}): geometrie '{geometry.get('type')}'; verwacht "
                                     "Polygon of MultiPolygon", _feature_line(path, number), "geometry")
        feature_year = str(properties.get("jrstatcode") or year)[:4]
        if feature_year != year:
            raise RawFileError(path, f"feature {number} ({code}): jaar {feature_year} wijkt af van {year}; één "
                                     "jaar per bestand", _feature_line(path, number), "jrstatcode")
        rows.append((year, code, str(properties.get("statnaam") or "").strip(), geometry, number))
    if not rows:
        raise RawFileError(path, "de FeatureCollection bevat geen features", 1, "features")
    return rows


def _feature_line(path: Path, number: int) -> int | None:
    """The line a feature starts on (error path only: re-scans the file for its number-th Feature)."""
    raw = path.read_bytes()
    for seen, match in enumerate(_FEATURE.finditer(raw), start=1):
        if seen == number:
            return raw.count(b"\n", 0, match.start()) + 1
    return None


def _rounded(geometry: shapely.Geometry) -> str:
    """Compact GeoJSON text of a geometry with coordinates rounded to COORDINATE_DIGITS."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    rounded = shapely.transform(geometry, lambda xy: np.round(xy, COORDINATE_DIGITS))
    return json.dumps(mapping(rounded), separators=(", ", ": "))


def _rounded_geojson(geometry: dict) -> str | None:
    """_rounded(shape(geometry)) computed on the GeoJSON itself, several times faster than through shapely; None
    for anything shapely might build differently (an open ring, a third coordinate, a value that is no float)."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if not isinstance(polygons, list) or not polygons:
        return None
    rounded = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None
        rings = []
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                return None  # shapely closes an open ring, or refuses a short one
            points = []
            for point in ring:
                if not isinstance(point, list) or len(point) != 2:
                    return None
                x, y = point
                if not (type(x) in (int, float) and type(y) in (int, float) and abs(x) < 1e6 and abs(y) < 1e6):
                    return None  # NaN fails the comparison too
                points.append([_round(x), _round(y)])
            rings.append(points)
        rounded.append(rings)
    return json.dumps({"type": kind, "coordinates": rounded[0] if kind == "Polygon" else rounded},
                      separators=(", ", ": "))


def _round(value: float) -> float:
    """np.round(value, COORDINATE_DIGITS) in plain Python: numpy scales, rounds half to even and scales back."""
    scaled = value * 10.0**COORDINATE_DIGITS
    result = round(scaled) / 10.0**COORDINATE_DIGITS
    return result if result else math.copysign(0.0, scaled)  # rint keeps the sign of a negative that rounds to 0


def _outlines(path: Path, features: list[tuple]) -> list[tuple[str, str, str | None, str, int]]:
    """(year, region_code, region_name, geometry, source_line) of the municipalities in file order, then one
    dissolved outline per province (sorted by code); RawFileError for a code the region table lacks or a geometry
    that shapely cannot build. Geometries are compact GeoJSON text, rounded to COORDINATE_DIGITS."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    shapes = []
    for _, _, _, geometry, _ in features:
        try:
            shapes.append(shape(geometry))
        except (shapely.errors.ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            break
    # The first feature that shapely cannot build or that has a coordinate that is not finite (checked for all
    # shapes in one go: the points of shape i follow those of shape i - 1).
    finite = np.isfinite(shapely.get_coordinates(shapes)).all(axis=1)
    unreadable = len(shapes) if len(shapes) < len(features) else None
    if not finite.all():
        unreadable = int(np.searchsorted(np.cumsum(shapely.get_num_coordinates(shapes)), np.argmin(finite),
                                         side="right"))
    if unreadable is not None:
        _, code, _, _, number = features[unreadable]
        raise RawFileError(path, f"feature {number} ({code}): de coördinaten van de geometrie zijn onleesbaar; "
                                 "download het bestand opnieuw", _feature_line(path, number), "geometry")
    provinces = {region.code: region.parent_code for region in read_regions()}
    for _, code, _, _, line in features:
        if code not in provinces:
            raise RawFileError(path, f"feature {line}: gemeentecode {code} staat niet in "
                                     "etl/reference/regions.csv; werk de referentielijst bij",
                               _feature_line(path, int(line)), "statcode")
    rows = [(year, code, name, _rounded_geojson(published) or _rounded(geometry), int(line))
            for (year, code, name, published, line), geometry in zip(features, shapes, strict=True)]
    groups: dict[tuple[str, str], list[tuple[object, int]]] = {}
    for (year, code, _, _, line), geometry in zip(features, shapes, strict=True):
        if provinces[code] is not None:  # a municipality without a province has no outline to join
            groups.setdefault((provinces[code], year), []).append((geometry, int(line)))
    for (province, year), members in sorted(groups.items()):
        parts = shapely.make_valid([geometry for geometry, _ in members])
        widened = shapely.union_all(shapely.buffer(parts, DISSOLVE_TOLERANCE))
        outline = shapely.simplify(shapely.buffer(widened, -DISSOLVE_TOLERANCE), DISSOLVE_TOLERANCE)
        rows.append((year, province, None, _rounded(outline), min(line for _, line in members)))
    return rows


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """View `staged`: the municipalities' outlines and their provinces' dissolved ones
    (etl/sql/staging/geo_municipalities.sql over the outlines in temp table raw_outlines).

    The province outlines need shapely (and so numpy). Returns (features, no education rows); RawFileError names
    the feature, its line and the key of any problem.
    """
    features = _features(path)
    delimited.temp_table(con, "raw_outlines", {"year": "varchar", "region_code": "varchar", "region_name": "varchar",
                                               "geometry": "varchar", "source_line": "integer"},
                         _outlines(path, features))
    transforms.stage(con, "geo_municipalities", source_id=DATASET.dataset_id, source_file=relative_path)
    return len(features), []
