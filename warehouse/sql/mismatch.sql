-- Technical domains, the crosswalks into them, and supply against demand per domain; filled by etl/domains.py from
-- etl/reference/technical_domains.csv and crosswalk_*.csv after the facts are loaded. See docs/mismatch.md.

-- technical_domain: one row per technical domain (etl/reference/technical_domains.csv).
-- technical_domain (nl): één rij per technisch domein (bouw en infra, ICT, ...).
-- technical_domain (titel): Technische domeinen
create table technical_domain (
    domain_id varchar,          -- bouw_infra, installatie_energie, ...
    name varchar,               -- Dutch name shown in the app
    description varchar,
    sort_order integer          -- the file's order, kept on every page
);

-- education_domain: one row per technical programme (education.is_technical) with its domain or the reason it has none.
-- education_domain (nl): één rij per technische opleiding met haar domein, of de reden dat ze in geen domein valt.
-- education_domain (titel): Technische opleidingen per domein
create table education_domain (
    education_id varchar,
    domain_id varchar,          -- null when the programme is listed as unmapped
    unmapped_reason varchar,    -- why it is in no domain; null when it has one
    crosswalk varchar,          -- the crosswalk file that placed it
    crosswalk_line integer      -- the line of the rule that placed it (first matching rule wins)
);

-- occupation_domain: one row per BRC 2014 beroepsgroep in etl/reference/crosswalk_brc.csv with its domain or reason.
-- occupation_domain (nl): één rij per BRC-beroepsgroep met haar technisch domein, of de reden dat ze in geen domein valt.
-- occupation_domain (titel): Beroepsgroepen per technisch domein
create table occupation_domain (
    occupation_code varchar,    -- BRC 2014 beroepsgroep, 4 digits
    occupation_name varchar,
    isco08 varchar,             -- the main ISCO-08 unit group (BRC 2014 bijlage 2), for reference
    domain_id varchar,
    unmapped_reason varchar,
    crosswalk_line integer
);

-- mismatch_supply: one row per domain (or none) × institution municipality × level (mbo 2-4, hbo, wo) × diploma year × source.
-- mismatch_supply (nl): één rij per domein (of geen) × vestigingsgemeente × niveau × diplomajaar × bron (technisch gediplomeerden).
-- mismatch_supply (titel): Aanbod: technisch gediplomeerden per domein
create table mismatch_supply (
    domain_id varchar,          -- null: technical programmes listed as in no domain (education_domain.unmapped_reason)
    municipality_code varchar,  -- where the institution is, not where the graduates live
    level varchar,              -- mbo 2 | mbo 3 | mbo 4 | hbo | wo (wo: masters only)
    calendar_year varchar,      -- '2023': the year the diploma was awarded (school year 2022-2023 → 2023)
    graduates_low double,       -- suppressed cells counted as 1
    graduates double,           -- suppressed cells counted as 2.5, the middle of 1..4
    graduates_high double,      -- suppressed cells counted as 4
    suppressed_cells integer,   -- DUO cells '<5' in the sum
    provisional boolean,        -- any row voorlopig
    source_id varchar
);

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
