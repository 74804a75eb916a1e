//! Registrations and the seat counts they move. The rules are in
//! `app::domain::registration`; this module reads what they need and writes
//! what they decided, keeping `sessions.confirmed_count` / `waitlist_count`
//! and every waitlisted row's position current in the same transaction.

use app::domain::registration::{CancelEffect, Held, Placement, Status, Target, promotions};
use app::domain::{Capacity, RegistrationId, SessionId, Timeslot};
use app::protocol::{RegistrationData, RegistrationOutcome};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::next_version;

/// The timeslot read from the columns `starts_column` and the one after it.
fn slot(starts: &str, ends: &str, starts_column: usize) -> Result<Timeslot, rusqlite::Error> {
    Timeslot::parse(starts, ends).map_err(|e| super::unreadable(starts_column, e))
}

/// The session as registration sees it, or `None` when there is none.
pub fn target(conn: &Connection, id: &SessionId) -> Result<Option<Target>, rusqlite::Error> {
    let Ok(row_id) = id.as_str().parse::<i64>() else {
        return Ok(None);
    };
    let row = conn
        .prepare_cached(
            "SELECT title, starts_at, ends_at, capacity, confirmed_count, waitlist_count
             FROM sessions WHERE id = ?1",
        )?
        .query_row([row_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<u32>>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, u32>(5)?,
            ))
        })
        .optional()?;
    let Some((title, starts, ends, capacity, confirmed, waitlisted)) = row else {
        return Ok(None);
    };
    Ok(Some(Target {
        id: id.clone(),
        title,
        slot: slot(&starts, &ends, 1)?,
        capacity: capacity.map_or(Capacity::Unlimited, Capacity::Limited),
        confirmed,
        waitlisted,
    }))
}

/// The status of a person's place at a session (?1 attendee, ?2 session):
/// read from the index by attendee alone, as a test below checks.
const STATUS_FOR: &str = "SELECT status FROM registrations
     WHERE attendee_id = ?1 AND session_id = ?2 AND status != 'cancelled'";

/// The sessions a person (?1) holds a place in: read from the index by
/// attendee alone, as a test below checks.
const HELD: &str = "SELECT s.id, s.title, s.starts_at, s.ends_at FROM registrations r
     JOIN sessions s ON s.id = r.session_id
     WHERE r.attendee_id = ?1 AND r.status != 'cancelled'";

/// The person's registration for a session that holds a place (there is
/// at most one): its status.
pub fn status_for(
    conn: &Connection,
    attendee_id: i64,
    session_id: i64,
) -> Result<Option<Status>, rusqlite::Error> {
    let status: Option<String> = conn
        .prepare_cached(STATUS_FOR)?
        .query_row([attendee_id, session_id], |r| r.get(0))
        .optional()?;
    Ok(status.as_deref().and_then(Status::parse))
}

/// The sessions the attendee holds a place in.
pub fn held(conn: &Connection, attendee_id: i64) -> Result<Vec<Held>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(HELD)?;
    let rows = stmt.query_map([attendee_id], |r| {
        let id: i64 = r.get(0)?;
        let starts: String = r.get(2)?;
        let ends: String = r.get(3)?;
        Ok(Held {
            session_id: SessionId::parse(&id.to_string()).map_err(|e| super::unreadable(0, e))?,
            title: r.get(1)?,
            slot: slot(&starts, &ends, 2)?,
        })
    })?;
    rows.collect()
}

/// The registration `id` as a pull shows it, whoever holds it.
pub fn find(
    conn: &Connection,
    id: &RegistrationId,
) -> Result<Option<RegistrationData>, rusqlite::Error> {
    conn.prepare_cached(&format!(
        "SELECT {DATA_COLUMNS} FROM registrations r WHERE r.id = ?1"
    ))?
    .query_row([id.as_str()], |r| from_row(r).map(|(_, data)| data))
    .optional()
}

/// The attendee's registration `id`: its status and session.
pub fn find_own(
    conn: &Connection,
    id: &RegistrationId,
    attendee_id: i64,
) -> Result<Option<(Status, i64)>, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT status, session_id FROM registrations WHERE id = ?1 AND attendee_id = ?2",
    )?
    .query_row(params![id.as_str(), attendee_id], |r| {
        let status: String = r.get(0)?;
        Ok((Status::parse(&status), r.get(1)?))
    })
    .optional()
    .map(|row| row.and_then(|(s, session)| Some((s?, session))))
}

pub struct NewRegistration<'a> {
    pub id: &'a RegistrationId,
    pub attendee_id: i64,
    pub session_id: i64,
    pub placement: Placement,
    pub device_id: &'a str,
    pub device_at: &'a str,
    pub now: &'a str,
}

/// Writes a registration the rules placed, and the session's new counts.
pub fn create(
    conn: &Connection,
    n: &NewRegistration<'_>,
) -> Result<RegistrationOutcome, rusqlite::Error> {
    let version = next_version(conn)?;
    let status = n.placement.status();
    conn.prepare_cached(
        "INSERT INTO registrations (id, attendee_id, session_id, status, queued, device_id, device_at, created_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?5)",
    )?
    .execute(params![
        n.id.as_str(),
        n.attendee_id,
        n.session_id,
        status.as_str(),
        version,
        n.device_id,
        n.device_at,
        n.now
    ])?;
    let (confirmed, waitlisted) = match n.placement {
        Placement::Confirmed => (1, 0),
        Placement::Waitlisted => (0, 1),
    };
    bump_session(conn, n.session_id, confirmed, waitlisted)?;
    let position = match n.placement {
        Placement::Confirmed => None,
        Placement::Waitlisted => Some(waitlist_position(conn, n.session_id, version)?),
    };
    Ok(RegistrationOutcome { status, position })
}

