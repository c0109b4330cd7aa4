-- Technical domains, the crosswalks into them, and supply against demand per domain; filled by etl/domains.py from
-- etl/reference/technical_domains.csv and crosswalk_*.csv after the facts are loaded. See docs/mismatch.md.

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
