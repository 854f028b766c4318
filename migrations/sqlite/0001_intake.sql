-- Reports hold ciphertext and the few coarse facts the server needs. Nothing else about the
-- reporter is stored: no IP, no user agent, and the arrival date only to the day.
-- WITHOUT ROWID and a random primary key: the table keeps no arrival order either.
CREATE TABLE reports (
    public_id          TEXT    NOT NULL PRIMARY KEY,
    route              TEXT    NOT NULL,
    received_day       TEXT    NOT NULL,          -- 'YYYY-MM-DD', UTC
    status             TEXT    NOT NULL DEFAULT 'received',
    ciphertext         BLOB    NOT NULL,          -- age file, binary
    reporter_recipient TEXT    NOT NULL,          -- age1… derived from the codephrase
    receipt_hash       BLOB    NOT NULL UNIQUE    -- HMAC(pepper, lookup key)
) WITHOUT ROWID;

-- Alerts to deliver, written in the same transaction as the report they announce.
-- A delivered row is deleted, so no precise arrival time stays at rest.
CREATE TABLE outbox (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,                  -- 'new_report', …
    route      TEXT    NOT NULL,
    case_id    TEXT    NOT NULL,
    urgent     BOOLEAN NOT NULL DEFAULT FALSE,
    attempts   INTEGER NOT NULL DEFAULT 0
);
