-- Facts of DUO 'Mbo-studenten per instelling' resource 11 (woongemeente); read by etl/sources/duo_mbo_residence.py.

-- fact_mbo_residence: one row per institution × town of the institution × home municipality × age group × leerweg × school year (DUO mbo-studenten per woongemeente).
-- fact_mbo_residence (nl): één rij per instelling × plaats van de instelling × woongemeente × leeftijdscategorie × leerweg × schooljaar (DUO mbo-studenten per woongemeente).
-- fact_mbo_residence (titel): Mbo-studenten per woongemeente
create table fact_mbo_residence (
    school_year varchar,                    -- JAAR Y = students on 1 October Y = school year Y/Y+1
    brin varchar,                           -- INSTELLINGSCODE
    institution_name varchar,
    place_name varchar,                     -- PLAATSNAAM INSTELLING
    institution_municipality_code varchar,  -- GEMEENTENUMMER INSTELLING, or the town mapped (mbo_places.csv)
    home_name varchar,                      -- WOONGEMEENTE as published
    home_municipality_code varchar,         -- null for BUITENLAND / ONBEKEND
    age_group varchar,                      -- LEEFTIJDSCATEGORIE ('' when the file has none)
    type_mbo varchar,                       -- BBL | BOLDT | BOLVT | EX (extraneus)
    students integer,                       -- null when suppressed (-1)
    students_low integer,
    students_high integer,
    students_suppressed boolean,
    source_id varchar,
    peildatum date,                         -- 1 October
    status varchar,                         -- definitief | voorlopig
    source_file varchar,
    source_line integer
);
