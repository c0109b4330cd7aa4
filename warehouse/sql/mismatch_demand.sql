-- Technical domains, the crosswalks into them, and supply against demand per domain; filled by etl/domains.py from
-- etl/reference/technical_domains.csv and crosswalk_*.csv after the facts are loaded. See docs/mismatch.md.

-- mismatch_demand: one row per domain × municipality × calendar year × source (UWV vacancies and job-seekers).
-- mismatch_demand (nl): één rij per domein × gemeente × kalenderjaar × bron (vacatures en werkzoekenden bij UWV).
-- mismatch_demand (titel): Vraag: vacatures en werkzoekenden per domein
create table mismatch_demand (
    domain_id varchar,
    municipality_code varchar,
    calendar_year varchar,      -- '2023' (period_type calendar_year)
    vacancies double,           -- mean over the year's months of the open vacancies on each month's last snapshot
    job_seekers double,         -- the same for job-seekers wanting an occupation of the domain
    months integer,             -- months of the year with a snapshot (UWV: Nov 2019 to May 2023)
    first_month varchar,
    last_month varchar,
    provisional boolean,
    source_id varchar
);
