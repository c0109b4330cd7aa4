-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- subproject: one row per subproject of the programme (plan of action).
-- subproject (nl): één rij per deelproject van het programma (plan van aanpak).
-- subproject (titel): Deelprojecten
create table subproject (
    subproject_code varchar,
    name varchar,
    municipality_code varchar,  -- CBS code, e.g. GM0034
    technet_circle varchar,
    lead_organisation varchar,
    start_date date,
    end_date date,              -- with start_date the plan period: monthly reports must fall inside it
    upload_id varchar
);
