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
    epsilon_millis INTEGER NOT NULL,                    -- epsilon spent, in thousandths
    release_json   TEXT    NOT NULL,                    -- canonical JSON, served as is
    release_csv    TEXT    NOT NULL                     -- canonical CSV, served as is
) WITHOUT ROWID;

-- Releases are never recomputed, corrected or deleted.
CREATE TRIGGER stats_releases_no_update BEFORE UPDATE ON stats_releases
BEGIN
    SELECT RAISE(ABORT, 'statistics releases are immutable');
END;
CREATE TRIGGER stats_releases_no_delete BEFORE DELETE ON stats_releases
BEGIN
    SELECT RAISE(ABORT, 'statistics releases are immutable');
END;
