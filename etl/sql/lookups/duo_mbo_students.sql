-- Lookup duo_mbo_students: one row with three values, read by the reader (etl/sources/duo_mbo_students.py) before its
-- staging SQL: the programmes and the towns that staging/duo_mbo_students.sql meets, stripped the same way, and the
-- number of records with a figure. Each programme or town comes with the first line it is on (for a message);
-- programmes go in the order of their first figure, count column by count column (BBL, BOLDT, BOLVT, EX) and then by
-- line, which decides the education row kept per education_id. Reads raw_records. Grouped as read first: few
-- distinct values are stripped.
with records as (
    from raw_records
    union all by name
    select null::varchar as "GEMEENTENUMMER INSTELLING", null::varchar as "HOOFDGROEP NAAM" where false
), figures as materialized (  -- one row per record × count column with a figure, values as read
    select * exclude (v)
    from (unpivot (select source_line, JAAR as year, "PLAATSNAAM INSTELLING" as place,
                          "GEMEENTENUMMER INSTELLING" as number, "ERKENDE OPLEIDING CODE" as crebo,
                          "ERKENDE OPLEIDING NAAM" as name, "SECTORKAMER NAAM" as sectorkamer,
                          "HOOFDGROEP NAAM" as hoofdgroep, columns('^(BBL|BOLDT|BOLVT|EX)$')
                   from records)
          on columns('^(BBL|BOLDT|BOLVT|EX)$') into name type_mbo value v)
    where try_cast(v as bigint) is not null
)
select (select list(programme order by first) from (
            select {'crebo': crebo, 'name': name, 'type_mbo': type_mbo, 'sectorkamer': sectorkamer,
                    'hoofdgroep': hoofdgroep, 'line': min(line)} as programme, min(first) as first
            from (select pystrip(crebo) as crebo, pystrip(name) as name, type_mbo,
                         pystrip(sectorkamer) as sectorkamer, coalesce(pystrip(hoofdgroep), '') as hoofdgroep,
                         line, first
                  from (select crebo, name, type_mbo, sectorkamer, hoofdgroep, min(source_line) as line,
                               min(list_position(['BBL', 'BOLDT', 'BOLVT', 'EX'], type_mbo) * 4294967296
                                   + source_line) as first
                        from figures group by all))
            group by crebo, name, type_mbo, sectorkamer, hoofdgroep)),
       (select list({'place': place, 'number': number, 'year': year, 'line': line} order by line, place, number, year)
        from (select pystrip(place) as place, coalesce(pystrip(number), '') as number, year::integer as year,
                     min(line) as line
              from (select place, number, year, min(source_line) as line from figures group by all)
              group by all)),
       (select count(distinct source_line) from figures)
