-- build_info: one row per build property (is_demo, demo_scale, demo_seed, raw_fingerprint, schema_version,
-- uploads_position: the upload store position the programme tables were replayed from).
-- build_info (nl): één rij per eigenschap van de build (demo of echt, schaal, seed, vingerafdruk).
-- build_info (titel): Over deze build
create table build_info (
    key varchar,
    value varchar
);
