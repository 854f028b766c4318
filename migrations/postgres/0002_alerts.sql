-- Alert delivery: one outbox row per (event × alert target), retry bookkeeping, dead letters.
--
-- The retry bookkeeping lives on the transient outbox row only: `next_attempt` and
-- `claimed_until` are unix seconds, set after a failed attempt or a claim. A new row has both
-- at 0 (due at once), so no arrival time is written with a report. A delivered row is deleted.
ALTER TABLE outbox ADD COLUMN target        TEXT    NOT NULL DEFAULT '';  -- '' only for rows written before 0002
ALTER TABLE outbox ADD COLUMN idem          TEXT    NOT NULL DEFAULT '';  -- idempotency id, random
ALTER TABLE outbox ADD COLUMN next_attempt  BIGINT  NOT NULL DEFAULT 0;   -- unix seconds
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT  NOT NULL DEFAULT 0;   -- unix seconds; a crashed worker's claim expires
ALTER TABLE outbox ADD COLUMN last_error    TEXT    NOT NULL DEFAULT '';  -- an error class, never a response body
CREATE INDEX outbox_due ON outbox (next_attempt, claimed_until);
CREATE INDEX outbox_target ON outbox (target);

-- Alerts that failed `max_attempts` times. Only the day is kept, never a time; the error is a
-- class (`connect`, `http_5xx`, …), never what the receiver answered. `idem` is random and
-- kept so a retry from `safehold admin alerts retry` can be recognised as a duplicate.
CREATE TABLE alert_dead_letters (
    id          BIGSERIAL NOT NULL PRIMARY KEY,
    dead_day    TEXT    NOT NULL,                 -- 'YYYY-MM-DD', UTC
    kind        TEXT    NOT NULL,
    route       TEXT    NOT NULL,
    case_id     TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    urgent      BOOLEAN NOT NULL,
    attempts    INTEGER NOT NULL,
    error_class TEXT    NOT NULL,
    idem        TEXT    NOT NULL
);

-- The last digest period started per digest target (period = unix time / schedule length).
-- Advancing it with a conditional UPDATE is how one instance, and only one, queues a digest.
CREATE TABLE alert_digests (
    target TEXT    NOT NULL PRIMARY KEY,
    period BIGINT  NOT NULL
);
