-- Where the replicas' syncs last saw each environment branch (Ledger.recordHeads), so a replica
-- whose own index is older can say it is behind (engine/freshness.ts). Not exported: coordination.
CREATE TABLE branch_heads (
  repository  TEXT NOT NULL,
  environment TEXT NOT NULL,
  sha         TEXT,
  seen_at     TEXT NOT NULL,
  seen_by     TEXT NOT NULL,
  PRIMARY KEY (repository, environment)
);
