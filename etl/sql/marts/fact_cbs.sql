-- Mart fact_cbs: one row per source × StatLine table × measure × region × other dimension keys × period (CBS StatLine).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: cbs_coded_csv, cbs_label_csv, cbs_label_quarterly, cbs_odata, cbs_odata_v4.
select table_id, measure, measure_label, unit, region_code, dims, period, value, source_id, peildatum, status,
       source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), period)
order by source_id, table_id, measure, region_code, dims, period