/// Cancels a registration and, when that frees a seat, promotes the first
/// waitlisted ones into it. Those behind in the line keep their version:
/// their new position reaches their phones because every pull re-sends an
/// attendee's waitlisted registrations ([`waitlisted_of`]), so a long
/// waitlist costs nothing per cancellation.
pub fn cancel(
    conn: &Connection,
    id: &RegistrationId,
    session_id: i64,
    effect: CancelEffect,
) -> Result<RegistrationOutcome, rusqlite::Error> {
    let version = next_version(conn)?;
    conn.prepare_cached(
        "UPDATE registrations SET status = 'cancelled', version = ?2 WHERE id = ?1",
    )?
    .execute(params![id.as_str(), version])?;
    match effect {
        CancelEffect::FreesSeat => {
            bump_session(conn, session_id, -1, 0)?;
            promote(conn, session_id)?;
        }
        CancelEffect::LeavesWaitlist => bump_session(conn, session_id, 0, -1)?,
    }
    Ok(RegistrationOutcome {
        status: Status::Cancelled,
        position: None,
    })
}

/// Fills free seats from the head of the waitlist: after a cancellation,
/// and after a re-import that made the room bigger.
pub fn promote(conn: &Connection, session_id: i64) -> Result<(), rusqlite::Error> {
    let (capacity, confirmed, waitlisted): (Option<u32>, u32, u32) = conn
        .prepare_cached(
            "SELECT capacity, confirmed_count, waitlist_count FROM sessions WHERE id = ?1",
        )?
        .query_row([session_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let capacity = capacity.map_or(Capacity::Unlimited, Capacity::Limited);
    let n = promotions(capacity, confirmed, waitlisted);
    if n == 0 {
        return Ok(());
    }
    let heads: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM registrations WHERE session_id = ?1 AND status = 'waitlisted'
             ORDER BY queued LIMIT ?2",
        )?
        .query_map(params![session_id, n], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &heads {
        let version = next_version(conn)?;
        conn.prepare_cached(
            "UPDATE registrations SET status = 'confirmed', version = ?2 WHERE id = ?1",
        )?
        .execute(params![id, version])?;
    }
    let moved = heads.len() as i64;
    bump_session(conn, session_id, moved, -moved)
}

fn bump_session(
    conn: &Connection,
    session_id: i64,
    confirmed: i64,
    waitlisted: i64,
) -> Result<(), rusqlite::Error> {
    let version = next_version(conn)?;
    conn.prepare_cached(
        "UPDATE sessions SET confirmed_count = confirmed_count + ?2, waitlist_count = waitlist_count + ?3,
                version = ?4
         WHERE id = ?1",
    )?
    .execute(params![session_id, confirmed, waitlisted, version])?;
    Ok(())
}

fn waitlist_position(
    conn: &Connection,
    session_id: i64,
    queued: i64,
) -> Result<u32, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT count(*) FROM registrations WHERE session_id = ?1 AND status = 'waitlisted' AND queued <= ?2",
    )?
    .query_row(params![session_id, queued], |r| r.get(0))
}

/// Columns for [`from_row`]; `r` is the registrations table.
pub const DATA_COLUMNS: &str = "r.id, r.attendee_id, r.session_id, r.status,
     CASE WHEN r.status = 'waitlisted' THEN
         (SELECT count(*) FROM registrations w
          WHERE w.session_id = r.session_id AND w.status = 'waitlisted' AND w.queued <= r.queued)
     END,
     r.version";

/// The attendee's waitlisted registrations with their current positions,
/// which change without a new version as the line moves.
pub fn waitlisted_of(
    conn: &Connection,
    attendee_id: i64,
) -> Result<Vec<RegistrationData>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DATA_COLUMNS} FROM registrations r WHERE r.attendee_id = ?1 AND r.status = 'waitlisted'"
    ))?;
    let rows = stmt.query_map([attendee_id], from_row)?;
    rows.map(|row| row.map(|(_, data)| data)).collect()
}

pub fn from_row(r: &Row<'_>) -> Result<(i64, RegistrationData), rusqlite::Error> {
    Ok((
        r.get(5)?,
        RegistrationData {
            id: r.get(0)?,
            attendee_id: r.get::<_, i64>(1)?.to_string(),
            session_id: r.get::<_, i64>(2)?.to_string(),
            status: super::named(r, 3)?,
            position: r.get(4)?,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sessions an attendee holds, and their status at a session, are
    /// read from the index by attendee without a lookup into the table per
    /// registration (migration 010): a registration's cost in the writer.
    #[test]
    fn an_attendees_own_rows_are_read_from_the_index_alone() {
        let mut conn = Connection::open_in_memory().expect("memory");
        super::super::migrate(&mut conn).expect("migrate");
        for query in [HELD, STATUS_FOR] {
            let plan = super::super::plan_of(&conn, query);
            assert!(
                plan.iter()
                    .any(|step| step.contains("COVERING INDEX registrations_by_attendee")),
                "{plan:?}"
            );
        }
    }
}
