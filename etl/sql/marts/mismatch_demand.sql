-- Mart mismatch_demand: one row per domain × municipality × calendar year × source (UWV Open Match).
-- Weekly snapshots are stocks, never summed over weeks: per month the stock on its last snapshot, then the mean over
-- the months of the year that have data at all (so a year with three months of data is the mean of those three).
-- Occupations listed as in no domain (occupation_domain.domain_id null) are left out.
with last_snapshot as (
    select month, max(snapshot_date) as snapshot_date from fact_uwv_match group by month
), months as (
    select left(month, 4) as year, count(*) as months, min(month) as first_month, max(month) as last_month
    from last_snapshot group by all
)
select o.domain_id, f.municipality_code, y.year as calendar_year, sum(f.vacancies) / y.months as vacancies,
       sum(f.job_seekers) / y.months as job_seekers, y.months, y.first_month, y.last_month,
       bool_or(f.status = 'voorlopig') as provisional, f.source_id
from fact_uwv_match as f
join last_snapshot as s using (month, snapshot_date)
join occupation_domain as o using (occupation_code)
join months as y on y.year = left(f.month, 4)
where o.domain_id is not null
group by o.domain_id, f.municipality_code, y.year, y.months, y.first_month, y.last_month, f.source_id
order by o.domain_id, f.municipality_code, y.year, f.source_id
