-- Lookup duo_mbo_graduates: one row with three values, read by the reader (etl/sources/duo_mbo_graduates.py) before
-- its staging SQL: the programmes and the towns that staging/duo_mbo_graduates.sql meets, stripped the same way, and
-- the number of records with a figure. Each programme or town comes with the first line it is on (for a message);
-- programmes go in the order of their first figure, year by year (DIPMAN before DIPVROUW) and then by line, which
-- decides the education row kept per education_id. Reads raw_records. Grouped as read first: few distinct values
-- are stripped.
with figures as materialized (  -- one row per record × count column with a figure, values as read
    select * exclude (count_column, v), count_column[-4:]::integer as year, count_column[4:-5] as sex
    from (unpivot (select source_line, "ERKENDE OPLEIDING CODE" as crebo, "ERKENDE OPLEIDING NAAM" as name,
                          LEERWEG as route, "SECTORKAMER NAAM" as sectorkamer, "HOOFDGROEP NAAM" as hoofdgroep,
                          "PLAATSNAAM INSTELLING" as place, columns('^DIP(MAN|VROUW)[0-9]{4}$')
                   from raw_records)
          on columns('^DIP(MAN|VROUW)[0-9]{4}$') into name count_column value v)
    where try_cast(v as bigint) is not null
)
select (select list(programme order by first) from (
            select {'crebo': crebo, 'name': name, 'route': route, 'sectorkamer': sectorkamer,
                    'hoofdgroep': hoofdgroep, 'line': min(line)} as programme, min(first) as first
            from (select pystrip(crebo) as crebo, pystrip(name) as name, pystrip(route) as route,
                         pystrip(sectorkamer) as sectorkamer, pystrip(hoofdgroep) as hoofdgroep, line, first
                  from (select crebo, name, route, sectorkamer, hoofdgroep, min(source_line) as line,
                               min((year * 2 + (sex = 'VROUW')::integer) * 4294967296 + source_line) as first
                        from figures group by all))
            group by crebo, name, route, sectorkamer, hoofdgroep)),
       (select list({'place': place, 'year': year, 'line': line} order by line, place, year)
        from (select pystrip(place) as place, year, min(line) as line
              from (select place, year - 1 as year, min(source_line) as line from figures group by all)
              group by all)),
       (select count(distinct source_line) from figures)
