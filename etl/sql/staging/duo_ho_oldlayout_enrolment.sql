-- Staging duo_ho_oldlayout_enrolment: one row per record × year column of a DUO hbo/wo first-years file in the old
-- layout (OldLayoutSource entry FIRST_YEARS_OLD): institution location × programme × form × ho type × sex × year.
-- One file per definition × fact table: the graduates entry (duo_ho_oldlayout_graduate.sql) gives
-- fact_ho_graduate's columns (diploma_type, graduates*), this entry fact_ho_enrolment's (ho_type, measure,
-- students*).
-- Reads the reader's relation raw_records (the file as text, one row per record with its source_line; header
-- PROVINCIE, ..., TYPE HOGER ONDERWIJS, ..., GESLACHT, then one count column per year: '2015', ...), the reader's
-- lookup raw_programmes (onderdeel, sub, code: CROHO ONDERDEEL, CROHO SUBONDERDEEL, OPLEIDINGSCODE ACTUEEL as
-- written → level: from the CROHO code's first digit, 'hbo' or 'wo'; education_id), and variable `file`: a struct
-- of source_id, source_file, measure ('eerstejaars') and years (the year columns' years, in header order).
-- The lookup is a temp table, not a variable: a large constant in the view costs more to plan than the table's
-- scan; the file's constants are one struct variable, as each variable set is a statement of its own.
-- GEMEENTENUMMER is the CBS number (checked by the reader). The layout suppresses nothing: the bounds are the count.
-- Year Y is academic year Y-(Y+1); DUO counts on 1 October: peildatum is 1 October Y.
with f as (select unnest(getvariable('file'))),
years as (  -- the year columns' academic years and peildata, in header order
    select list(concat(year, '-', year + 1)) as academic_years, list(make_date(year, 10, 1)) as peildata
    from (select unnest(years) as year from f)
),
records as (  -- one row per record, its text typed before the year columns are unnested
    select r.source_line, pystrip(r."BRIN NUMMER ACTUEEL") as brin,
           pystrip(r."INSTELLINGSNAAM ACTUEEL") as institution_name,
           'GM' || pystrip(r."GEMEENTENUMMER") as municipality_code, p.education_id, p.level,
           pystrip(r."TYPE HOGER ONDERWIJS") as ho_type,
           case pystrip(r."OPLEIDINGSVORM") when 'voltijd onderwijs' then 'voltijd'
                when 'deeltijd onderwijs' then 'deeltijd' when 'duaal onderwijs' then 'duaal' end as form,
           pystrip(r."GESLACHT") as sex, [*columns('^[0-9]{4}$')] as counts
    from raw_records r
    join raw_programmes p on p.onderdeel = r."CROHO ONDERDEEL" and p.sub = r."CROHO SUBONDERDEEL"
         and p.code = r."OPLEIDINGSCODE ACTUEEL"
),
counted as (  -- one row per record × year column
    select * exclude (counts), unnest(y.academic_years) as academic_year, unnest(y.peildata) as peildatum,
           pystrip(unnest(counts))::integer as students
    from records cross join years y
)
select c.academic_year, c.brin, c.institution_name, c.municipality_code, c.education_id, c.level, c.ho_type, c.form,
       c.sex, f.measure, c.students, c.students as students_low, c.students as students_high,
       false as students_suppressed, f.source_id, c.peildatum, 'definitief' as status, f.source_file, c.source_line
from counted c
cross join f
