-- Staging duo_mbo_graduates: one row per record × diploma year × sex with a figure of one DUO "Gediplomeerde
-- mbo-studenten" file (institution × town × programme × level × sex × school year).
-- Reads the reader's relations: raw_records (the file as text, one row per record with its source_line; the
-- catalogue's fixed columns, then DIPMAN<Y> and DIPVROUW<Y> per diploma year Y, in any order), raw_education (the
-- programme's stripped ERKENDE OPLEIDING CODE, ERKENDE OPLEIDING NAAM, LEERWEG, SECTORKAMER NAAM and HOOFDGROEP NAAM
-- → education_id, leerweg) and raw_places (stripped PLAATSNAAM INSTELLING × year → CBS code); variables source_id,
-- source_file. The reader's discovery query (lookups/duo_mbo_graduates.sql) finds the figures the same way.
-- Diploma year Y is school year Y-1/Y; its town is mapped to a municipality as in year Y-1. An empty count cell is no
-- figure (no row); counts of 1 to 4 are published as -1: null, with bounds 1 and 4. DUO gives no reference date:
-- peildatum is the school year's last day (31 July Y). Values are stripped of spaces; numbers are cast as they are
-- (the reader's patterns allow digits with spaces around, which a cast ignores).
with stripped as (
    select source_line, pystrip(INSTELLINGSCODE) as brin, pystrip(INSTELLINGSNAAM) as institution_name,
           pystrip("PLAATSNAAM INSTELLING") as place_name, pystrip("ERKENDE OPLEIDING CODE") as crebo,
           pystrip("ERKENDE OPLEIDING NAAM") as name, pystrip(LEERWEG) as route,
           pystrip("SECTORKAMER NAAM") as sectorkamer, pystrip("HOOFDGROEP NAAM") as hoofdgroep,
           NIVEAU::integer as niveau, columns('^DIP(MAN|VROUW)[0-9]{4}$')
    from raw_records
), educated as (  -- one row per record, with its programme
    select s.* exclude (name, route, sectorkamer, hoofdgroep), e.education_id, e.leerweg
    from stripped s
    left join raw_education e on e.crebo = s.crebo and e.name = s.name and e.route = s.route
         and e.sectorkamer = s.sectorkamer and e.hoofdgroep = s.hoofdgroep
), long as (  -- one row per record × count column with a figure
    select * exclude (count_column, v), count_column[-4:]::integer as year, lower(count_column[4:-5]) as sex,
           try_cast(v as bigint) as v
    from (unpivot educated on columns('^DIP(MAN|VROUW)[0-9]{4}$') into name count_column value v)
    where try_cast(v as bigint) is not null
)
select (l.year - 1) || '-' || l.year as school_year, l.brin, l.institution_name, l.place_name,
       p.code as municipality_code, l.education_id, l.crebo, l.leerweg, l.niveau, l.sex,
       nullif(l.v, -1) as graduates, if(l.v = -1, 1, l.v) as graduates_low, if(l.v = -1, 4, l.v) as graduates_high,
       l.v = -1 as graduates_suppressed, getvariable('source_id') as source_id, make_date(l.year, 7, 31) as peildatum,
       'definitief' as status, getvariable('source_file') as source_file, l.source_line::integer as source_line
from long l
left join raw_places p on p.place = l.place_name and p.year = l.year - 1
