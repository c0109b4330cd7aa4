-- Lookup duo_vo_exams: one row with two lists, read by the reader (etl/sources/duo_vo_exams.py) before its staging
-- SQL: the programmes (ONDERWIJSTYPE VO × OPLEIDINGSNAAM) and the places (GEMEENTENAAM) as written, each with the
-- first line it is on, in that order. Reads raw_records.
select (select list({'kind': kind, 'label': label, 'line': line} order by line)
        from (select "ONDERWIJSTYPE VO" as kind, "OPLEIDINGSNAAM" as label, min(source_line)::integer as line
              from raw_records group by all)) as programmes,
       (select list({'name': name, 'line': line} order by line)
        from (select "GEMEENTENAAM" as name, min(source_line)::integer as line from raw_records group by all)) as places
