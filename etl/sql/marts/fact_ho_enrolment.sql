-- Mart fact_ho_enrolment: one row per institution (BRIN) × institution municipality × programme × ho type × form × sex × measure × academic year (DUO hbo/wo).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: duo_ho_enrolments, duo_ho_first_years, duo_ho_first_years_old.
select academic_year, brin, institution_name, municipality_code, education_id, level, ho_type, form, sex,
       measure, students, students_low, students_high, students_suppressed, source_id, peildatum, status,
       source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), academic_year)
order by brin, municipality_code, education_id, ho_type, form, sex, measure, academic_year
