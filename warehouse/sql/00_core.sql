-- Core warehouse tables (reference data, metadata). Owned by the read layer, created by the ETL. Every table
-- states its grain in the comment line above it ("-- name: one row per ..."); warehouse/schema.py reads those
-- lines for the app. One more file per source dataset beside this one holds its facts; files run in name order.
-- Constraints (not null, unique grain, accepted values, relationships) are enforced by etl/checks.py
-- after loading, so that a violation is reported with the raw file and line it came from.

-- build_info: one row per build property (is_demo, demo_scale, demo_seed, raw_fingerprint, schema_version,
-- uploads_position: the upload store position the programme tables were replayed from).
-- build_info (nl): één rij per eigenschap van de build (demo of echt, schaal, seed, vingerafdruk).
-- build_info (titel): Over deze build
create table build_info (
    key varchar,
    value varchar
);

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

-- raw_file: one row per raw file that went into this build.
-- raw_file (nl): één rij per ruw bestand dat in deze build is ingelezen.
-- raw_file (titel): Ingelezen bestanden
create table raw_file (
    path varchar,               -- relative to the raw folder, forward slashes
    source_id varchar,
    sha256 varchar,
    origin_url varchar,
    retrieved_at varchar,       -- ISO 8601 from the manifest; null for a file without manifest
    is_demo boolean,
    data_rows integer,
    note varchar                -- Dutch, e.g. which periods a newer edition of the file took over; null = none
);

-- region: one row per region code (municipality, province, landsdeel, country).
-- region (nl): één rij per regiocode (gemeente, provincie, landsdeel, Nederland).
-- region (titel): Regio's
create table region (
    code varchar,               -- GM0034, PV24, LD02, NL
    name varchar,               -- CBS spelling
    level varchar,              -- gemeente | provincie | landsdeel | land
    parent_code varchar,        -- province of a municipality, landsdeel of a province, NL of a landsdeel
    valid_from integer,         -- first calendar year the code exists; null = before 2015
    valid_to integer,           -- last calendar year the code exists; null = still exists
    successor_code varchar,     -- where a dissolved municipality went
    is_flevoland boolean        -- PV24 and its six municipalities
);

-- region_membership: one row per region × municipality inside it (a municipality contains itself).
-- region_membership (nl): één rij per regio × gemeente die erbinnen valt.
-- region_membership (titel): Gemeenten per regio
create table region_membership (
    region_code varchar,
    municipality_code varchar
);

-- period: one row per period that any fact uses; school years and calendar years are different periods.
-- period (nl): één rij per periode die een feit gebruikt; schooljaren en kalenderjaren zijn verschillende perioden.
-- period (titel): Perioden
create table period (
    period_id varchar,          -- 2023-2024 | 2023 | 2023-Q4 | 2023-11
    period_type varchar,        -- school_year | calendar_year | quarter | month
    start_year integer,         -- the year the period starts in (a school year 2023-2024: 2023)
    start_date date,
    end_date date
);

-- education: one row per education programme as a source names it (level × track/profile/sector).
-- education (nl): één rij per opleiding zoals de bron haar noemt (niveau × sector/profiel).
-- education (titel): Opleidingen
create table education (
    education_id varchar,       -- e.g. 'vo:VMBO K - techniek'
    level varchar,              -- vmbo | havo | vwo | mbo | hbo | wo
    leerweg varchar,            -- vmbo: B, K, G, T, LWT; else null
    track varchar,              -- vmbo sector, havo/vwo profile (combination), mbo sector, CROHO onderdeel
    source_label varchar,       -- the programme name exactly as the source writes it
    is_technical boolean,
    technical_rule varchar      -- the documented rule that decided is_technical
);
