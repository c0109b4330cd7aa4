-- region_membership: one row per region × municipality inside it (a municipality contains itself).
-- region_membership (nl): één rij per regio × gemeente die erbinnen valt.
-- region_membership (titel): Gemeenten per regio
create table region_membership (
    region_code varchar,
    municipality_code varchar
);
