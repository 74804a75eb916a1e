//! Check-ins, as kiosks record them. The rule (what is a duplicate) is in
//! `app::domain::checkin`; this module finds the first entry it needs and
//! writes what it decided.

use app::domain::checkin::{self, AtDoor, CheckinKind};
use app::domain::{BadgeCode, CheckinId};
use app::protocol::CheckinData;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::next_version;
use super::registrations;

/// The attendee with this badge code: (id, first name, last name).
pub fn attendee_by_badge(
    conn: &Connection,
    badge: &BadgeCode,
) -> Result<Option<(i64, String, String)>, rusqlite::Error> {
    conn.prepare_cached("SELECT id, first_name, last_name FROM attendees WHERE badge_code = ?1")?
        .query_row([badge.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
}

pub fn session_exists(conn: &Connection, session_id: i64) -> Result<bool, rusqlite::Error> {
    conn.prepare_cached("SELECT 1 FROM sessions WHERE id = ?1")?
        .exists([session_id])
}

pub const DATA_COLUMNS: &str =
    "c.id, c.attendee_id, c.session_id, c.kind, c.device_at, c.device_id,
     c.duplicate_of, (SELECT name FROM devices d WHERE d.id = c.device_id), c.version,
     c.at_door";

pub fn from_row(r: &Row<'_>) -> Result<(i64, CheckinData), rusqlite::Error> {
    Ok((
        r.get(8)?,
        CheckinData {
            id: r.get(0)?,
            attendee_id: r.get::<_, i64>(1)?.to_string(),
            session_id: r.get::<_, Option<i64>>(2)?.map(|s| s.to_string()),
            kind: r.get(3)?,
            at: r.get(4)?,
            device_id: r.get(5)?,
            duplicate_of: r.get(6)?,
            kiosk: r.get(7)?,
            at_door: r.get(9)?,
        },
    ))
}

/// The check-in with this id, if it was recorded before.
pub fn find(conn: &Connection, id: &CheckinId) -> Result<Option<CheckinData>, rusqlite::Error> {
    conn.prepare_cached(&format!(
        "SELECT {DATA_COLUMNS} FROM checkins c WHERE c.id = ?1"
    ))?
    .query_row([id.as_str()], from_row)
    .optional()
    .map(|row| row.map(|(_, data)| data))
}

pub struct NewCheckin<'a> {
    pub id: &'a CheckinId,
    pub attendee_id: i64,
    pub session_id: Option<i64>,
    pub kind: CheckinKind,
    pub device_id: &'a str,
    pub device_at: &'a str,
    pub now: &'a str,
}

/// Records a check-in, flagged as a duplicate of the first entry of the
/// same person at the same place when there is one, and, at a session's
/// door, with what their registration says now (a walk-in, perhaps).
pub fn record(conn: &Connection, c: &NewCheckin<'_>) -> Result<CheckinData, rusqlite::Error> {
    let first: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM checkins WHERE attendee_id = ?1 AND session_id IS ?2 AND kind = 'entry'
             ORDER BY version LIMIT 1",
        )?
        .query_row(params![c.attendee_id, c.session_id], |r| r.get(0))
        .optional()?;
    let duplicate_of = checkin::duplicate_of(c.kind, first.as_deref()).map(str::to_owned);
    let registration = match c.session_id {
        Some(session) if c.kind == CheckinKind::Entry => {
            registrations::status_for(conn, c.attendee_id, session)?
        }
        _ => None,
    };
    let at_door = AtDoor::of(c.kind, c.session_id.is_some(), registration).map(AtDoor::as_str);
    let version = next_version(conn)?;
    conn.prepare_cached(
        "INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at, received_at, duplicate_of, version, at_door)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        c.id.as_str(),
        c.attendee_id,
        c.session_id,
        c.kind.as_str(),
        c.device_id,
        c.device_at,
        c.now,
        duplicate_of,
        version,
        at_door
    ])?;
    find(conn, c.id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
}
