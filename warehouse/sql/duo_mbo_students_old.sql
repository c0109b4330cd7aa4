-- Facts of DUO 'deelnemers mbo' in the old layout (2015-2019); read by etl/sources/duo_mbo_students_old.py.

-- fact_mbo_student: one row per institution × place (board seat) × qualification × TYPE MBO × level × sex × school year (DUO deelnemers mbo, old layout).
-- fact_mbo_student (nl): één rij per instelling × plaats (zetel) × kwalificatie × type mbo × niveau × geslacht × schooljaar (DUO deelnemers mbo, oude indeling).
-- Rows exist only for the years a qualification had a figure (an empty TOTAAL is 'not offered'); a zero is a real zero.
create table fact_mbo_student (
    school_year varchar,
    brin varchar,               -- BRIN NUMMER
    institution_name varchar,   -- INSTELLINGSNAAM
    place_name varchar,         -- PLAATSNAAM: seat of the institution's board, not where students study or live
    municipality_code varchar,  -- CBS code of PLAATSNAAM (etl/reference/mbo_places.csv, then municipality names)
    education_id varchar,
    crebo varchar,              -- KWALIFICATIE CODE
    type_mbo varchar,           -- BOLVT | BOLDT | BBL
    leerweg varchar,            -- BOL | BBL
    niveau integer,             -- KWALIFICATIENIVEAU 1..4
    sex varchar,                -- man | vrouw
    students integer,           -- students on 1 October; this layout suppresses nothing
    students_low integer,
    students_high integer,
    students_suppressed boolean,
    source_id varchar,
    peildatum date,             -- 1 October of the school year's first year
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer
);
