-- Staging duo_mbo_residence: one row per record × leerweg count column of one DUO "Mbo-studenten per instelling"
-- resource 11 file (institution × town of the institution × home municipality × age group × TYPE MBO × school year).
-- Reads the reader's relations: raw_records (the file as text, one row per record with its source_line; the required
-- columns, optional ones and at least one count column BBL, BOLDT, BOLVT, EX, in any order), raw_places (stripped
-- PLAATSNAAM INSTELLING × GEMEENTENUMMER INSTELLING × JAAR → CBS code) and raw_homes (stripped WOONGEMEENTE ×
-- WOONGEMEENTENUMMER × JAAR → CBS code, null abroad or unknown); variables source_id, source_file. The reader's
-- discovery query (lookups/duo_mbo_residence.sql) strips the same way.
-- JAAR Y counts students on 1 October Y (peildatum), school year Y/Y+1. Each count column is a TYPE MBO; every count
-- cell holds a figure, counts of 1 to 4 published as -1: null, with bounds 1 and 4. Without GEMEENTENUMMER
-- INSTELLING, WOONGEMEENTENUMMER or LEEFTIJDSCATEGORIE in the file, their values are ''. Values are stripped of
-- spaces; numbers are cast as they are (the reader's patterns allow digits with spaces around, which a cast ignores).
with records as (  -- the optional columns are null when the file has none
    from raw_records
    union all by name
    select null::varchar as "GEMEENTENUMMER INSTELLING", null::varchar as WOONGEMEENTENUMMER,
           null::varchar as LEEFTIJDSCATEGORIE
    where false
), stripped as (
    select source_line, JAAR::integer as year, pystrip(INSTELLINGSCODE) as brin,
           pystrip(INSTELLINGSNAAM) as institution_name, pystrip("PLAATSNAAM INSTELLING") as place_name,
           coalesce(pystrip("GEMEENTENUMMER INSTELLING"), '') as number, pystrip(WOONGEMEENTE) as home_name,
           coalesce(pystrip(WOONGEMEENTENUMMER), '') as home_number,
           coalesce(pystrip(LEEFTIJDSCATEGORIE), '') as age_group, columns('^(BBL|BOLDT|BOLVT|EX)$')
    from records
), placed as (  -- one row per record, with its two municipalities
    select s.* exclude (number, home_number), p.code as institution_municipality_code,
           h.code as home_municipality_code
    from stripped s
    left join raw_places p on p.name = s.place_name and p.number = s.number and p.year = s.year
    left join raw_homes h on h.name = s.home_name and h.number = s.home_number and h.year = s.year
)
select l.year || '-' || (l.year + 1) as school_year, l.brin, l.institution_name, l.place_name,
       l.institution_municipality_code, l.home_name, l.home_municipality_code, l.age_group, l.type_mbo,
       l.v as students, coalesce(l.v, 1) as students_low, coalesce(l.v, 4) as students_high,
       l.v is null as students_suppressed, getvariable('source_id') as source_id,
       make_date(l.year, 10, 1) as peildatum, 'definitief' as status, getvariable('source_file') as source_file,
       l.source_line::integer as source_line
from (select * replace (nullif(v::bigint, -1) as v)
      from (unpivot placed on columns('^(BBL|BOLDT|BOLVT|EX)$') into name type_mbo value v)) l
