-- What a registration needs from an attendee's own rows is answered by
-- the index by attendee alone. Registering reads every session the
-- attendee holds (the clash rule: `store::registrations::held`), and
-- through the old index (attendee, version) that was one lookup into the
-- table per registration the attendee ever made, cancelled ones included:
-- the largest single cost of a registration in the writer (BENCHMARKS.md,
-- "Registrations: the sessions held read from the index"). With the
-- status and the session in the index, those rows are read where the
-- index already is. It costs no B-tree work on a write: a registration
-- whose status changes gets a new version, so its entry moved anyway.
DROP INDEX registrations_by_attendee;
CREATE INDEX registrations_by_attendee
    ON registrations (attendee_id, version, status, session_id);
