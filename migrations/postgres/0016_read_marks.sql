-- How far each caseworker has read each case's thread, as a position (`case list` marks
-- cases with reporter messages after it). Positions only: no time, and keyed by case and
-- reader, not by when a mark was made.
CREATE TABLE read_marks (
    case_id TEXT   NOT NULL,
    reader  TEXT   NOT NULL,                          -- 'caseworker/<name>'
    seq     BIGINT NOT NULL,                          -- the last position this reader has seen
    PRIMARY KEY (case_id, reader)
);
