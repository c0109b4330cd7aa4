-- The effect estimates of the plan's subprojects, stored by the build and by every commit (etl/effects.py), so
-- that the progress report reads them (warehouse/effects/stored.py).

-- effect_estimate: one row per outcome indicator × treated municipality × first school year × comparison size × estimator version.
-- effect_estimate (nl): één rij per uitkomstindicator × gemeente van een deelproject × eerste schooljaar × aantal vergelijkingsgemeenten × versie van de schatters.
-- effect_estimate (titel): Effectschattingen van de deelprojecten
create table effect_estimate (
    indicator_id varchar,       -- the outcome, e.g. vmbo_tech_share
    municipality_code varchar,  -- the subproject's municipality, treated from start_year on
    start_year integer,         -- first school year the subproject could work in (its start year, e.g. 2022)
    k integer,                  -- comparison municipalities asked for (warehouse.effects.subproject.DEFAULT_K)
    estimator_version varchar,  -- hash of the estimators' code and libraries (warehouse.effects.stored.version)
    answer varchar              -- JSON: {"result": the estimate as `python -m warehouse effect` prints it, "error": …}
                                -- or {"panel_error": the Dutch reason there is no panel}
);
