-- Boundaries from CBS gebiedsindelingen (PDOK / cartomap); read by etl/sources/geo_municipalities.py.

-- region_geometry: one row per region code × year (municipalities as published, provinces dissolved from them).
-- region_geometry (nl): één rij per regiocode × jaar (gemeentegrenzen zoals gepubliceerd, provincies samengevoegd).
-- region_geometry (titel): Gemeentegrenzen
create table region_geometry (
    year varchar,               -- the year of the municipal division, '2024'
    region_code varchar,        -- GM0034 | PV24
    region_name varchar,        -- statnaam as published; null for a dissolved province
    level varchar,              -- gemeente | provincie
    geometry varchar,           -- GeoJSON geometry (Polygon or MultiPolygon), WGS84, 5 decimals
    source_id varchar,
    peildatum date,             -- 1 January of the year
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer         -- feature number in the file (1-based); a province: its first municipality's
);
