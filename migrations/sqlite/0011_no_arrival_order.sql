-- Nothing at rest tells when, or in which order, things arrived (issue 10, "nothing tells
-- when"). Every table that still kept an order or a time finer than a day is rebuilt:
--
-- - `outbox` and `alert_dead_letters` had AUTOINCREMENT ids (arrival order, and a count of
--   every alert ever in `sqlite_sequence`) and retry times in unix seconds. Their ids are now
--   random; retry timing lives in the worker's memory, only the attempt count is stored.
-- - `messages`, `victim_links` and `alert_digests` were rowid tables, whose hidden rowids
--   grow in arrival order. They are now WITHOUT ROWID, ordered by their random or natural key.
-- - `daily_counts` is new: requests and alert outcomes per UTC day, written once a day.
--
-- SQLite rebuilds a table by creating the new one, copying, dropping the old, renaming.

CREATE TABLE outbox_new (
    id         TEXT    NOT NULL PRIMARY KEY,          -- random, 128 bits, hex
    kind       TEXT    NOT NULL,
    route      TEXT    NOT NULL,
    case_id    TEXT    NOT NULL,
    urgent     BOOLEAN NOT NULL DEFAULT FALSE,
    attempts   INTEGER NOT NULL DEFAULT 0,            -- failed attempts: a count, never a time
    target     TEXT    NOT NULL DEFAULT '',
    idem       TEXT    NOT NULL DEFAULT '',
    last_error TEXT    NOT NULL DEFAULT ''            -- an error class, never a response body
) WITHOUT ROWID;
INSERT INTO outbox_new (id, kind, route, case_id, urgent, attempts, target, idem, last_error)
    SELECT lower(hex(randomblob(16))), kind, route, case_id, urgent, attempts, target, idem,
           last_error
    FROM outbox ORDER BY random();
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_target ON outbox (target);

CREATE TABLE alert_dead_letters_new (
    id          TEXT    NOT NULL PRIMARY KEY,         -- random, 128 bits, hex
    dead_day    TEXT    NOT NULL,                     -- 'YYYY-MM-DD', UTC
    kind        TEXT    NOT NULL,
    route       TEXT    NOT NULL,
    case_id     TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    urgent      BOOLEAN NOT NULL,
    attempts    INTEGER NOT NULL,
    error_class TEXT    NOT NULL,
    idem        TEXT    NOT NULL
) WITHOUT ROWID;
INSERT INTO alert_dead_letters_new
    SELECT lower(hex(randomblob(16))), dead_day, kind, route, case_id, target, urgent, attempts,
           error_class, idem
    FROM alert_dead_letters ORDER BY random();
DROP TABLE alert_dead_letters;
ALTER TABLE alert_dead_letters_new RENAME TO alert_dead_letters;

CREATE TABLE messages_new (
    id         TEXT    NOT NULL PRIMARY KEY,          -- random
    case_id    TEXT    NOT NULL,
    seq        INTEGER NOT NULL,                      -- order within the case, from 1
    author     TEXT    NOT NULL,
    day        TEXT    NOT NULL,                      -- 'YYYY-MM-DD', UTC
    ciphertext BLOB    NOT NULL,
    thread_mac BLOB,                                  -- the writer's thread MAC (0009)
    UNIQUE (case_id, seq)
) WITHOUT ROWID;
INSERT INTO messages_new SELECT id, case_id, seq, author, day, ciphertext, thread_mac FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

CREATE TABLE victim_links_new (
    case_id TEXT NOT NULL PRIMARY KEY,
    victim  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO victim_links_new SELECT case_id, victim FROM victim_links;
DROP TABLE victim_links;
ALTER TABLE victim_links_new RENAME TO victim_links;

CREATE TABLE alert_digests_new (
    target TEXT    NOT NULL PRIMARY KEY,
    period INTEGER NOT NULL                            -- a schedule period, not an arrival
) WITHOUT ROWID;
INSERT INTO alert_digests_new SELECT target, period FROM alert_digests;
DROP TABLE alert_digests;
ALTER TABLE alert_digests_new RENAME TO alert_digests;

-- What an operator can read about traffic and alert delivery: counts per UTC day, never
-- finer. Each server adds a day's counts once the day is over (or when it stops), so no row
-- changes during the day it counts.
CREATE TABLE daily_counts (
    day     TEXT    NOT NULL,                          -- 'YYYY-MM-DD', UTC
    class   TEXT    NOT NULL,                          -- 'request' or 'alert'
    name    TEXT    NOT NULL,                          -- method and route template; target
    outcome TEXT    NOT NULL,                          -- '201', 'delivered', 'retry:connect'
    count   INTEGER NOT NULL,
    PRIMARY KEY (day, class, name, outcome)
) WITHOUT ROWID;
