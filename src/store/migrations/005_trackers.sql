-- Where a hand-added manual step came from: chat (or the CLI), or a tracker field.
ALTER TABLE manual_steps ADD COLUMN source TEXT NOT NULL DEFAULT 'chat';

-- Conditional requests: the ETag and body of each GitHub resource gig read, so an unchanged
-- repository is answered with 304 Not Modified and costs no rate limit, across restarts too.
CREATE TABLE http_cache (
  url         TEXT PRIMARY KEY,
  etag        TEXT NOT NULL,
  body        TEXT NOT NULL,
  fetched_at  TEXT NOT NULL
);
