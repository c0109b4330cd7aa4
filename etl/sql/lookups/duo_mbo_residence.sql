-- Lookup duo_mbo_residence: one row with two lists, read by the reader (etl/sources/duo_mbo_residence.py) before its
-- staging SQL: the towns of the institutions and the home municipalities that staging/duo_mbo_residence.sql looks
-- up, stripped the same way, each with the first line it is on (for a message). Reads raw_records. Grouped as read
-- first: few distinct values are stripped.
with records as (
    from raw_records
    union all by name
    select null::varchar as "GEMEENTENUMMER INSTELLING", null::varchar as WOONGEMEENTENUMMER where false
)
select (select list({'name': name, 'number': number, 'year': year, 'line': line} order by line, name, number, year)
        from (select pystrip(name) as name, coalesce(pystrip(number), '') as number, year::integer as year,
                     min(line) as line
              from (select "PLAATSNAAM INSTELLING" as name, "GEMEENTENUMMER INSTELLING" as number, JAAR as year,
                           min(source_line) as line
                    from records group by all)
              group by all)),
       (select list({'name': name, 'number': number, 'year': year, 'line': line} order by line, name, number, year)
        from (select pystrip(name) as name, coalesce(pystrip(number), '') as number, year::integer as year,
                     min(line) as line
              from (select WOONGEMEENTE as name, WOONGEMEENTENUMMER as number, JAAR as year, min(source_line) as line
                    from records group by all)
              group by all))
