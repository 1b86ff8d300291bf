-- The release engine needs more of git than the first index kept: each file's content id after a
-- commit and each environment branch's tree (to see a squashed or net-present change), and the
-- dependency edges commits declare. The index is rebuildable, so it is cleared here and the next
-- `gig sync` reads everything again; the ledger is untouched.
DELETE FROM branch_commits;
DELETE FROM branch_tips;
DELETE FROM commits;
UPDATE repositories SET synced_at = NULL;

ALTER TABLE commit_files ADD COLUMN blob TEXT;     -- the file's blob after the commit; NULL when deleted

CREATE TABLE branch_files (
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  environment   TEXT NOT NULL,
  path          TEXT NOT NULL,
  blob          TEXT NOT NULL,
  PRIMARY KEY (repository_id, environment, path)
) WITHOUT ROWID;

-- kind: declared (Depends-On: trailer) | companion (named in the same commit) | tracker (issue links)
CREATE TABLE ticket_dependencies (
  ticket      TEXT NOT NULL,
  depends_on  TEXT NOT NULL,
  kind        TEXT NOT NULL,
  commit_id   INTEGER REFERENCES commits(id) ON DELETE CASCADE,
  source      TEXT NOT NULL DEFAULT 'git'
);
CREATE INDEX ticket_dependencies_by_ticket ON ticket_dependencies (ticket);
CREATE INDEX ticket_dependencies_by_target ON ticket_dependencies (depends_on);
CREATE UNIQUE INDEX ticket_dependencies_unique ON ticket_dependencies (ticket, depends_on, kind, ifnull(commit_id, 0));

-- Manual steps get stable text ids: derived steps (path rules, trailers) are identified by what
-- they are about, so ticking one done survives every re-evaluation without storing the step.
DROP TRIGGER manual_step_events_append_only_update;
DROP TRIGGER manual_step_events_append_only_delete;
DROP TABLE manual_step_events;
DROP TABLE manual_steps;

CREATE TABLE manual_steps (               -- steps people added by hand (chat, CLI)
  id          TEXT PRIMARY KEY,
  ticket      TEXT NOT NULL,
  summary     TEXT NOT NULL,
  owner       TEXT,
  created_by  TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX manual_steps_by_ticket ON manual_steps (ticket);

CREATE TABLE manual_step_events (         -- every open/done change of any step, newest last
  id          INTEGER PRIMARY KEY,
  step_id     TEXT NOT NULL,
  ticket      TEXT NOT NULL,
  status      TEXT NOT NULL,              -- open | done
  by          TEXT,
  at          TEXT NOT NULL
);
CREATE INDEX manual_step_events_by_ticket ON manual_step_events (ticket, step_id, id);
CREATE TRIGGER manual_step_events_append_only_update BEFORE UPDATE ON manual_step_events
BEGIN SELECT RAISE(ABORT, 'manual step events are append-only'); END;
CREATE TRIGGER manual_step_events_append_only_delete BEFORE DELETE ON manual_step_events
BEGIN SELECT RAISE(ABORT, 'manual step events are append-only'); END;
