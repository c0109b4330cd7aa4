-- Staging duo_ho_portal_enrolment: one row per record of a DUO hbo/wo first-years or enrolments file of
-- onderwijsdata.duo.nl (PortalSource entries FIRST_YEARS and ENROLMENTS): study year × institution location ×
-- onderdeel × subonderdeel × ho type × sex; the layout has no form ('alle').
-- One file per definition × fact table: the graduates entry (duo_ho_portal_graduate.sql) gives fact_ho_graduate's
-- columns (diploma_type, graduates*), these entries fact_ho_enrolment's (ho_type, measure, students*).
-- Reads the reader's relation raw_records (the file as text, one row per record with its source_line; header
-- STUDIEJAAR, ..., GESLACHT and the count column: AANTAL_EERSTEJAARS_INGESCHREVENEN or AANTAL_INGESCHREVENEN, the
-- only one starting with AANTAL_), the reader's lookups raw_places (name, year: GEMEENTENAAM and STUDIEJAAR as
-- written → code: the CBS code of that year) and raw_programmes (brin, onderdeel, sub: INSTELLINGSCODE_ACTUEEL,
-- ONDERDEEL, SUBONDERDEEL as written → level: 'wo' for a university (the reader's WO_INSTITUTIONS), else 'hbo';
-- education_id), and variable `file`: a struct of source_id, source_file, measure ('eerstejaars' | 'ingeschrevenen').
-- The lookups are temp tables, not variables: a large constant in the view costs more to plan than the table's
-- scan; the file's constants are one struct variable, as each variable set is a statement of its own.
-- Counts of 1 to 4 are published as -1: null, with bounds 1 and 4. STUDIEJAAR Y is academic year Y-(Y+1); DUO
-- counts on 1 October: peildatum is 1 October Y.
with f as (select unnest(getvariable('file'))),
counted as (
    select r.*, pystrip(r."STUDIEJAAR")::integer as year,
           nullif(pystrip(columns('^AANTAL_')), '-1')::integer as students
    from raw_records r
)
select concat(c.year, '-', c.year + 1) as academic_year, pystrip(c."INSTELLINGSCODE_ACTUEEL") as brin,
       pystrip(c."INSTELLINGSNAAM_ACTUEEL") as institution_name, m.code as municipality_code, p.education_id,
       p.level, lower(pystrip(c."TYPE_HOGER_ONDERWIJS")) as ho_type, 'alle' as form,
       lower(pystrip(c."GESLACHT")) as sex, f.measure,
       c.students, coalesce(c.students, 1) as students_low, coalesce(c.students, 4) as students_high,
       c.students is null as students_suppressed, f.source_id, make_date(c.year, 10, 1) as peildatum,
       'definitief' as status, f.source_file, c.source_line::integer as source_line
from counted c
cross join f
join raw_places m on m.name = c."GEMEENTENAAM" and m.year = c."STUDIEJAAR"
join raw_programmes p on p.brin = c."INSTELLINGSCODE_ACTUEEL" and p.onderdeel = c."ONDERDEEL"
     and p.sub = c."SUBONDERDEEL"
