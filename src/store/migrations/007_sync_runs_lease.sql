-- One sync at a time per database (issue #11): a sync holds a lease on a sync_runs row while it
-- runs and renews it as it goes; a lease whose holder died (its process is gone, or it stopped
-- renewing) can be taken over. Interrupted syncs are cleaned up by the next one, which is only
-- safe while nobody else is writing the index.
ALTER TABLE sync_runs ADD COLUMN owner TEXT;          -- host:pid of the process running it
ALTER TABLE sync_runs ADD COLUMN heartbeat_at TEXT;   -- last renewal of the lease (ISO UTC)
CREATE INDEX sync_runs_running ON sync_runs (status) WHERE status = 'running';
