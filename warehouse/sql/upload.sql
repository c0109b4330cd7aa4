-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- upload: one row per kept workbook (plan of action or monthly report), with its status in this build.
-- upload (nl): één rij per bewaard werkboek (plan van aanpak of maandrapportage), met de status in deze build.
-- upload (titel): Geüploade werkboeken
create table upload (
    upload_id varchar,
    kind varchar,                -- plan | monthly
    file_name varchar,
    sha256 varchar,
    uploaded_by varchar,
    uploaded_at varchar,         -- ISO 8601, UTC
    subproject_code varchar,     -- monthly reports only
    month varchar,               -- monthly reports only, 'YYYY-MM'
    status varchar,              -- active | superseded | withdrawn | rejected (no longer valid against the plan)
    data_rows integer,
    is_demo boolean,             -- written by the demo generator (python -m etl demo), not by a person
    review varchar,              -- monthly reports: ingediend | goedgekeurd | teruggestuurd (latest review)
    reviewed_by varchar,         -- who gave the latest review (null while ingediend)
    reviewed_at varchar,         -- ISO 8601, UTC
    review_comment varchar       -- the reviewer's comment; the reason when teruggestuurd
);
