-- Small values gig keeps for itself, e.g. the key that signs links to release packets.
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
