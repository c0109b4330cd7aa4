-- raw_file: one row per raw file that went into this build.
-- raw_file (nl): één rij per ruw bestand dat in deze build is ingelezen.
-- raw_file (titel): Ingelezen bestanden
create table raw_file (
    path varchar,               -- relative to the raw folder, forward slashes
    source_id varchar,
    sha256 varchar,
    origin_url varchar,
    retrieved_at varchar,       -- ISO 8601 from the manifest; null for a file without manifest
    is_demo boolean,
    data_rows integer,
    note varchar                -- Dutch, e.g. which periods a newer edition of the file took over; null = none
);
