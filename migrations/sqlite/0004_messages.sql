-- A case's thread: caseworkers' replies (encrypted to the reporter and the route's
-- caseworkers) and the reporter's follow-ups (encrypted to the route's caseworkers).
-- Ciphertext only, and the day only.
CREATE TABLE messages (
    id         TEXT    NOT NULL PRIMARY KEY,
    case_id    TEXT    NOT NULL,
    seq        INTEGER NOT NULL,               -- order within the case, from 1
    author     TEXT    NOT NULL,               -- 'reporter' or 'caseworker/<name>'
    day        TEXT    NOT NULL,               -- 'YYYY-MM-DD', UTC
    ciphertext BLOB    NOT NULL,
    UNIQUE (case_id, seq)
);
