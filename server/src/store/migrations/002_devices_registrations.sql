-- Devices: a phone's browser or a kiosk, created at sign-in. The token is
-- kept only as its SHA-256. `last_seq` moves in the same transaction as the
-- effects of the mutations it counts (docs/PROTOCOL.md).
CREATE TABLE devices (
    id          TEXT    PRIMARY KEY,
    token_hash  BLOB    NOT NULL UNIQUE,
    scope       TEXT    NOT NULL CHECK (scope IN ('attendee', 'kiosk', 'organizer')),
    attendee_id INTEGER REFERENCES attendees (id),
    created_at  TEXT    NOT NULL,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    last_seen   TEXT,
    pending     INTEGER,          -- outbox size the device last reported
    protocol    INTEGER NOT NULL,
    user_agent  TEXT,
    revoked_at  TEXT
);

-- The outcome of every mutation, kept so that a device whose push response
-- was lost learns it from a repeated push or from pull.
CREATE TABLE results (
    device_id TEXT    NOT NULL REFERENCES devices (id),
    seq       INTEGER NOT NULL,
    status    TEXT    NOT NULL CHECK (status IN ('applied', 'rejected')),
    code      TEXT,
    message   TEXT,
    outcome   TEXT,              -- JSON
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- Registrations are never deleted: a cancellation is a status, so devices
-- learn of it through an ordinary put. `queued` is the server's arrival
-- order (the version of the create), which orders the waitlist.
CREATE TABLE registrations (
    id          TEXT    PRIMARY KEY,
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    session_id  INTEGER NOT NULL REFERENCES sessions (id),
    status      TEXT    NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    queued      INTEGER NOT NULL,
    device_id   TEXT    NOT NULL,
    device_at   TEXT    NOT NULL,   -- the device's clock: data, never order
    created_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX registrations_by_attendee ON registrations (attendee_id, version);
CREATE INDEX registrations_by_session ON registrations (session_id, status, queued);
CREATE INDEX registrations_by_version ON registrations (version);
