-- Nothing at rest tells when, or in which order, things arrived (issue 10, "nothing tells
-- when"):
--
-- - `outbox` and `alert_dead_letters` had BIGSERIAL ids (arrival order) and retry times in
--   unix seconds. Their ids are now random; retry timing lives in the worker's memory, only
--   the attempt count is stored.
-- - `daily_counts` is new: requests and alert outcomes per UTC day, written once a day.
--
-- PostgreSQL heap tables have no rowid, but their physical order (ctid) and each row's xmin
-- follow arrival until `safehold serve` rewrites them (see SECURITY.md, "PostgreSQL").

ALTER TABLE outbox ALTER COLUMN id DROP DEFAULT;
ALTER TABLE outbox ALTER COLUMN id TYPE TEXT USING replace(gen_random_uuid()::text, '-', '');
DROP SEQUENCE IF EXISTS outbox_id_seq;
ALTER TABLE outbox DROP COLUMN next_attempt;
ALTER TABLE outbox DROP COLUMN claimed_until;

ALTER TABLE alert_dead_letters ALTER COLUMN id DROP DEFAULT;
ALTER TABLE alert_dead_letters ALTER COLUMN id TYPE TEXT
    USING replace(gen_random_uuid()::text, '-', '');
DROP SEQUENCE IF EXISTS alert_dead_letters_id_seq;

-- What an operator can read about traffic and alert delivery: counts per UTC day, never
-- finer. Each server adds a day's counts once the day is over (or when it stops), so no row
-- changes during the day it counts.
CREATE TABLE daily_counts (
    day     TEXT    NOT NULL,                          -- 'YYYY-MM-DD', UTC
    class   TEXT    NOT NULL,                          -- 'request' or 'alert'
    name    TEXT    NOT NULL,                          -- method and route template; target
    outcome TEXT    NOT NULL,                          -- '201', 'delivered', 'retry:connect'
    count   BIGINT  NOT NULL,
    PRIMARY KEY (day, class, name, outcome)
);
