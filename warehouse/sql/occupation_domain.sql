-- Technical domains, the crosswalks into them, and supply against demand per domain; filled by etl/domains.py from
-- etl/reference/technical_domains.csv and crosswalk_*.csv after the facts are loaded. See docs/mismatch.md.

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
