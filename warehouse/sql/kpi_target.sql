-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- kpi_target: one row per subproject × KPI × target period.
-- kpi_target (nl): één rij per deelproject × KPI × doelperiode.
-- kpi_target (titel): KPI-doelen per deelproject
create table kpi_target (
    subproject_code varchar,
    kpi_code varchar,
    target_period varchar,      -- 'YYYY', 'YYYY-Qn' or 'YYYY-MM'
    target_value double,
    upload_id varchar
);
