-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- kpi: one row per KPI definition (shared by all subprojects).
-- kpi (nl): één rij per KPI-definitie (geldt voor alle deelprojecten).
-- kpi (titel): KPI's
create table kpi (
    kpi_code varchar,
    name varchar,
    unit varchar,
    kind varchar,               -- output | outcome
    accumulation varchar,       -- cumulatief (value = total up to the month) | incrementeel (value of the month)
    direction varchar,          -- hoger is beter | lager is beter
    baseline_value double,
    baseline_period varchar,    -- 'YYYY', 'YYYY-Qn' or 'YYYY-MM'
    indicator_id varchar,       -- optional id in warehouse/catalog.py, e.g. vmbo_tech_share
    upload_id varchar
);
