-- Facts of DUO mbo students: the old layout (2015-2019), read by etl/sources/duo_mbo_students_old.py, and the current
-- layout (2021-2025, resource 03), read by etl/sources/duo_mbo_students.py.

-- fact_mbo_student: one row per institution × place × qualification × TYPE MBO × level × sex × school year (DUO mbo students, old and current layout).
-- fact_mbo_student (nl): één rij per instelling × plaats × kwalificatie × type mbo × niveau × geslacht × schooljaar (DUO mbo-studenten, oude en huidige indeling).
-- fact_mbo_student (titel): Mbo-studenten
-- Rows exist only for the years a qualification had a figure (old: an empty TOTAAL is 'not offered'; current: an
-- empty count cell); a zero is a real zero.
create table fact_mbo_student (
    school_year varchar,
    brin varchar,               -- BRIN NUMMER (old) | INSTELLINGSCODE (current)
    institution_name varchar,   -- INSTELLINGSNAAM
    place_name varchar,         -- PLAATSNAAM (old: seat of the institution's board) | PLAATSNAAM INSTELLING (current)
    municipality_code varchar,  -- CBS code: GEMEENTENUMMER INSTELLING if given, else the place (mbo_places.csv, names)
    education_id varchar,
    crebo varchar,              -- KWALIFICATIE CODE (old) | ERKENDE OPLEIDING CODE (current)
    type_mbo varchar,           -- BOLVT | BOLDT | BBL | EX (current only: extraneus, exams only)
    leerweg varchar,            -- BOL | BBL | EX
    niveau integer,             -- KWALIFICATIENIVEAU | NIVEAU, 1..4
    sex varchar,                -- man | vrouw
    students integer,           -- students on 1 October; null when suppressed (current layout: 1..4 written as -1)
    students_low integer,
    students_high integer,
    students_suppressed boolean,
    source_id varchar,
    peildatum date,             -- 1 October of the school year's first year
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer
);
