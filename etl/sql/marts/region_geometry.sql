-- Mart region_geometry: one row per region code × year (municipalities as published, provinces dissolved from them).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: geo_municipalities.
select year, region_code, region_name, level, geometry, source_id, peildatum, status, source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), year)
order by region_code, year
