-- Statistics releases: one row per closed period, written once and never changed. A row is
-- also the privacy-budget ledger entry (the epsilon it spent, the day it was made). What is
-- stored is what is published (noisy or suppressed and rounded values): never exact counts.
-- Days only.
CREATE TABLE stats_releases (
    id             TEXT    NOT NULL PRIMARY KEY,        -- 'YYYY-MM-DD_YYYY-MM-DD'
    period_start   TEXT    NOT NULL,                    -- 'YYYY-MM-DD'
    period_end     TEXT    NOT NULL,                    -- 'YYYY-MM-DD'
    released_day   TEXT    NOT NULL,                    -- 'YYYY-MM-DD', UTC
    mechanism      TEXT    NOT NULL,                    -- 'discrete_laplace' | 'suppression_rounding'
    epsilon_millis BIGINT  NOT NULL,                    -- epsilon spent, in thousandths
    release_json   TEXT    NOT NULL,                    -- canonical JSON, served as is
    release_csv    TEXT    NOT NULL                     -- canonical CSV, served as is
);

-- Releases are never recomputed, corrected or deleted.
CREATE FUNCTION stats_releases_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'statistics releases are immutable';
END
$$;
CREATE TRIGGER stats_releases_no_change BEFORE UPDATE OR DELETE ON stats_releases
    FOR EACH ROW EXECUTE FUNCTION stats_releases_immutable();
