-- Watches (issue #15): who follows a ticket or a release and where gig tells them what changed,
-- and each thing gig told a watch, in order. Ledger tables: people made them; nothing recreates them.
CREATE TABLE watches (
  id           INTEGER PRIMARY KEY,
  platform     TEXT NOT NULL,            -- slack | teams
  subject_kind TEXT NOT NULL,            -- ticket | release
  subject      TEXT NOT NULL,
  destination  TEXT NOT NULL,            -- Slack: a channel id, or a user id for a DM; Teams: a conversation id
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  removed_at   TEXT,
  removed_by   TEXT
);
CREATE UNIQUE INDEX watches_active ON watches (platform, subject_kind, subject, destination) WHERE removed_at IS NULL;

-- One row per state a watch was told about, numbered. The row is claimed (inserted) before the post
-- and marked posted after: the unique (watch, seq) makes two processes announce one change once.
CREATE TABLE watch_announcements (
  watch_id     INTEGER NOT NULL REFERENCES watches(id),
  seq          INTEGER NOT NULL,
  state        TEXT NOT NULL,            -- the state as JSON, to tell the next change from
  claimed_at   TEXT NOT NULL,
  posted_at    TEXT,
  PRIMARY KEY (watch_id, seq)
);
