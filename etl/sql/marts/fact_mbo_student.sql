-- Mart fact_mbo_student: one row per institution × place × qualification × TYPE MBO × level × sex × school year (DUO mbo students, old and current layout).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: duo_mbo_students, duo_mbo_students_old.
select school_year, brin, institution_name, place_name, municipality_code, education_id, crebo, type_mbo,
       leerweg, niveau, sex, students, students_low, students_high, students_suppressed, source_id, peildatum,
       status, source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), school_year)
order by brin, place_name, education_id, type_mbo, niveau, sex, school_year
