-- Staging duo_mbo_students_old: one row per record × year × sex with a figure of one DUO mbo students file of the old
-- layout (institution × PLAATSNAAM × qualification × TYPE MBO × level × sex × school year).
-- Reads the reader's relations: raw_records (the file as text, one row per record with its source_line; the fixed
-- columns, then MAN<Y>, VROUW<Y>, TOTAAL<Y> per year Y, checked consecutive and in that order), raw_education (the
-- stripped KWALIFICATIE CODE, KWALIFICATIE NAAM, TYPE MBO, DOMEIN and SECTORUNIT SBB → education_id) and raw_places
-- (stripped PLAATSNAAM × year → CBS code); variables years (the header's years, in order), source_id, source_file.
-- The reader's discovery query (lookups/duo_mbo_students_old.sql) finds the figures the same way.
-- Students are counted on 1 October Y (peildatum), school year Y/Y+1. An empty TOTAAL means not offered that year (no
-- rows); an empty MAN or VROUW beside it is 0. Nothing is suppressed. Values are stripped of spaces; numbers are cast
-- as they are (the reader's patterns allow digits with spaces around, which a cast ignores).
with educated as (  -- one row per record, values stripped, with its qualification
    select s.* exclude (name, domain, unit), e.education_id
    from (select source_line, pystrip("BRIN NUMMER") as brin, pystrip(INSTELLINGSNAAM) as institution_name,
                 pystrip(PLAATSNAAM) as place_name, pystrip("KWALIFICATIE CODE") as crebo,
                 pystrip("KWALIFICATIE NAAM") as name, pystrip("TYPE MBO") as type_mbo, pystrip(DOMEIN) as domain,
                 pystrip("SECTORUNIT SBB") as unit, KWALIFICATIENIVEAU::integer as niveau,
                 [*columns('^MAN[0-9]{4}$')] as men, [*columns('^VROUW[0-9]{4}$')] as women,
                 [*columns('^TOTAAL[0-9]{4}$')] as totals
          from raw_records) s
    left join raw_education e on e.crebo = s.crebo and e.name = s.name and e.type_mbo = s.type_mbo
         and e.domain = s.domain and e.unit = s.unit
), years as (  -- one row per record × year
    select * exclude (men, women, totals), unnest(getvariable('years')) as year, unnest(men) as men,
           unnest(women) as women, unnest(totals) as total
    from educated
), long as (  -- the years offered, split by sex
    select * exclude (men, women, total), unnest(['man', 'vrouw']) as sex,
           unnest([coalesce(try_cast(men as bigint), 0), coalesce(try_cast(women as bigint), 0)]) as students
    from years
    where try_cast(total as bigint) is not null
)
select l.year || '-' || (l.year + 1) as school_year, l.brin, l.institution_name, l.place_name,
       p.code as municipality_code, l.education_id, l.crebo, l.type_mbo,
       if(l.type_mbo = 'BBL', 'BBL', 'BOL') as leerweg, l.niveau, l.sex, l.students, l.students as students_low,
       l.students as students_high, false as students_suppressed, getvariable('source_id') as source_id,
       make_date(l.year, 10, 1) as peildatum, 'definitief' as status, getvariable('source_file') as source_file,
       l.source_line::integer as source_line
from long l
left join raw_places p on p.place = l.place_name and p.year = l.year
