-- Mart fact_mbo_residence: one row per institution × town of the institution × home municipality × age group × leerweg × school year (DUO mbo-studenten per woongemeente).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: duo_mbo_residence.
select school_year, brin, institution_name, place_name, institution_municipality_code, home_name,
       home_municipality_code, age_group, type_mbo, students, students_low, students_high, students_suppressed,
       source_id, peildatum, status, source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), school_year)
order by brin, place_name, home_name, age_group, type_mbo, school_year
