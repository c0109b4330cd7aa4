-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- report_narrative: one row per subproject × month (monthly report: highlights and risks).
-- report_narrative (nl): één rij per deelproject × maand (maandrapportage: hoogtepunten en risico's).
-- report_narrative (titel): Toelichting in de maandrapportages
create table report_narrative (
    subproject_code varchar,
    month varchar,
    highlights varchar,
    risks varchar,
    upload_id varchar
);
