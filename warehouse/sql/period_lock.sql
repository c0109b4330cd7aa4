-- The programme's plan of action and monthly reports, uploaded as Excel workbooks (etl/workbooks/).
-- Filled from uploads, not from raw files; upload_id names the upload a row came from (lineage).

-- period_lock: one row per quarter locked now (python -m etl lock); uploads, corrections, withdrawals and reviews
-- of its months are refused until it is unlocked.
-- period_lock (nl): één rij per kwartaal dat nu vergrendeld is.
-- period_lock (titel): Vergrendelde kwartalen
create table period_lock (
    period varchar,              -- 'YYYY-Qn'
    first_month varchar,         -- 'YYYY-MM'
    last_month varchar,          -- 'YYYY-MM'
    locked_by varchar,
    locked_at varchar,           -- ISO 8601, UTC
    reason varchar
);
