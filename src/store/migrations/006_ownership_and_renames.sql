-- Reading real history right (issue #10): ticket references now record where in the message they
-- stand (subject, trailer, body, merge, pr), so ownership can exclude mere mentions; companions
-- follow from ownership when answering instead of being stored; a renamed file keeps the path it
-- came from. The index is rebuildable, so it is cleared here and the next `gig sync` reads
-- everything again; the ledger is untouched.
DELETE FROM branch_commits;
DELETE FROM branch_files;
DELETE FROM branch_tips;
DELETE FROM commits;
DELETE FROM ticket_dependencies WHERE source = 'git';
UPDATE repositories SET synced_at = NULL;

ALTER TABLE commit_files ADD COLUMN renamed_from TEXT;   -- the old path, when the commit renamed the file
