-- Facts of DUO hbo/wo graduates; read by etl/sources/duo_ho_graduates_old.py (old layout) and duo_ho_graduates.py
-- (onderwijsdata.duo.nl layout).

-- fact_ho_graduate: one row per institution (BRIN) × institution municipality × programme × form × diploma type × sex × academic year (DUO hbo/wo).
-- fact_ho_graduate (nl): één rij per instelling (BRIN) × vestigingsgemeente × opleiding × opleidingsvorm × soort diploma × geslacht × studiejaar (DUO hbo/wo).
-- fact_ho_graduate (titel): Gediplomeerden hbo en wo
create table fact_ho_graduate (
    academic_year varchar,      -- '2018-2019' = DUO's diploma year 2018
    brin varchar,               -- BRIN NUMMER ACTUEEL
    institution_name varchar,   -- INSTELLINGSNAAM ACTUEEL
    municipality_code varchar,  -- CBS code of the institution's location (GEMEENTENUMMER), not where students live
    education_id varchar,       -- hbo|wo:<onderdeel>/<subonderdeel>[:<opleidingscode>] (portal: no code)
    level varchar,              -- hbo | wo
    form varchar,               -- voltijd | deeltijd | duaal | alle
    diploma_type varchar,       -- SOORT DIPLOMA: hbo bachelor, wo master, ...
    sex varchar,                -- man | vrouw
    graduates integer,          -- null when suppressed
    graduates_low integer,
    graduates_high integer,
    graduates_suppressed boolean,
    source_id varchar,
    peildatum date,             -- 31 August at the end of the academic year in which the diploma was awarded
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer
);
