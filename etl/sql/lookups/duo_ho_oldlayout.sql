-- Lookup duo_ho_oldlayout: rows read by the reader (OldLayoutSource.stage in etl/sources/duo_ho_oldlayout.py) before
-- its staging SQL: the distinct programmes as written (CROHO ONDERDEEL × CROHO SUBONDERDEEL × OPLEIDINGSCODE ACTUEEL ×
-- SOORT DIPLOMA, null in a first-years file), with the first OPLEIDINGSNAAM ACTUEEL and the first line each is on,
-- in that order. SOORT DIPLOMA's first word is a graduate programme's level. Reads raw_records.
with records as (
    from raw_records
    union all by name
    select null::varchar as "SOORT DIPLOMA" where false
)
select "CROHO ONDERDEEL", "CROHO SUBONDERDEEL", "OPLEIDINGSCODE ACTUEEL", "SOORT DIPLOMA",
       arg_min("OPLEIDINGSNAAM ACTUEEL", source_line), min(source_line) as line
from records
group by all
order by line
