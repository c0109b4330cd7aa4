-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- action: one row per subproject × action (plan of action).
-- action (nl): één rij per deelproject × actie (plan van aanpak).
-- action (titel): Acties van de deelprojecten
create table action (
    subproject_code varchar,
    action_code varchar,
    description varchar,
    owner varchar,
    planned_start date,
    planned_end date,
    status varchar,             -- niet gestart | loopt | afgerond | vertraagd | gestopt
    upload_id varchar
);
