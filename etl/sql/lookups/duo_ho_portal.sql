-- Lookup duo_ho_portal: one row with two lists, read by the reader (PortalSource.stage in etl/sources/duo_ho_portal.py)
-- before its staging SQL, for every entry (first-years, enrolments, graduates): the places (GEMEENTENAAM × year
-- column, STUDIEJAAR or DIPLOMAJAAR) and the programmes (key × ONDERDEEL × SUBONDERDEEL) as written, each with the
-- first line it is on, in that order. The key decides a programme's level: SOORT_DIPLOMA's first word in a graduates
-- file, else the institution (INSTELLINGSCODE_ACTUEEL; a university is wo). Reads raw_records.
with records as (  -- SOORT_DIPLOMA is null in a file without it (first-years, enrolments)
    from raw_records
    union all by name
    select null::varchar as "SOORT_DIPLOMA" where false
)
select (select list(p order by p.line)
        from (select "GEMEENTENAAM" as name, columns('^(STUDIEJAAR|DIPLOMAJAAR)$') as year,
                     min(source_line) as line
              from records group by all) as p) as places,
       (select list(p order by p.line)
        from (select coalesce("SOORT_DIPLOMA", "INSTELLINGSCODE_ACTUEEL") as key, "ONDERDEEL" as onderdeel,
                     "SUBONDERDEEL" as sub, min(source_line) as line
              from records group by all) as p) as programmes
