-- Organizers: people who run the conference from /admin. The password is
-- kept only as an argon2id PHC string.
CREATE TABLE organizers (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,   -- lower case
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

-- An organizer's API token is a device of scope 'organizer'. Removing the
-- organizer revokes it and keeps the row (the device list is history).
ALTER TABLE devices ADD COLUMN organizer_id INTEGER REFERENCES organizers (id) ON DELETE SET NULL;

-- Cookie sessions of the organizer pages, kept as the SHA-256 of the
-- cookie's value. A session ends after 12 idle hours or at sign-out.
CREATE TABLE organizer_sessions (
    token_hash   BLOB    PRIMARY KEY,
    organizer_id INTEGER NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_active  INTEGER NOT NULL   -- unix seconds
) WITHOUT ROWID;

-- The organizer reports (store::reports) read these: a session's people
-- at the door, the conference door by device time, the log by place.
-- Covering: people in (distinct attendees), walk-ins (first entries and
-- what the door said) and who came, in attendee order, per session.
CREATE INDEX checkins_by_session ON checkins (session_id, attendee_id, kind, at_door, duplicate_of);
-- Confirmed people of a session in attendee order, to set against who came.
CREATE INDEX registrations_by_session_attendee ON registrations (session_id, status, attendee_id);
CREATE INDEX checkins_by_device ON checkins (device_id, version);
CREATE INDEX checkins_at_conference_door ON checkins (device_at)
    WHERE session_id IS NULL AND kind = 'entry' AND duplicate_of IS NULL;
CREATE INDEX mentoring_by_pair ON mentoring_entries (author_id, partner_id, partner_name)
    WHERE deleted_at IS NULL;
