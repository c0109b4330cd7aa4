-- Staging duo_ho_oldlayout_enrolment: one row per record × year column of a DUO hbo/wo first-years file in the old
-- layout (OldLayoutSource entry FIRST_YEARS_OLD): institution location × programme × form × ho type × sex × year.
-- One file per definition × fact table: the graduates entry (duo_ho_oldlayout_graduate.sql) gives
-- fact_ho_graduate's columns (diploma_type, graduates*), this entry fact_ho_enrolment's (ho_type, measure,
-- students*).
-- Reads the reader's relation raw_records (the file as text, one row per record with its source_line; header
-- PROVINCIE, ..., TYPE HOGER ONDERWIJS, ..., GESLACHT, then one count column per year: '2015', ...) and variable
-- `file`, a struct of
--   source_id, source_file, measure ('eerstejaars'),
--   years: the year columns' years, in header order,
--   programmes: list of {onderdeel, sub, code: CROHO ONDERDEEL, CROHO SUBONDERDEEL, OPLEIDINGSCODE ACTUEEL as
--                        written; level: from the CROHO code's first digit, 'hbo' or 'wo'; education_id}.
-- GEMEENTENUMMER is the CBS number (checked by the reader). The layout suppresses nothing: the bounds are the count.
-- Year Y is academic year Y-(Y+1); DUO counts on 1 October: peildatum is 1 October Y.
with f as (select unnest(getvariable('file'))),
programmes as (select unnest(programmes, recursive := true) from f),
counted as (
    select r.*, p.level, p.education_id, unnest(f.years) as year,
           pystrip(unnest([*columns('^[0-9]{4}$')]))::integer as students
    from raw_records r
    cross join f
    join programmes p on p.onderdeel = r."CROHO ONDERDEEL" and p.sub = r."CROHO SUBONDERDEEL"
         and p.code = r."OPLEIDINGSCODE ACTUEEL"
)
select concat(c.year, '-', c.year + 1) as academic_year, pystrip(c."BRIN NUMMER ACTUEEL") as brin,
       pystrip(c."INSTELLINGSNAAM ACTUEEL") as institution_name,
       'GM' || pystrip(c."GEMEENTENUMMER") as municipality_code, c.education_id, c.level,
       pystrip(c."TYPE HOGER ONDERWIJS") as ho_type,
       case pystrip(c."OPLEIDINGSVORM") when 'voltijd onderwijs' then 'voltijd' when 'deeltijd onderwijs' then 'deeltijd'
                                        when 'duaal onderwijs' then 'duaal' end as form,
       pystrip(c."GESLACHT") as sex, f.measure,
       c.students, c.students as students_low, c.students as students_high, false as students_suppressed,
       f.source_id, make_date(c.year, 10, 1) as peildatum, 'definitief' as status, f.source_file, c.source_line
from counted c
cross join f
