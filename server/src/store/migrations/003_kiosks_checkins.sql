-- Kiosks are devices with a name, paired once with a code an organizer
-- made. Codes are kept as their SHA-256, expire, and work once.
ALTER TABLE devices ADD COLUMN name TEXT;

CREATE TABLE pairing_codes (
    code_hash  BLOB PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL,   -- unix seconds
    used_at    TEXT,
    device_id  TEXT REFERENCES devices (id)
) WITHOUT ROWID;

-- Every check-in is kept. `id` is the kiosk's idempotency key; a later
-- entry of the same person at the same place points at the first with
-- `duplicate_of`. `device_at` is the kiosk's clock (shown, never ordered
-- by); `received_at` is the server's.
CREATE TABLE checkins (
    id           TEXT    PRIMARY KEY,
    attendee_id  INTEGER NOT NULL REFERENCES attendees (id),
    session_id   INTEGER REFERENCES sessions (id),   -- NULL: the conference
    kind         TEXT    NOT NULL CHECK (kind IN ('entry', 'exit')),
    device_id    TEXT    NOT NULL,
    device_at    TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    duplicate_of TEXT    REFERENCES checkins (id),
    version      INTEGER NOT NULL
);
CREATE INDEX checkins_by_place ON checkins (attendee_id, session_id, kind, version);
CREATE INDEX checkins_by_version ON checkins (version);
