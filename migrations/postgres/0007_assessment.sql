-- Whether a case was ever assessed credible (or referred). Statistics count a closed case only
-- if it was: a case closed straight from "received" never passed assessment.
ALTER TABLE reports ADD COLUMN assessed_credible BOOLEAN NOT NULL DEFAULT FALSE;
