-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- milestone: one row per subproject × milestone (plan of action).
-- milestone (nl): één rij per deelproject × mijlpaal (plan van aanpak).
-- milestone (titel): Mijlpalen van de deelprojecten
create table milestone (
    subproject_code varchar,
    milestone_code varchar,
    description varchar,
    due_date date,
    achieved_date date,
    status varchar,             -- open | behaald | te laat | vervallen
    upload_id varchar
);
