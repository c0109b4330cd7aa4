-- Staging duo_mbo_students: one row per record × leerweg count column with a figure of one DUO "Mbo-studenten per
-- instelling" resource 03 file (institution × town × programme × TYPE MBO × level × sex × school year).
-- Reads the reader's relations: raw_records (the file as text, one row per record with its source_line; the required
-- columns, optional ones and at least one count column BBL, BOLDT, BOLVT, EX, in any order), raw_education (the
-- stripped ERKENDE OPLEIDING CODE, ERKENDE OPLEIDING NAAM, count column, SECTORKAMER NAAM and HOOFDGROEP NAAM →
-- education_id, leerweg) and raw_places (stripped PLAATSNAAM INSTELLING × GEMEENTENUMMER INSTELLING × JAAR → CBS
-- code); variables source_id, source_file. The reader's discovery query (lookups/duo_mbo_students.sql) finds the figures
-- the same way.
-- JAAR Y counts students on 1 October Y (peildatum), school year Y/Y+1. Each count column is a TYPE MBO. An empty
-- count cell is no figure (no row); counts of 1 to 4 are published as -1: null, with bounds 1 and 4. Without
-- GEMEENTENUMMER INSTELLING or HOOFDGROEP NAAM in the file, their values are ''. Values are stripped of spaces;
-- numbers are cast as they are (the reader's patterns allow digits with spaces around, which a cast ignores).
with records as (  -- the optional columns are null when the file has none
    from raw_records
    union all by name
    select null::varchar as "GEMEENTENUMMER INSTELLING", null::varchar as "HOOFDGROEP NAAM" where false
), placed as (  -- one row per record, values stripped, with the municipality of its town
    select s.* exclude (number), p.code as municipality_code
    from (select source_line, JAAR::integer as year, pystrip(INSTELLINGSCODE) as brin,
                 pystrip(INSTELLINGSNAAM) as institution_name, pystrip("PLAATSNAAM INSTELLING") as place_name,
                 coalesce(pystrip("GEMEENTENUMMER INSTELLING"), '') as number,
                 pystrip("ERKENDE OPLEIDING CODE") as crebo, pystrip("ERKENDE OPLEIDING NAAM") as name,
                 pystrip("SECTORKAMER NAAM") as sectorkamer, coalesce(pystrip("HOOFDGROEP NAAM"), '') as hoofdgroep,
                 NIVEAU::integer as niveau, lower(pystrip(GESLACHT)) as sex, columns('^(BBL|BOLDT|BOLVT|EX)$')
          from records) s
    left join raw_places p on p.place = s.place_name and p.number = s.number and p.year = s.year
), long as (  -- one row per record × count column with a figure
    select * replace (try_cast(v as bigint) as v)
    from (unpivot placed on columns('^(BBL|BOLDT|BOLVT|EX)$') into name type_mbo value v)
    where try_cast(v as bigint) is not null
)
select l.year || '-' || (l.year + 1) as school_year, l.brin, l.institution_name, l.place_name, l.municipality_code,
       e.education_id, l.crebo, l.type_mbo, e.leerweg, l.niveau, l.sex, nullif(l.v, -1) as students,
       if(l.v = -1, 1, l.v) as students_low, if(l.v = -1, 4, l.v) as students_high, l.v = -1 as students_suppressed,
       getvariable('source_id') as source_id, make_date(l.year, 10, 1) as peildatum, 'definitief' as status,
       getvariable('source_file') as source_file, l.source_line::integer as source_line
from long l
left join raw_education e on e.crebo = l.crebo and e.name = l.name and e.type_mbo = l.type_mbo
     and e.sectorkamer = l.sectorkamer and e.hoofdgroep = l.hoofdgroep
