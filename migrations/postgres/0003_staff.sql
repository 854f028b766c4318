-- Staff login without passwords: a nonce encrypted to the person's age keys is traded for a
-- short-lived session token. Only hashes of nonces and tokens are stored. Times here are the
-- staff's own (expiry in unix seconds), never a reporter's.
CREATE TABLE staff_challenges (
    nonce_hash BYTEA   NOT NULL PRIMARY KEY,
    role       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    redeemable BOOLEAN NOT NULL,            -- false for the decoys given to unknown names
    expires_at BIGINT  NOT NULL
);

CREATE TABLE staff_sessions (
    token_hash BYTEA   NOT NULL PRIMARY KEY,
    role       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL
);

-- Every staff action, hash-chained: each entry's hash covers the previous entry's hash, so an
-- edited or deleted row breaks the chain. No content: actor, action, subject, minute.
CREATE TABLE audit_log (
    seq       BIGINT  NOT NULL PRIMARY KEY,
    at_minute TEXT    NOT NULL,             -- 'YYYY-MM-DDTHH:MM', UTC
    actor     TEXT    NOT NULL,             -- 'caseworker/amina'
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,             -- a case id, or '' for actions on no case
    prev_hash BYTEA   NOT NULL,
    hash      BYTEA   NOT NULL
);
