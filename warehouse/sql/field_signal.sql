-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- field_signal: one row per monthly report × row of its sheet Signalen (a signal from the field).
-- field_signal (nl): één rij per maandrapportage × rij van het blad Signalen (een signaal uit het veld).
-- field_signal (titel): Signalen uit het veld in de maandrapportages
create table field_signal (
    subproject_code varchar,    -- the subproject whose monthly report carried the signal
    month varchar,              -- the report's month, 'YYYY-MM'
    sheet_row integer,          -- the Excel row of the signal on the sheet Signalen (with the report: the grain)
    signal_date date,           -- when the signal came in
    technet_circle varchar,     -- as given; null: the subproject's circle (subproject.technet_circle)
    municipality_code varchar,  -- a Flevoland municipality, CBS code
    domain_id varchar,          -- technical_domain.domain_id
    kind varchar,               -- one of layout.SIGNAL_KINDS: tekort aan vaardigheid | tekort aan stageplaatsen | ...
    description varchar,        -- at most 500 characters
    action_code varchar,        -- optional: an action of the same subproject in the plan of action
    upload_id varchar
);
