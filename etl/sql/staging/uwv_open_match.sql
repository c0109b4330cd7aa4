-- Staging uwv_open_match: one row per snapshot date × municipality × occupation of one UWV Open Match Data file.
-- Reads the reader's relations: raw_records (the file as text, one row per record with its source_line; a record is
-- one snapshot × record type × postcode area × occupation) and raw_places (GEMEENTE as written × year → CBS code);
-- variables dates (the file's PEILDATUM values as written, each a real day 'jjjj-mm-dd' or 'd-m-jjjj' with at most
-- spaces around it), technical_classes (the BRC beroepsklassen that count as technical), source_id, source_file.
-- Postcode areas are summed per municipality, the record types side by side (VACATURE: vacancies; WERKZOEKENDE:
-- job_seekers and its split by education level). Counts have a decimal comma and at most 9 decimals: summed as
-- decimal(24, 9), exact whatever the order. occupation_name is the first one in the file, source_line the first
-- line summed. peildatum is the snapshot date; UWV publishes no provisional figures.
-- Spaces around a value are stripped where it is kept or grouped on; the joins match the values as written, and a
-- count's cast to decimal ignores them (the reader's patterns allow no other whitespace).
with dates as (
    select text, (case when pystrip(text)[-5] = '-' then strptime(pystrip(text), '%d-%m-%Y')
                       else strptime(pystrip(text), '%Y-%m-%d') end)::date as snapshot_date
    from (select unnest(getvariable('dates')) as text)
), records as (
    select r.source_line, d.snapshot_date, p.code as municipality_code, pystrip(r.BEROEP_CODE) as occupation_code,
           r.BEROEP as occupation_name, upper(pystrip(r.REC_TYPE)) = 'VACATURE' as vacancy,
           replace(r.AANTAL, ',', '.')::decimal(24, 9) as number, r.AANT_OPLNIV_1, r.AANT_OPLNIV_2, r.AANT_OPLNIV_3,
           r.AANT_OPLNIV_4, r.AANT_OPLNIV_5, r.AANT_OPLNIV_6
    from raw_records r
    join dates d on d.text = r.PEILDATUM
    join raw_places p on p.name = r.GEMEENTE and p.year = year(d.snapshot_date)
), summed as (  -- education levels are cast for job-seekers only (case, not filter: a vacancy's are never read)
    select snapshot_date, municipality_code, occupation_code,
           pystrip(arg_min(occupation_name, source_line)) as occupation_name,
           coalesce(sum(number) filter (where vacancy), 0)::double as vacancies,
           coalesce(sum(number) filter (where not vacancy), 0)::double as job_seekers,
           coalesce(sum(case when not vacancy then replace(AANT_OPLNIV_1, ',', '.')::decimal(24, 9) end), 0)::double
               as job_seekers_level_1,
           coalesce(sum(case when not vacancy then replace(AANT_OPLNIV_2, ',', '.')::decimal(24, 9) end), 0)::double
               as job_seekers_level_2,
           coalesce(sum(case when not vacancy then replace(AANT_OPLNIV_3, ',', '.')::decimal(24, 9) end), 0)::double
               as job_seekers_level_3,
           coalesce(sum(case when not vacancy then replace(AANT_OPLNIV_4, ',', '.')::decimal(24, 9) end), 0)::double
               as job_seekers_level_4,
           coalesce(sum(case when not vacancy then replace(AANT_OPLNIV_5, ',', '.')::decimal(24, 9) end), 0)::double
               as job_seekers_level_5,
           coalesce(sum(case when not vacancy then replace(AANT_OPLNIV_6, ',', '.')::decimal(24, 9) end), 0)::double
               as job_seekers_level_6,
           min(source_line)::integer as source_line
    from records
    group by snapshot_date, municipality_code, occupation_code
)
select strftime(snapshot_date, '%Y-%m') as month, snapshot_date, municipality_code, occupation_code, occupation_name,
       occupation_code[1:2] as occupation_class,
       list_contains(getvariable('technical_classes'), occupation_code[1:2]) as is_technical, vacancies, job_seekers,
       job_seekers_level_1, job_seekers_level_2, job_seekers_level_3, job_seekers_level_4, job_seekers_level_5,
       job_seekers_level_6, getvariable('source_id') as source_id, snapshot_date as peildatum, 'definitief' as status,
       getvariable('source_file') as source_file, source_line
from summed
