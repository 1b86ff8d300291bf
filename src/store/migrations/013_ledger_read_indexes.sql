-- A ticket's last approval is read for every status and release (Ledger.records): the approvals of
-- the releases that name it, found by release rather than by reading every approval.
CREATE INDEX approvals_by_release ON approvals (release_id, at);
