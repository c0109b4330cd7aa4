-- Facts of CBS StatLine tables; read by etl/sources/cbs_odata.py (API bundles), cbs_label_csv.py ("CSV met
-- labels") and cbs_label_quarterly.py (transposed unemployment export). One generic long table for all of them.

-- fact_cbs: one row per source × StatLine table × measure × region × other dimension keys × period (CBS StatLine).
-- fact_cbs (nl): één rij per bron × StatLine-tabel × onderwerp × regio × overige dimensies × periode (CBS StatLine).
-- fact_cbs (titel): CBS StatLine-cijfers
-- Values are CBS's published figures for that region: never sum provinces or municipalities of this table.
create table fact_cbs (
    table_id varchar,           -- StatLine table id, e.g. 03759ned, 85525NED
    measure varchar,            -- OData topic key (BevolkingOp1Januari_1) or the label column header
    measure_label varchar,      -- the measure's title as CBS writes it, without the unit
    unit varchar,               -- aantal | % | ... as CBS writes it
    region_code varchar,        -- CBS region code: GM0034, PV24, LD02, NL (COROP areas are not loaded)
    dims varchar,               -- other dimensions as 'Key=value|Key=value' (keys or labels); '' when none
    period varchar,             -- '2023' (calendar year) or '2023-Q4' (quarter)
    value double,               -- null cells ('.', empty) are not loaded
    source_id varchar,
    peildatum date,             -- last day of the period (CBS exports carry no separate reference date)
    status varchar,             -- definitief | voorlopig ('2023*' or Perioden.Status 'Voorlopig')
    source_file varchar,
    source_line integer         -- CSV line; for an API bundle the 1-based TypedDataSet row
);
