-- Which coded cases concern the same victim, so statistics count each victim once per table
-- (the privacy unit). `victim` is a random id; a purged case keeps its link under its new
-- incident id, and only if its statistics codes were kept.
CREATE TABLE victim_links (
    case_id TEXT NOT NULL PRIMARY KEY,
    victim  TEXT NOT NULL
);
