-- Staging cbs_bundle: one row per annual value of one CBS OData bundle (cbs_odata v3, cbs_odata_v4), i.e. per
-- measure × region × other dimensions × year of its table.
-- Reads the reader's relation raw_cells (etl/reading/cbs_bundle.py): one row per slot, `width` slots per record
-- in record order (v3: its measures; v4: its one Value), with slot (0-based position), value (null: no value, or
-- a record that is not annual), g (0-based index into the groups) and region_code (null for COROP and other areas
-- the region table lacks); and variable cbs_bundle, a struct of table_id, source_id, source_file, width and the
-- groups (each distinct measure × other dimensions × period): group_measure, group_label, group_unit,
-- group_dims ('Key=title|...'), group_period ('2023'), group_provisional (the period's Status 'Voorlopig').
-- source_line is the record's 1-based row number in the bundle. CBS publishes no separate reference date:
-- peildatum is 31 December of the year.
with groups as (
    select unnest(range(len(e.group_measure))) as g, unnest(e.group_measure) as measure,
           unnest(e.group_label) as measure_label, unnest(e.group_unit) as unit, unnest(e.group_dims) as dims,
           unnest(e.group_period) as period, unnest(e.group_provisional) as provisional
    from (select getvariable('cbs_bundle') as e)
)
select getvariable('cbs_bundle').table_id as table_id, measure::varchar as measure,
       measure_label::varchar as measure_label, unit::varchar as unit, c.region_code::varchar as region_code,
       dims::varchar as dims, period::varchar as period, c.value::double as value,
       getvariable('cbs_bundle').source_id as source_id, make_date(period::integer, 12, 31) as peildatum,
       case when provisional then 'voorlopig' else 'definitief' end as status,
       getvariable('cbs_bundle').source_file as source_file,
       (c.slot // getvariable('cbs_bundle').width + 1)::integer as source_line
from raw_cells c
join groups using (g)
where c.value is not null and c.region_code is not null
