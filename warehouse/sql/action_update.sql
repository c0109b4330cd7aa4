-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- action_update: one row per subproject × action × month (monthly report).
-- action_update (nl): één rij per deelproject × actie × maand (maandrapportage).
-- action_update (titel): Acties in de maandrapportages
create table action_update (
    subproject_code varchar,
    action_code varchar,
    month varchar,
    status varchar,             -- niet gestart | loopt | afgerond | vertraagd | gestopt
    achieved_date date,
    comment varchar,
    upload_id varchar
);
