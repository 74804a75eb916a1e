-- A check-in's version is its row id. A check-in takes a new version when
-- it is recorded and is never written again, so the table in row order is
-- the table in version order: a pull reads a range of it, and the index by
-- version goes, with its B-tree insert for every check-in the writer
-- records (BENCHMARKS.md). The rows and the other indexes are as they
-- were.
--
-- `duplicate_of` points into the new table from the start, so dropping
-- the old one breaks no pointer (renaming the new table renames its
-- reference too). The copy is one statement and SQLite checks a foreign
-- key at a statement's end, so its order does not matter.

CREATE TABLE checkins_in_version_order (
    version      INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    attendee_id  INTEGER NOT NULL REFERENCES attendees (id),
    session_id   INTEGER REFERENCES sessions (id),   -- NULL: the conference
    kind         TEXT    NOT NULL CHECK (kind IN ('entry', 'exit')),
    device_id    TEXT    NOT NULL,
    device_at    TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    duplicate_of TEXT    REFERENCES checkins_in_version_order (id),
    at_door      TEXT    CHECK (at_door IN ('confirmed', 'waitlisted', 'walk_in')),
    seq          INTEGER
);
INSERT INTO checkins_in_version_order
       (version, id, attendee_id, session_id, kind, device_id, device_at, received_at,
        duplicate_of, at_door, seq)
SELECT version, id, attendee_id, session_id, kind, device_id, device_at, received_at,
       duplicate_of, at_door, seq
  FROM checkins ORDER BY version;
DROP TABLE checkins;
ALTER TABLE checkins_in_version_order RENAME TO checkins;

CREATE UNIQUE INDEX checkins_by_device ON checkins (device_id, seq);
CREATE INDEX checkins_at_conference_door ON checkins (device_at)
    WHERE session_id IS NULL AND kind = 'entry' AND duplicate_of IS NULL;
CREATE INDEX checkins_first ON checkins (session_id, attendee_id, at_door)
    WHERE kind = 'entry' AND duplicate_of IS NULL;
CREATE INDEX checkins_repeats ON checkins (session_id, attendee_id)
    WHERE kind = 'exit' OR duplicate_of IS NOT NULL;
