-- Mart fact_ho_graduate: one row per institution (BRIN) × institution municipality × programme × form × diploma type × sex × academic year (DUO hbo/wo).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: duo_ho_graduates, duo_ho_graduates_old.
select academic_year, brin, institution_name, municipality_code, education_id, level, form, diploma_type, sex,
       graduates, graduates_low, graduates_high, graduates_suppressed, source_id, peildatum, status,
       source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), academic_year)
order by brin, municipality_code, education_id, form, diploma_type, sex, academic_year
