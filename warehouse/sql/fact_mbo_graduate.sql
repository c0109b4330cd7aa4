-- Facts of DUO 'Gediplomeerde mbo-studenten' (onderwijsdata.duo.nl); read by etl/sources/duo_mbo_graduates.py.

-- fact_mbo_graduate: one row per institution × place × programme (crebo, leerweg, sectorkamer) × level × sex × school year (DUO gediplomeerde mbo-studenten).
-- fact_mbo_graduate (nl): één rij per instelling × plaats × opleiding (crebo, leerweg, sectorkamer) × niveau × geslacht × schooljaar (DUO gediplomeerde mbo-studenten).
-- fact_mbo_graduate (titel): Gediplomeerden mbo
create table fact_mbo_graduate (
    school_year varchar,        -- diploma year Y = school year Y-1/Y
    brin varchar,               -- INSTELLINGSCODE
    institution_name varchar,
    place_name varchar,         -- PLAATSNAAM INSTELLING (town)
    municipality_code varchar,  -- CBS code of the town (etl/reference/mbo_places.csv, then municipality names)
    education_id varchar,
    crebo varchar,              -- ERKENDE OPLEIDING CODE
    leerweg varchar,            -- BOL | BBL
    niveau integer,             -- 1..4
    sex varchar,                -- man | vrouw
    graduates integer,          -- null when suppressed (-1)
    graduates_low integer,      -- = graduates, or 1 when suppressed
    graduates_high integer,     -- = graduates, or 4 when suppressed
    graduates_suppressed boolean,
    source_id varchar,
    peildatum date,             -- DUO gives none: 31 July, the school year's last day
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer
);
