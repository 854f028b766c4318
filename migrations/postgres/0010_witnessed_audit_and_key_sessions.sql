-- The witnessed audit log: each entry commits to its fields through a salted content hash,
-- and its hash covers the previous hash, its sequence number and that content hash, so staff
-- clients can check that the chain extends the head they saw from content hashes alone.
-- Entries written before this migration keep their first format (empty salt and content
-- hash); `safehold admin audit verify` still checks them.
ALTER TABLE audit_log ADD COLUMN salt BYTEA NOT NULL DEFAULT ''::bytea;
ALTER TABLE audit_log ADD COLUMN content_hash BYTEA NOT NULL DEFAULT ''::bytea;

-- Staff sessions are bound to the key that answered the challenge: each challenge nonce is
-- encrypted to one recipient, and key_id is the SHA-256 of that recipient. A session whose
-- key left the keyring is refused. Sessions and challenges from before carry no key, so
-- everyone logs in once more.
DROP TABLE staff_challenges;
CREATE TABLE staff_challenges (
    nonce_hash BYTEA   NOT NULL PRIMARY KEY,
    role       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    key_id     BYTEA   NOT NULL,            -- SHA-256 of the recipient the nonce went to
    redeemable BOOLEAN NOT NULL,            -- false for the decoys given to unknown names
    expires_at BIGINT  NOT NULL
);

DROP TABLE staff_sessions;
CREATE TABLE staff_sessions (
    token_hash BYTEA   NOT NULL PRIMARY KEY,
    role       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    key_id     BYTEA   NOT NULL,
    expires_at BIGINT  NOT NULL
);
