-- What a check-in costs the writer is the index pages it dirties: each
-- index keyed by person takes the check-in at a random page, and every
-- such page is written to the log at the next commit (BENCHMARKS.md, "Push
-- path"). So the indexes keyed by person now hold only what is looked up
-- by person:
--
-- - `checkins_first`: each person's first entry at each place, the one
--   later entries point at. It grows with people × places, not with
--   scans. (It is not UNIQUE: such an index counts the conference door's
--   NULL places as all different, and an expression in its place keeps
--   SQLite's planner from using it for a list of places. The one writer
--   keeps it one: `store::checkins::record`.)
-- - `checkins_repeats`: exits and later entries, for an attendee's own
--   check-ins and for who came to a session.
DROP INDEX checkins_by_place;
-- `at_door` too: the reports count walk-ins from it alone.
CREATE INDEX checkins_first ON checkins (session_id, attendee_id, at_door)
    WHERE kind = 'entry' AND duplicate_of IS NULL;
CREATE INDEX checkins_repeats ON checkins (session_id, attendee_id)
    WHERE kind = 'exit' OR duplicate_of IS NOT NULL;

-- A check-in is its own stored result: `seq` is the seq of the kiosk's
-- mutation that recorded it, and what a repeated push or a pull answers
-- for that seq is read from the row (`store::checkins::results`) instead
-- of from a copy of it in `results` (about 250 bytes of JSON each, a
-- fifth of what a check-in wrote). Check-ins recorded before this
-- migration have no seq and keep their rows in `results`.
ALTER TABLE checkins ADD COLUMN seq INTEGER;
DROP INDEX checkins_by_device;
CREATE UNIQUE INDEX checkins_by_device ON checkins (device_id, seq);
