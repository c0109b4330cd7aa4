-- Mart fact_vo_exam: one row per school location × programme × sex × school year (DUO examenkandidaten vo).
-- The rows one raw file adds: its staging view `staged` (etl/sql/staging/), limited to the periods this build takes
-- from the file (variable `periods`; null: all), in grain order, so that every build appends them the same way.
-- Fed by: duo_vo_exams.
select school_year, brin, vestiging, school_name, municipality_code, education_id, sex, candidates,
       candidates_low, candidates_high, candidates_suppressed, passed, passed_low, passed_high,
       passed_suppressed, pass_rate, source_id, peildatum, status, source_file, source_line
from staged
where getvariable('periods') is null or list_contains(getvariable('periods'), school_year)
order by vestiging, education_id, sex, school_year
