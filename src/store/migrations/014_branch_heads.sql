-- Where the replicas' syncs last saw each environment branch (Ledger.recordHeads), so a replica
-- whose own index is older can say it is behind (engine/freshness.ts). One process alone records
-- the heads it holds, and is never behind itself. Coordination, not a decision: not exported.
CREATE TABLE branch_heads (
  repository  TEXT NOT NULL,
  environment TEXT NOT NULL,
  sha         TEXT,                       -- NULL: the branch does not exist
  seen_at     TEXT NOT NULL,
  seen_by     TEXT NOT NULL,              -- host:pid of the replica whose sync saw it
  PRIMARY KEY (repository, environment)
);
