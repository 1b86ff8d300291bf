-- Which destinations (slack:<channel>, teams:<conversation>) an occurrence reached, so a retry
-- after a partial failure sends only to the rest.
ALTER TABLE digest_runs ADD COLUMN delivered TEXT NOT NULL DEFAULT '[]';
