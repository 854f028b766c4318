-- Follow-up tokens of the receipt page without JavaScript that were used: each is good once.
-- Only a hash of the token and the day it was used; rows older than yesterday are deleted as
-- new ones come (a token lives an hour). A random key and WITHOUT ROWID: no arrival order.
CREATE TABLE spent_followup_tokens (
    token_hash BLOB NOT NULL PRIMARY KEY,
    day        TEXT NOT NULL                  -- 'YYYY-MM-DD', UTC
) WITHOUT ROWID;
