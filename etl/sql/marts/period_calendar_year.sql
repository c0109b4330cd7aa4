-- Mart period (calendar years): one row per calendar year of mismatch_supply or mismatch_demand that the period
-- table lacks, so the explorer's period filters can join on them.
select y as period_id, 'calendar_year' as period_type, y::integer as start_year,
       make_date(y::integer, 1, 1) as start_date,
       make_date(y::integer, 12, 31) as end_date
from (select calendar_year as y from mismatch_supply union select calendar_year from mismatch_demand)
where y not in (select period_id from period)
order by y
