-- Casework: incident codes and the consent record (from `safehold case code`), escalation
-- packages to rapporteurs (ciphertext only), and the day a case was closed (for retention).
-- Codes and consent are plain ids and booleans: never report content. Days only.
ALTER TABLE reports ADD COLUMN closed_day TEXT;          -- 'YYYY-MM-DD', set when closed

CREATE TABLE case_codes (
    case_id    TEXT    NOT NULL,                         -- a report's public id; a random
                                                         -- incident id once the case is purged
    field      TEXT    NOT NULL,                         -- taxonomy field, e.g. 'reprisal_type'
    code       TEXT    NOT NULL,                         -- taxonomy code
    restricted BOOLEAN NOT NULL,                         -- never published (gender, age band,
                                                         -- subnational location)
    PRIMARY KEY (case_id, field, code)
) WITHOUT ROWID;

-- The reporter's consent per purpose, as the caseworker read it from the decrypted report.
CREATE TABLE case_consent (
    case_id              TEXT    NOT NULL PRIMARY KEY,
    ohchr_reprisals_team BOOLEAN NOT NULL,
    named_mechanism      BOOLEAN NOT NULL,
    sg_report_named      BOOLEAN NOT NULL,
    sg_report_anonymous  BOOLEAN NOT NULL,
    statistics           BOOLEAN NOT NULL,
    coded_day            TEXT    NOT NULL,               -- 'YYYY-MM-DD'; the year only once purged
    coded_by             TEXT    NOT NULL                -- 'caseworker/<name>'; '' once purged
) WITHOUT ROWID;

-- Escalation packages: age files encrypted on the caseworker's machine to one rapporteur.
CREATE TABLE escalations (
    id               TEXT    NOT NULL PRIMARY KEY,       -- random public id
    case_id          TEXT    NOT NULL,
    rapporteur       TEXT    NOT NULL,                   -- name in keys/rapporteurs/
    purpose          TEXT    NOT NULL,                   -- the consent purpose that covered it
    escalated_by     TEXT    NOT NULL,                   -- 'caseworker/<name>'
    ciphertext       BLOB    NOT NULL,
    delivered_day    TEXT    NOT NULL,
    downloaded_day   TEXT,
    acknowledged_day TEXT
) WITHOUT ROWID;
CREATE INDEX escalations_rapporteur ON escalations (rapporteur);
CREATE INDEX escalations_case ON escalations (case_id);
