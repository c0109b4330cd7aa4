-- Mart fact_uwv_match: one row per snapshot date × municipality × occupation (BRC 2014 beroepsgroep).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: uwv_open_match.
select month, snapshot_date, municipality_code, occupation_code, occupation_name, occupation_class,
       is_technical, vacancies, job_seekers, job_seekers_level_1, job_seekers_level_2, job_seekers_level_3,
       job_seekers_level_4, job_seekers_level_5, job_seekers_level_6, source_id, peildatum, status, source_file,
       source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), month)
order by snapshot_date, municipality_code, occupation_code
