-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- kpi_value: one row per subproject × KPI × month (monthly report).
-- kpi_value (nl): één rij per deelproject × KPI × maand (maandrapportage).
-- kpi_value (titel): Gemelde KPI-waarden per maand
create table kpi_value (
    subproject_code varchar,
    kpi_code varchar,
    month varchar,              -- 'YYYY-MM'
    value double,
    comment varchar,
    upload_id varchar
);
