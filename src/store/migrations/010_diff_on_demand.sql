-- Patch-ids and line counts only where they decide something (issue #12): for commits some
-- environment lacks. `diffed` says whether a commit's patch was read; what earlier syncs stored
-- was read for every commit, so it counts as read.
ALTER TABLE commits ADD COLUMN diffed INTEGER NOT NULL DEFAULT 0;
UPDATE commits SET diffed = 1;
