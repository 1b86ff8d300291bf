-- gig's store: the index (rebuildable from git, trackers and CI) and the ledger (decisions people
-- made, which nothing can rebuild). Ledger tables are append-only or carry their full history.

-- ── index ────────────────────────────────────────────────────────────────────────────────────
CREATE TABLE repositories (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  location    TEXT NOT NULL,           -- local path, mirror path, or owner/name
  kind        TEXT NOT NULL,           -- path | url | github
  synced_at   TEXT                      -- last successful sync of this repository (ISO UTC)
);

-- The tip gig last indexed for each environment branch; sha is NULL when the branch did not exist.
CREATE TABLE branch_tips (
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  environment   TEXT NOT NULL,
  branch        TEXT NOT NULL,
  ref           TEXT,                   -- the full ref the branch resolved to
  sha           TEXT,
  synced_at     TEXT NOT NULL,
  PRIMARY KEY (repository_id, environment)
);

CREATE TABLE commits (
  id              INTEGER PRIMARY KEY,
  repository_id   INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  sha             TEXT NOT NULL,
  parents         TEXT NOT NULL,        -- space-separated SHAs, first parent first
  generation      INTEGER NOT NULL,     -- 1 + the highest generation of its parents
  author_name     TEXT NOT NULL,
  author_email    TEXT NOT NULL,
  authored_at     TEXT NOT NULL,
  committer_name  TEXT NOT NULL,
  committer_email TEXT NOT NULL,
  committed_at    TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  patch_id        TEXT,                 -- git patch-id --stable; NULL for merges and empty changes
  additions       INTEGER NOT NULL DEFAULT 0,
  deletions       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (repository_id, sha)
);
CREATE INDEX commits_by_patch_id ON commits (repository_id, patch_id) WHERE patch_id IS NOT NULL;

CREATE TABLE commit_files (
  commit_id  INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  path       TEXT NOT NULL,
  additions  INTEGER,                   -- NULL for binary files
  deletions  INTEGER,
  PRIMARY KEY (commit_id, path)
) WITHOUT ROWID;

