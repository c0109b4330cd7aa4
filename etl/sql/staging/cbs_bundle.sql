-- Staging cbs_bundle: one row per annual value of one CBS OData bundle (cbs_odata v3, cbs_odata_v4), i.e. per
-- measure × region × other dimensions × year of its table.
-- Reads the reader's relation raw_cells (etl/reading/cbs_bundle.py): one row per slot, `width` slots per record
-- in record order (v3: its measures; v4: its one Value), with slot (0-based position), value (null: no value, or
-- a record that is not annual), g (0-based index into the groups) and r (0-based index into the regions; null for
-- COROP and other areas the region table lacks); and variable cbs_bundle, a struct of table_id, source_id,
-- source_file, width, regions (region codes) and the groups (each distinct measure × other dimensions × period):
-- group_measure, group_label, group_unit, group_dims ('Key=title|...'), group_period ('2023'),
-- group_provisional (the period's Status 'Voorlopig').
-- source_line is the record's 1-based row number in the bundle. CBS publishes no separate reference date:
-- peildatum is 31 December of the year.
with cells as (  -- the loaded slots, beside the variable's lists they index
    select c.slot, c.value, c.g + 1 as g, c.r + 1 as r, e
    from raw_cells c, (select getvariable('cbs_bundle') as e)
    where c.value is not null and c.r is not null
)
select e.table_id as table_id, e.group_measure[g]::varchar as measure, e.group_label[g]::varchar as measure_label,
       e.group_unit[g]::varchar as unit, e.regions[r]::varchar as region_code, e.group_dims[g]::varchar as dims,
       e.group_period[g]::varchar as period, value::double as value, e.source_id as source_id,
       make_date(e.group_period[g]::integer, 12, 31) as peildatum,
       case when e.group_provisional[g] then 'voorlopig' else 'definitief' end as status,
       e.source_file as source_file, (slot // e.width + 1)::integer as source_line
from cells
