-- Staging duo_vo_exams: one row per school location × programme × sex × school year of one DUO vo exam file.
-- Reads the reader's relations: raw_records (the file as text, one row per record with its source_line; per school
-- year and sex the columns 'EXAMENKANDIDATEN|GESLAAGDEN|SLAAGPERC SCHOOLJAAR jjjj-jjjj - GESLACHT'),
-- raw_education (ONDERWIJSTYPE VO × OPLEIDINGSNAAM → education_id) and raw_places (GEMEENTENAAM × school year →
-- CBS code); variables school_years and sexes (the school year and sex of each measure's columns, in header order,
-- the same for the three measures) and source_id, source_file.
-- Counts of 1 to 4 are published as '<5': null, with bounds 1 and 4. DUO publishes no reference date: peildatum is
-- the school year's last day.
with typed as materialized (  -- one row per record, its measures as lists of text in header order (materialized:
    -- built once per record, then indexed per block, which costs far less than unnesting five lists side by side)
    select r.source_line, pystrip(r."INSTELLINGSCODE") as brin, pystrip(r."VESTIGINGSCODE") as vestiging,
           pystrip(r."INSTELLINGSNAAM VESTIGING") as school_name, r."GEMEENTENAAM" as place, e.education_id,
           [*columns('^EXAMENKANDIDATEN SCHOOLJAAR ')] as candidates, [*columns('^GESLAAGDEN SCHOOLJAAR ')] as passed,
           [*columns('^SLAAGPERC SCHOOLJAAR ')] as pass_rate
    from raw_records r
    left join raw_education e on e.kind = r."ONDERWIJSTYPE VO" and e.label = r."OPLEIDINGSNAAM"
), counted as (  -- one row per record × school year × sex
    select t.* exclude (candidates, passed, pass_rate), b.school_year, b.sex,
           nullif(pystrip(t.candidates[b.i]), '<5')::bigint as candidates,
           nullif(pystrip(t.passed[b.i]), '<5')::bigint as passed,
           nullif(pystrip(t.pass_rate[b.i]), '')::double as pass_rate
    from typed t,
         (select unnest(range(1, len(getvariable('sexes')) + 1)) as i,
                 unnest(getvariable('school_years')) as school_year, lower(unnest(getvariable('sexes'))) as sex) b
)
select c.school_year, c.brin, c.vestiging, c.school_name, p.code as municipality_code, c.education_id, c.sex,
       c.candidates, coalesce(c.candidates, 1) as candidates_low, coalesce(c.candidates, 4) as candidates_high,
       c.candidates is null as candidates_suppressed,
       c.passed, coalesce(c.passed, 1) as passed_low, coalesce(c.passed, 4) as passed_high,
       c.passed is null as passed_suppressed, c.pass_rate, getvariable('source_id') as source_id,
       make_date(c.school_year[6:]::integer, 7, 31) as peildatum, 'definitief' as status,
       getvariable('source_file') as source_file, c.source_line::integer as source_line
from counted c
left join raw_places p on p.name = c.place and p.school_year = c.school_year
