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
