-- period: one row per period that any fact uses; school years and calendar years are different periods.
-- period (nl): één rij per periode die een feit gebruikt; schooljaren en kalenderjaren zijn verschillende perioden.
-- period (titel): Perioden
create table period (
    period_id varchar,          -- 2023-2024 | 2023 | 2023-Q4 | 2023-11
    period_type varchar,        -- school_year | calendar_year | quarter | month
    start_year integer,         -- the year the period starts in (a school year 2023-2024: 2023)
    start_date date,
    end_date date
);
