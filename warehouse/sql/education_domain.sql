-- Technical domains, the crosswalks into them, and supply against demand per domain; filled by etl/domains.py from
-- etl/reference/technical_domains.csv and crosswalk_*.csv after the facts are loaded. See docs/mismatch.md.

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
