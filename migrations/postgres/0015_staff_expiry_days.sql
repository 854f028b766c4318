-- Staff challenges and sessions keep only the UTC day they expire (days since 1970-01-01);
-- the exact expiry travels inside the nonce or token, whose stored hash covers it. A login
-- stored to the second would date a staff action, and so the report it followed. Sessions
-- and challenges from before carry no expiry of their own: everyone logs in once more.
DELETE FROM staff_challenges;
DELETE FROM staff_sessions;
ALTER TABLE staff_challenges RENAME COLUMN expires_at TO expires_day;
ALTER TABLE staff_sessions RENAME COLUMN expires_at TO expires_day;
