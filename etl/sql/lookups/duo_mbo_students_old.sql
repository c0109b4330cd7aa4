-- Lookup duo_mbo_students_old: one row with three values, read by the reader (etl/sources/duo_mbo_students_old.py)
-- before its staging SQL: the qualifications and places that staging/duo_mbo_students_old.sql meets in the years
-- offered (a TOTAAL given), stripped the same way, and the number of records with a figure. Each qualification or
-- place comes with the first line it is on (for a message); qualifications go in the order of their first figure,
-- year by year and then by line, which decides the education row kept per education_id. Reads raw_records. Grouped
-- as read first: few distinct values are stripped.
with figures as materialized (  -- one row per record × year offered, values as read
    select * exclude (total)
    from (select source_line, "KWALIFICATIE CODE" as crebo, "KWALIFICATIE NAAM" as name, "TYPE MBO" as type_mbo,
                 DOMEIN as domain, "SECTORUNIT SBB" as unit, PLAATSNAAM as place, unnest(getvariable('years')) as year,
                 unnest([*columns('^TOTAAL[0-9]{4}$')]) as total
          from raw_records)
    where try_cast(total as bigint) is not null
)
select (select list(qualification order by first) from (
            select {'crebo': crebo, 'name': name, 'type_mbo': type_mbo, 'domain': domain, 'unit': unit,
                    'line': min(line)} as qualification, min(first) as first
            from (select pystrip(crebo) as crebo, pystrip(name) as name, pystrip(type_mbo) as type_mbo,
                         pystrip(domain) as domain, pystrip(unit) as unit, line, first
                  from (select crebo, name, type_mbo, domain, unit, min(source_line) as line,
                               min(year * 4294967296 + source_line) as first
                        from figures group by all))
            group by crebo, name, type_mbo, domain, unit)),
       (select list({'place': place, 'year': year, 'line': line} order by line, place, year)
        from (select pystrip(place) as place, year, min(line) as line
              from (select place, year, min(source_line) as line from figures group by all)
              group by all)),
       (select count(distinct source_line) from figures)
