-- Jira quirks (issue #11): a key commits name but Jira does not have (a typo, a deleted ticket) is
-- remembered, so it is not asked for on every sync; a fix version is read whole the first time it
-- is asked for, and incrementally afterwards.
CREATE TABLE tracker_unknown_keys (
  key         TEXT PRIMARY KEY,
  source      TEXT NOT NULL,
  checked_at  TEXT NOT NULL              -- when the tracker last said it does not have it
);

CREATE TABLE tracker_fix_versions (
  source      TEXT NOT NULL,
  version     TEXT NOT NULL,
  read_at     TEXT NOT NULL,             -- the first complete read of its tickets
  PRIMARY KEY (source, version)
);
