-- An entry at a session's door carries what the person's registration
-- said when it reached the server: `confirmed`, `waitlisted` or `walk_in`
-- (app::domain::checkin::AtDoor). NULL for the conference's door and for
-- exits. Entries recorded before this migration get what their
-- registration says now, the best that is known of them.
ALTER TABLE checkins ADD COLUMN at_door TEXT
    CHECK (at_door IN ('confirmed', 'waitlisted', 'walk_in'));

UPDATE checkins
   SET at_door = COALESCE(
         (SELECT r.status FROM registrations r
           WHERE r.attendee_id = checkins.attendee_id
             AND r.session_id = checkins.session_id
             AND r.status != 'cancelled'),
         'walk_in')
 WHERE session_id IS NOT NULL AND kind = 'entry';
