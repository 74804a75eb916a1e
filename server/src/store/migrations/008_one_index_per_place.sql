-- Check-ins had two indexes keyed by person: by attendee then place (to
-- find a person's first entry at a place, and an attendee's own
-- check-ins for their phone) and by place then attendee (the organizer
-- reports). Both take every new check-in at a random spot, and a random
-- insert costs a whole page written to the log at each commit: with two
-- of them a check-in wrote 7 KB to the log. One index by place then
-- attendee answers all of these: the first entry and the reports read it
-- directly, and an attendee's own check-ins are one short seek per place
-- (`store::changes`).
DROP INDEX checkins_by_place;
DROP INDEX checkins_by_session;
CREATE INDEX checkins_by_place
    ON checkins (session_id, attendee_id, kind, version, at_door, duplicate_of);
