-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- milestone_update: one row per subproject × milestone × month (monthly report).
-- milestone_update (nl): één rij per deelproject × mijlpaal × maand (maandrapportage).
-- milestone_update (titel): Mijlpalen in de maandrapportages
create table milestone_update (
    subproject_code varchar,
    milestone_code varchar,
    month varchar,
    status varchar,             -- open | behaald | te laat | vervallen
    achieved_date date,
    comment varchar,
    upload_id varchar
);
