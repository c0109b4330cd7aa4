-- source: one row per published dataset (a publisher's table or file series).
-- source (nl): één rij per gepubliceerde dataset (tabel of bestandsreeks van een bronhouder).
-- source (titel): Bronnen (datasets)
create table source (
    source_id varchar,
    publisher varchar,
    title varchar,
    url varchar,
    licence varchar,
    period_type varchar,        -- school_year | calendar_year | quarter | month
    is_demo boolean
);
