-- Lookup uwv_open_match: rows read by the reader (etl/sources/uwv_open_match.py) before its staging SQL, in one scan
-- of raw_records, on the values as written (the staging SQL joins on them unstripped): first every distinct PEILDATUM
-- (text; year and name null), then every GEMEENTE per year (the year read from the date's text, which the reader's
-- pattern fixed: 'jjjj-mm-dd' or 'd-m-jjjj'), each with the first line it is on.
with pairs as (
    select PEILDATUM as text, GEMEENTE as name, min(source_line) as line from raw_records group by all
)
select text, null::integer as year, null::varchar as name, min(line) as line from pairs group by text
union all
select null, if(pystrip(text)[-5] = '-', pystrip(text)[-4:], pystrip(text)[:4])::integer as year, name,
       min(line)
from pairs group by all
order by name is not null, line, year
