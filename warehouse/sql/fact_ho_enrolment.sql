-- Facts of DUO hbo/wo first-years and enrolments; read by etl/sources/duo_ho_first_years_old.py (old layout),
-- duo_ho_first_years.py and duo_ho_enrolments.py (onderwijsdata.duo.nl layout).

-- fact_ho_enrolment: one row per institution (BRIN) × institution municipality × programme × ho type × form × sex × measure × academic year (DUO hbo/wo).
-- fact_ho_enrolment (nl): één rij per instelling (BRIN) × vestigingsgemeente × opleiding × type ho × opleidingsvorm × geslacht × maat × studiejaar (DUO hbo/wo).
-- fact_ho_enrolment (titel): Ingeschrevenen hbo en wo
-- measure 'eerstejaars' = first-year students, 'ingeschrevenen' = all enrolled students, both counted on 1 October.
-- form 'alle' and sex 'totaal' where a file does not split by them (the portal's geslacht file has no form).
create table fact_ho_enrolment (
    academic_year varchar,      -- '2018-2019' = DUO's year 2018
    brin varchar,               -- BRIN NUMMER ACTUEEL
    institution_name varchar,   -- INSTELLINGSNAAM ACTUEEL
    municipality_code varchar,  -- CBS code of the institution's location (GEMEENTENUMMER), not where students live
    education_id varchar,       -- hbo|wo:<onderdeel>/<subonderdeel>[:<opleidingscode>] (portal: no code)
    level varchar,              -- hbo | wo
    ho_type varchar,            -- TYPE HOGER ONDERWIJS: bachelor, master, associate degree, postmaster
    form varchar,               -- voltijd | deeltijd | duaal | alle
    sex varchar,                -- man | vrouw
    measure varchar,            -- eerstejaars | ingeschrevenen
    students integer,           -- null when suppressed
    students_low integer,       -- = students, or 1 when suppressed
    students_high integer,      -- = students, or 4 when suppressed
    students_suppressed boolean,
    source_id varchar,
    peildatum date,             -- 1 October of the academic year
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer
);
