-- Mart mismatch_supply: one row per domain (or none) × institution municipality × level × diploma year × source.
-- Graduates of the technical programmes (education_domain: null domain = listed as in no domain), from the loaded
-- fact tables. mbo: levels 2-4 (entree, level 1, leads to no technical occupation); hbo: every diploma (Ad,
-- bachelor, master); wo: masters only, as most wo bachelors go on to a master and would otherwise be counted twice.
-- A suppressed cell ('<5') counts as 1 in the low sum, 2.5 (the middle of 1..4) in the estimate, 4 in the high sum.
with graduates as (
    select d.domain_id, f.municipality_code, 'mbo ' || f.niveau as level, right(f.school_year, 4) as calendar_year,
           f.graduates, f.graduates_low, f.graduates_high, f.graduates_suppressed, f.status, f.source_id
    from fact_mbo_graduate as f
    join education_domain as d using (education_id)
    where f.niveau between 2 and 4
    union all
    select d.domain_id, f.municipality_code, f.level, right(f.academic_year, 4) as calendar_year,
           f.graduates, f.graduates_low, f.graduates_high, f.graduates_suppressed, f.status, f.source_id
    from fact_ho_graduate as f
    join education_domain as d using (education_id)
    where f.level = 'hbo' or f.diploma_type = 'wo master'
)
select domain_id, municipality_code, level, calendar_year, sum(graduates_low) as graduates_low,
       sum(coalesce(graduates, 2.5)) as graduates, sum(graduates_high) as graduates_high,
       count(*) filter (where graduates_suppressed) as suppressed_cells, bool_or(status = 'voorlopig') as provisional,
       source_id
from graduates
group by domain_id, municipality_code, level, calendar_year, source_id
order by domain_id, municipality_code, level, calendar_year, source_id
