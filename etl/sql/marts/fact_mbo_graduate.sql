-- Mart fact_mbo_graduate: one row per institution × place × programme (crebo, leerweg, sectorkamer) × level × sex × school year (DUO gediplomeerde mbo-studenten).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: duo_mbo_graduates.
select school_year, brin, institution_name, place_name, municipality_code, education_id, crebo, leerweg, niveau,
       sex, graduates, graduates_low, graduates_high, graduates_suppressed, source_id, peildatum, status,
       source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), school_year)
order by brin, place_name, education_id, niveau, sex, school_year
