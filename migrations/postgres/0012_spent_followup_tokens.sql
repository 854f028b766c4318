-- Follow-up tokens of the receipt page without JavaScript that were used: each is good once.
-- Only a hash of the token and the day it was used; rows older than yesterday are deleted as
-- new ones come (a token lives an hour).
CREATE TABLE spent_followup_tokens (
    token_hash BYTEA NOT NULL PRIMARY KEY,
    day        TEXT  NOT NULL                 -- 'YYYY-MM-DD', UTC
);
