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

-- kpi: one row per KPI definition (shared by all subprojects).
-- kpi (nl): één rij per KPI-definitie (geldt voor alle deelprojecten).
-- kpi (titel): KPI's
create table kpi (
    kpi_code varchar,
    name varchar,
    unit varchar,
    kind varchar,               -- output | outcome
    accumulation varchar,       -- cumulatief (value = total up to the month) | incrementeel (value of the month)
    direction varchar,          -- hoger is beter | lager is beter
    baseline_value double,
    baseline_period varchar,    -- 'YYYY', 'YYYY-Qn' or 'YYYY-MM'
    indicator_id varchar,       -- optional id in warehouse/catalog.py, e.g. vmbo_tech_share
    upload_id varchar
);

-- kpi_target: one row per subproject × KPI × target period.
-- kpi_target (nl): één rij per deelproject × KPI × doelperiode.
-- kpi_target (titel): KPI-doelen per deelproject
create table kpi_target (
    subproject_code varchar,
    kpi_code varchar,
    target_period varchar,      -- 'YYYY', 'YYYY-Qn' or 'YYYY-MM'
    target_value double,
    upload_id varchar
);

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
