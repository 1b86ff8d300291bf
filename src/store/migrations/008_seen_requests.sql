-- Signed chat requests gig has already acted on (Slack signatures and request bodies, Teams
-- activity ids), so a replay or a platform retry inside the signature window does nothing twice,
-- also after a restart. Rows older than twice the window are pruned as new ones arrive.
CREATE TABLE seen_requests (
  key      TEXT PRIMARY KEY,
  seen_at  INTEGER NOT NULL   -- milliseconds since the epoch
) WITHOUT ROWID;

CREATE INDEX seen_requests_by_age ON seen_requests (seen_at);
