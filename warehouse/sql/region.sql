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