-- source: message (named in the commit's own message), merge (brought in by a merge naming it), pr
CREATE TABLE ticket_refs (
  ticket     TEXT NOT NULL,
  commit_id  INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  source     TEXT NOT NULL,
  PRIMARY KEY (ticket, commit_id, source)
) WITHOUT ROWID;
CREATE INDEX ticket_refs_by_commit ON ticket_refs (commit_id);

-- kind: cherry-pick ("(cherry picked from commit X)") | revert ("This reverts commit X.")
CREATE TABLE commit_links (
  commit_id   INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  target_sha  TEXT NOT NULL,
  PRIMARY KEY (commit_id, kind, target_sha)
) WITHOUT ROWID;
CREATE INDEX commit_links_by_target ON commit_links (target_sha);

-- Depends-On:, Manual-Step: and the other trailers gig reads, in message order.
CREATE TABLE commit_trailers (
  commit_id  INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (commit_id, position)
) WITHOUT ROWID;
CREATE INDEX commit_trailers_by_key ON commit_trailers (key);

CREATE TABLE branch_commits (
  repository_id INTEGER NOT NULL,
  environment   TEXT NOT NULL,
  commit_id     INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  PRIMARY KEY (repository_id, environment, commit_id)
) WITHOUT ROWID;
CREATE INDEX branch_commits_by_commit ON branch_commits (commit_id);

CREATE TABLE sync_runs (
  id           INTEGER PRIMARY KEY,
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  status       TEXT NOT NULL,           -- running | ok | failed
  summary      TEXT                      -- JSON
);

-- Tracker facts (Jira and others).
CREATE TABLE tickets (
  key           TEXT PRIMARY KEY,
  summary       TEXT,
  status        TEXT,
  type          TEXT,
  assignee      TEXT,
  fix_versions  TEXT NOT NULL DEFAULT '[]',   -- JSON array
  url           TEXT,
  source        TEXT NOT NULL,
  updated_at    TEXT,
  fetched_at    TEXT NOT NULL
);

CREATE TABLE ticket_links (
  ticket   TEXT NOT NULL,
  target   TEXT NOT NULL,
  kind     TEXT NOT NULL,               -- the tracker's link name, e.g. "is blocked by"
  source   TEXT NOT NULL,
  PRIMARY KEY (ticket, target, kind)
) WITHOUT ROWID;

CREATE TABLE pull_requests (
  repository_id     INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  number            INTEGER NOT NULL,
  title             TEXT NOT NULL,
  head_ref          TEXT,
  base_ref          TEXT,
  merge_commit_sha  TEXT,
  merged_at         TEXT,
  commit_shas       TEXT NOT NULL DEFAULT '[]',  -- JSON array
  PRIMARY KEY (repository_id, number)
);

CREATE TABLE source_state (
  source       TEXT PRIMARY KEY,        -- e.g. jira, github:owner/name
  cursor       TEXT,                    -- incremental position (updated-since, ETag, …)
  ok_at        TEXT,
  failed_at    TEXT,
  last_error   TEXT
);

-- ── ledger ───────────────────────────────────────────────────────────────────────────────────
CREATE TABLE deployments (
  id           INTEGER PRIMARY KEY,
  repository   TEXT NOT NULL,
  environment  TEXT NOT NULL,
  sha          TEXT NOT NULL,
  deployed_at  TEXT NOT NULL,
  source       TEXT NOT NULL,           -- cli | hook | github | chat
  recorded_by  TEXT,
  recorded_at  TEXT NOT NULL
);
CREATE INDEX deployments_latest ON deployments (repository, environment, deployed_at);

CREATE TABLE rejections (
  id           INTEGER PRIMARY KEY,
  ticket       TEXT NOT NULL,
  stage        TEXT NOT NULL,
  rejected_at  TEXT NOT NULL,
  reason       TEXT,
  rejected_by  TEXT,
  source       TEXT NOT NULL,           -- cli | chat | release-flag | jira
  external_id  TEXT UNIQUE,             -- the tracker's changelog id, so re-syncs add nothing twice
  recorded_at  TEXT NOT NULL
);
CREATE INDEX rejections_by_ticket ON rejections (ticket, rejected_at);

CREATE TABLE manual_steps (
  id           INTEGER PRIMARY KEY,
  ticket       TEXT NOT NULL,
  source       TEXT NOT NULL,           -- rule | trailer | chat | tracker
  repository   TEXT,
  summary      TEXT NOT NULL,
  owner        TEXT,
  fingerprint  TEXT NOT NULL UNIQUE,    -- stable identity, so re-deriving a step keeps its state
  created_at   TEXT NOT NULL
);

-- Every change of a manual step's state, newest last; the current state is the latest row.
CREATE TABLE manual_step_events (
  id           INTEGER PRIMARY KEY,
  step_id      INTEGER NOT NULL REFERENCES manual_steps(id),
  status       TEXT NOT NULL,           -- open | done
  by           TEXT,
  at           TEXT NOT NULL
);

CREATE TABLE releases (
  id            TEXT PRIMARY KEY,
  source_env    TEXT NOT NULL,
  target_env    TEXT NOT NULL,
  tickets       TEXT NOT NULL,          -- JSON array
  manifest_hash TEXT NOT NULL,
  manifest      TEXT NOT NULL,          -- JSON of the manifest as saved
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE approvals (
  id             INTEGER PRIMARY KEY,
  release_id     TEXT NOT NULL REFERENCES releases(id),
  manifest_hash  TEXT NOT NULL,
  decision       TEXT NOT NULL,         -- approve | flag
  by             TEXT NOT NULL,
  at             TEXT NOT NULL,
  reason         TEXT,
  platform       TEXT NOT NULL,         -- slack | teams | cli
  idempotency_key TEXT UNIQUE
);

CREATE TABLE digest_runs (
  digest        TEXT NOT NULL,
  occurrence_at TEXT NOT NULL,
  status        TEXT NOT NULL,          -- claimed | sent | failed | skipped
  claimed_by    TEXT,
  claimed_at    TEXT,
  sent_at       TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  late          INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  PRIMARY KEY (digest, occurrence_at)
);

CREATE TABLE conversation_refs (
  platform         TEXT NOT NULL,       -- slack | teams
  conversation_id  TEXT NOT NULL,
  reference        TEXT NOT NULL,       -- JSON
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (platform, conversation_id)
);

-- Decisions are never edited or removed: the audit trail is the history.
CREATE TRIGGER approvals_append_only_update BEFORE UPDATE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER approvals_append_only_delete BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER rejections_append_only_update BEFORE UPDATE ON rejections
BEGIN SELECT RAISE(ABORT, 'rejections are append-only'); END;
CREATE TRIGGER rejections_append_only_delete BEFORE DELETE ON rejections
BEGIN SELECT RAISE(ABORT, 'rejections are append-only'); END;
CREATE TRIGGER manual_step_events_append_only_update BEFORE UPDATE ON manual_step_events
BEGIN SELECT RAISE(ABORT, 'manual step events are append-only'); END;
CREATE TRIGGER manual_step_events_append_only_delete BEFORE DELETE ON manual_step_events
BEGIN SELECT RAISE(ABORT, 'manual step events are append-only'); END;
