-- Facts of UWV Open Match Data (weekly snapshots); read by etl/sources/uwv_open_match.py.

-- fact_uwv_match: one row per snapshot date × municipality × occupation (BRC 2014 beroepsgroep).
-- fact_uwv_match (nl): één rij per peildatum (wekelijkse momentopname) × gemeente × beroep (BRC-beroepsgroep).
-- fact_uwv_match (titel): UWV-vacatures en werkzoekenden per beroep
-- Postcode areas (PC4) are summed to the municipality the file names; month = the snapshot's month.
create table fact_uwv_match (
    month varchar,              -- '2023-05': the month of the snapshot (period_type month)
    snapshot_date date,         -- PEILDATUM, the exact snapshot day
    municipality_code varchar,  -- CBS code of GEMEENTE
    occupation_code varchar,    -- BEROEP_CODE, BRC 2014 beroepsgroep (4 digits)
    occupation_name varchar,    -- BEROEP as published
    occupation_class varchar,   -- BRC beroepsklasse, the code's first two digits (07 technisch, 08 ICT)
    is_technical boolean,       -- per etl/reference/uwv_technical_occupations.csv
    vacancies double,           -- AANTAL of REC_TYPE VACATURE (open vacancies on the snapshot day)
    job_seekers double,         -- AANTAL of REC_TYPE WERKZOEKENDE
    job_seekers_level_1 double, -- AANT_OPLNIV_1..6 of the job-seekers (education level 1 = lowest)
    job_seekers_level_2 double,
    job_seekers_level_3 double,
    job_seekers_level_4 double,
    job_seekers_level_5 double,
    job_seekers_level_6 double,
    source_id varchar,
    peildatum date,             -- = snapshot_date
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer         -- the first line of the records summed into this row
);
