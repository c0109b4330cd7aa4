-- Facts of DUO 'Examenkandidaten en geslaagden' (vo); read by etl/sources/duo_vo_exams.py.

-- fact_vo_exam: one row per school location × programme × sex × school year (DUO examenkandidaten vo).
-- fact_vo_exam (nl): één rij per schoolvestiging × opleiding × geslacht × schooljaar (DUO examenkandidaten vo).
-- fact_vo_exam (titel): Examenkandidaten voortgezet onderwijs
-- sex 'totaal' is DUO's own published total: it is exact where man + vrouw are suppressed.
create table fact_vo_exam (
    school_year varchar,
    brin varchar,               -- INSTELLINGSCODE
    vestiging varchar,          -- VESTIGINGSCODE
    school_name varchar,
    municipality_code varchar,  -- CBS code of GEMEENTENAAM (the school location, not where pupils live)
    education_id varchar,
    sex varchar,                -- man | vrouw | totaal
    candidates integer,         -- null when suppressed
    candidates_low integer,     -- = candidates, or 1 when suppressed
    candidates_high integer,    -- = candidates, or 4 when suppressed
    candidates_suppressed boolean,
    passed integer,
    passed_low integer,
    passed_high integer,
    passed_suppressed boolean,
    pass_rate double,           -- SLAAGPERC as published, percent
    source_id varchar,
    peildatum date,
    status varchar,             -- definitief | voorlopig
    source_file varchar,
    source_line integer
);
