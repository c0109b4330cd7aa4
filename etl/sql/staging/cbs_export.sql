-- Staging cbs_export: one row per published value of one StatLine CSV export (cbs_coded_csv, cbs_label_csv,
-- cbs_label_quarterly), i.e. per measure × region × other dimensions × period of its table.
-- Reads variable cbs_export, a struct of the export as its reader parsed it (etl/reading/cbs_common.py):
--   table_id, source_id, source_file;
--   per record, in file order: record_values (its value in each value column; null: '', '.'), record_region
--     (region code; null when the columns give the region or the record is not loaded), record_dims
--     ('Key=value|...'), record_period ('2023', '2023-Q4'), record_provisional;
--   per value column, in record_values' order: column_measure, column_label, column_unit, column_region (the
--     region of a transposed export's column, else null).
-- A value whose region is null both ways (COROP, GGD areas) is not loaded. Record i (0-based) is on line i + 2.
-- CBS exports carry no reference date: peildatum is the period's last day; a provisional period is 'voorlopig'.
with raw as (  -- the variable, read once
    select getvariable('cbs_export') as e
), records as (
    select unnest(range(len(e.record_period))) + 2 as source_line, unnest(e.record_values) as record_values,
           unnest(e.record_region) as record_region, unnest(e.record_dims) as dims,
           unnest(e.record_period) as period, unnest(e.record_provisional) as provisional,
           e.column_measure, e.column_label, e.column_unit, e.column_region
    from raw
), cells as (  -- a record's values beside their columns
    select source_line, record_region, dims, period, provisional, unnest(record_values) as value,
           unnest(column_measure) as measure, unnest(column_label) as measure_label, unnest(column_unit) as unit,
           unnest(column_region) as column_region
    from records
)
select getvariable('cbs_export').table_id as table_id, measure, measure_label, unit,
       coalesce(record_region, column_region)::varchar as region_code, dims, period, value::double as value,
       getvariable('cbs_export').source_id as source_id,
       last_day(make_date(period[1:4]::integer, case when period[5:6] = '-Q' then period[7]::integer * 3
                                                     when period[5] = '-' then period[6:7]::integer
                                                     else 12 end, 1)) as peildatum,
       case when provisional then 'voorlopig' else 'definitief' end as status,
       getvariable('cbs_export').source_file as source_file, source_line::integer as source_line
from cells
where value is not null and coalesce(record_region, column_region) is not null
