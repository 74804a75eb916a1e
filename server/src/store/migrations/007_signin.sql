-- Attendee sign-in codes. The code itself is never stored: it is derived
-- from this key, the attendee's id and their issue number (an HMAC), so a
-- card can be printed again and a reissue makes a new one. The key is made
-- by the server when it opens the database (`store::signin::prepare`), from
-- the operating system's random source.
CREATE TABLE signin_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB    NOT NULL CHECK (length(key) = 32)
);

-- `signin_issue` counts the codes an attendee was given; `signin_hash` is
-- the SHA-256 of the current one, to find who a code belongs to. NULL only
-- until the server fills it in, right after an import.
ALTER TABLE attendees ADD COLUMN signin_issue INTEGER NOT NULL DEFAULT 1;
ALTER TABLE attendees ADD COLUMN signin_hash BLOB;
ALTER TABLE attendees ADD COLUMN signin_emailed_at TEXT;
CREATE UNIQUE INDEX attendees_by_signin ON attendees (signin_hash);

-- Mentoring entries naming a badge code nobody has, per attendee, so that
-- the answer `unknown_badge` cannot be used to search for badge codes.
CREATE TABLE mentoring_misses (
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    at          INTEGER NOT NULL   -- unix seconds
);
CREATE INDEX mentoring_misses_by_attendee ON mentoring_misses (attendee_id, at);

-- The daily caps on mentoring entries and early confirmations count by
-- author (or confirmer) and day.
CREATE INDEX mentoring_by_author_created ON mentoring_entries (author_id, created_at);
CREATE INDEX mentoring_waiting_by_attendee ON mentoring_waiting_confirms (attendee_id, received_at);
