-- Staging duo_ho_oldlayout_graduate: one row per record × year column of a DUO hbo/wo graduates file in the old
-- layout (OldLayoutSource entry GRADUATES_OLD): institution location × programme × form × diploma type × sex ×
-- diploma year.
-- One file per definition × fact table: the first-years entry (duo_ho_oldlayout_enrolment.sql) gives
-- fact_ho_enrolment's columns (ho_type, measure, students*), this entry fact_ho_graduate's (diploma_type,
-- graduates*).
-- Reads the reader's relation raw_records (the file as text, one row per record with its source_line; header
-- PROVINCIE, ..., SOORT DIPLOMA, GESLACHT, then one count column per diploma year: '2014', ...) and variable
-- `file`, a struct of
--   source_id, source_file,
--   years: the year columns' years, in header order,
--   programmes: list of {onderdeel, sub, code, diploma: CROHO ONDERDEEL, CROHO SUBONDERDEEL,
--                        OPLEIDINGSCODE ACTUEEL, SOORT DIPLOMA as written; level: SOORT DIPLOMA's first word,
--                        'hbo' or 'wo'; education_id}.
-- GEMEENTENUMMER is the CBS number (checked by the reader). The layout suppresses nothing: the bounds are the count.
-- Year Y is academic year Y-(Y+1); DUO publishes no reference date: peildatum is the academic year's end,
-- 31 August Y+1.
with f as (select unnest(getvariable('file'))),
programmes as (select unnest(programmes, recursive := true) from f),
counted as (
    select r.*, p.level, p.education_id, unnest(f.years) as year,
           pystrip(unnest([*columns('^[0-9]{4}$')]))::integer as graduates
    from raw_records r
    cross join f
    join programmes p on p.onderdeel = r."CROHO ONDERDEEL" and p.sub = r."CROHO SUBONDERDEEL"
         and p.code = r."OPLEIDINGSCODE ACTUEEL" and p.diploma = r."SOORT DIPLOMA"
)
select concat(c.year, '-', c.year + 1) as academic_year, pystrip(c."BRIN NUMMER ACTUEEL") as brin,
       pystrip(c."INSTELLINGSNAAM ACTUEEL") as institution_name,
       'GM' || pystrip(c."GEMEENTENUMMER") as municipality_code, c.education_id, c.level,
       case pystrip(c."OPLEIDINGSVORM") when 'voltijd onderwijs' then 'voltijd' when 'deeltijd onderwijs' then 'deeltijd'
                                        when 'duaal onderwijs' then 'duaal' end as form,
       pystrip(c."SOORT DIPLOMA") as diploma_type, pystrip(c."GESLACHT") as sex,
       c.graduates, c.graduates as graduates_low, c.graduates as graduates_high, false as graduates_suppressed,
       f.source_id, make_date(c.year + 1, 8, 31) as peildatum, 'definitief' as status, f.source_file, c.source_line
from counted c
cross join f
