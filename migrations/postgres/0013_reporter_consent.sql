-- The reporter's consent, owned by the reporter (invariant 8): recorded at intake from the
-- reporter's own answers, changed only by the reporter (receipt page), narrowed but never
-- widened by a caseworker. Escalations and statistics read the current record here.
-- Booleans and one coarse routing answer: never report content. Days only.
CREATE TABLE consent (
    case_id              TEXT    NOT NULL PRIMARY KEY,  -- a report's public id; a random
                                                        -- incident id once the case is purged
    ohchr_reprisals_team BOOLEAN NOT NULL,
    named_mechanism      BOOLEAN NOT NULL,
    sg_report_named      BOOLEAN NOT NULL,
    sg_report_anonymous  BOOLEAN NOT NULL,
    statistics           BOOLEAN NOT NULL,
    mechanism            TEXT                            -- the reporter's answer to "which UN
                                                        -- mechanism" (questions.rs); NULL: none
);

-- Every change after intake: the record as it became, the day, and who changed it
-- ('reporter', or 'caseworker' for a narrowing). A random key: no order
-- within a day.
CREATE TABLE consent_changes (
    id                   TEXT    NOT NULL PRIMARY KEY,  -- random
    case_id              TEXT    NOT NULL,
    day                  TEXT    NOT NULL,              -- 'YYYY-MM-DD', UTC
    changed_by           TEXT    NOT NULL,              -- 'reporter' or 'caseworker'
    ohchr_reprisals_team BOOLEAN NOT NULL,
    named_mechanism      BOOLEAN NOT NULL,
    sg_report_named      BOOLEAN NOT NULL,
    sg_report_anonymous  BOOLEAN NOT NULL,
    statistics           BOOLEAN NOT NULL
);
CREATE INDEX consent_changes_case ON consent_changes (case_id);

-- Cases coded before this migration: the record caseworkers copied from the decrypted report
-- is the best one there is. The mechanism was never recorded, so escalations under
-- `named_mechanism` stay refused for these cases (fails closed; see SECURITY.md).
INSERT INTO consent (case_id, ohchr_reprisals_team, named_mechanism, sg_report_named,
                     sg_report_anonymous, statistics, mechanism)
SELECT case_id, ohchr_reprisals_team, named_mechanism, sg_report_named, sg_report_anonymous,
       statistics, NULL FROM case_consent;

-- Reports never coded had no record at all: none until the reporter gives one.
INSERT INTO consent (case_id, ohchr_reprisals_team, named_mechanism, sg_report_named,
                     sg_report_anonymous, statistics, mechanism)
SELECT public_id, FALSE, FALSE, FALSE, FALSE, FALSE, NULL FROM reports
WHERE public_id NOT IN (SELECT case_id FROM consent);

-- The coding keeps only who coded it and when: coding carries no consent.
ALTER TABLE case_consent RENAME TO case_coding;
ALTER TABLE case_coding DROP COLUMN ohchr_reprisals_team;
ALTER TABLE case_coding DROP COLUMN named_mechanism;
ALTER TABLE case_coding DROP COLUMN sg_report_named;
ALTER TABLE case_coding DROP COLUMN sg_report_anonymous;
ALTER TABLE case_coding DROP COLUMN statistics;
