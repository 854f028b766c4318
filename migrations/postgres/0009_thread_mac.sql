-- Replies and follow-ups carry the thread MAC their writer computed under the thread key
-- (see the receipt derivation document); the server stores it and cannot make one. Rows written
-- before this migration have none, and readers show them as unverified.
ALTER TABLE messages ADD COLUMN thread_mac BYTEA;

-- The reporter's recipient now travels only inside the encrypted report (`reply_to`): kept
-- here it let anyone holding a codephrase find that person's report in a copied database.
ALTER TABLE reports DROP COLUMN reporter_recipient;
