-- Staging duo_ho_portal_graduate: one row per record of a DUO hbo/wo graduates file of onderwijsdata.duo.nl
-- (PortalSource entry GRADUATES): diploma year × institution location × onderdeel × subonderdeel × diploma type ×
-- sex; the layout has no form ('alle').
-- One file per definition × fact table: the first-years and enrolments entries (duo_ho_portal_enrolment.sql) give
-- fact_ho_enrolment's columns (ho_type, measure, students*), this entry fact_ho_graduate's (diploma_type,
-- graduates*).
-- Reads the reader's relation raw_records (the file as text, one row per record with its source_line; header
-- DIPLOMAJAAR, ..., SOORT_DIPLOMA, GESLACHT, AANTAL_GEDIPLOMEERDEN), the reader's lookups raw_places (name, year:
-- GEMEENTENAAM and DIPLOMAJAAR as written → code: the CBS code of that year) and raw_programmes (diploma, onderdeel,
-- sub: SOORT_DIPLOMA, ONDERDEEL, SUBONDERDEEL as written → level: SOORT_DIPLOMA's first word, 'hbo' or 'wo';
-- education_id), and variable `file`: a struct of source_id, source_file.
-- The lookups are temp tables, not variables: a large constant in the view costs more to plan than the table's
-- scan; the file's constants are one struct variable, as each variable set is a statement of its own.
-- Counts of 1 to 4 are published as -1: null, with bounds 1 and 4. DIPLOMAJAAR Y is academic year Y-(Y+1); DUO
-- publishes no reference date: peildatum is the academic year's end, 31 August Y+1.
with f as (select unnest(getvariable('file'))),
counted as (
    select r.*, pystrip(r."DIPLOMAJAAR")::integer as year,
           nullif(pystrip(r."AANTAL_GEDIPLOMEERDEN"), '-1')::integer as graduates
    from raw_records r
)
select concat(c.year, '-', c.year + 1) as academic_year, pystrip(c."INSTELLINGSCODE_ACTUEEL") as brin,
       pystrip(c."INSTELLINGSNAAM_ACTUEEL") as institution_name, m.code as municipality_code, p.education_id,
       p.level, 'alle' as form, lower(pystrip(c."SOORT_DIPLOMA")) as diploma_type,
       lower(pystrip(c."GESLACHT")) as sex,
       c.graduates, coalesce(c.graduates, 1) as graduates_low, coalesce(c.graduates, 4) as graduates_high,
       c.graduates is null as graduates_suppressed, f.source_id, make_date(c.year + 1, 8, 31) as peildatum,
       'definitief' as status, f.source_file, c.source_line::integer as source_line
from counted c
cross join f
join raw_places m on m.name = c."GEMEENTENAAM" and m.year = c."DIPLOMAJAAR"
join raw_programmes p on p.diploma = c."SOORT_DIPLOMA" and p.onderdeel = c."ONDERDEEL" and p.sub = c."SUBONDERDEEL"
