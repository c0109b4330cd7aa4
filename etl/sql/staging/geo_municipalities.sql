-- Staging geo_municipalities: one row per region code of one boundary file (its municipalities as published, and
-- per province the outline dissolved from its municipalities).
-- Reads the reader's relation raw_outlines (year, region_code GM.. or PV.., region_name, geometry as compact
-- GeoJSON text rounded to 5 decimals, source_line: the feature number, for a province its first municipality's),
-- built in Python (the GeoJSON is parsed and the provinces dissolved with shapely); variables source_id,
-- source_file.
-- A province has no name of its own here (null). peildatum is 1 January of the division's year; CBS publishes the
-- division once: definitief.
select year, region_code, region_name, if(region_code like 'GM%', 'gemeente', 'provincie') as level, geometry,
       getvariable('source_id') as source_id, make_date(year::integer, 1, 1) as peildatum, 'definitief' as status,
       getvariable('source_file') as source_file, source_line
from raw_outlines
