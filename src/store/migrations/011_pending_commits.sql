-- A sync marks a repository before it stores commits and clears the mark when it publishes
-- (issue #12): the next sync drops what an interrupted one left only when the mark says there is
-- something to drop, instead of scanning every commit on every sync. Existing repositories start
-- marked, so the first sync after the upgrade checks once.
ALTER TABLE repositories ADD COLUMN pending INTEGER NOT NULL DEFAULT 1;
