//! Check-ins, as kiosks record them. The rule (what is a duplicate) is in
//! `app::domain::checkin`; this module finds the first entry it needs and
//! writes what it decided.

use app::domain::checkin::{self, AtDoor, CheckinKind};
use app::domain::{BadgeCode, CheckinId};
use app::protocol::{CheckinData, CheckinOutcome, Json, MutationResult, ResultStatus};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::sync::LazyLock;

use super::next_version;
use super::registrations;

/// The id of the attendee with this badge code.
pub fn attendee_by_badge(
    conn: &Connection,
    badge: &BadgeCode,
) -> Result<Option<i64>, rusqlite::Error> {
    conn.prepare_cached("SELECT id FROM attendees WHERE badge_code = ?1")?
        .query_row([badge.as_str()], |r| r.get(0))
        .optional()
}

pub fn session_exists(conn: &Connection, session_id: i64) -> Result<bool, rusqlite::Error> {
    conn.prepare_cached("SELECT 1 FROM sessions WHERE id = ?1")?
        .exists([session_id])
}

/// The rows of the index of first entries (store migration 009), in the
/// words a query must use for SQLite to read that index: a check-in `c`
/// that is a person's first entry at its place.
pub const FIRST: &str = "c.kind = 'entry' AND c.duplicate_of IS NULL";
/// The rows of the index of the rest: exits and later entries.
pub const REPEATS: &str = "(c.kind = 'exit' OR c.duplicate_of IS NOT NULL)";

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
            kind: super::named(r, 3)?,
            at: r.get(4)?,
            device_id: r.get(5)?,
            duplicate_of: r.get(6)?,
            kiosk: r.get(7)?,
            at_door: super::named_or_null(r, 9)?,
        },
    ))
}

/// The check-in with this id, if it was recorded before.
pub fn find(conn: &Connection, id: &CheckinId) -> Result<Option<CheckinData>, rusqlite::Error> {
    // Built once: this runs for every check-in a kiosk sends.
    static FIND: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {DATA_COLUMNS} FROM checkins c WHERE c.id = ?1"));
    conn.prepare_cached(&FIND)?
        .query_row([id.as_str()], from_row)
        .optional()
        .map(|row| row.map(|(_, data)| data))
}

pub struct NewCheckin<'a> {
    pub id: &'a CheckinId,
    /// The seq of the device's mutation: the row is that seq's result.
    pub seq: u64,
    pub attendee_id: i64,
    pub session_id: Option<i64>,
    pub kind: CheckinKind,
    pub device_id: &'a str,
    pub device_at: &'a str,
    pub now: &'a str,
}

/// The first entry of a person at a place, which later ones point at: what
/// a kiosk needs to say "already checked in at 9:02 (Kiosk B)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct First {
    pub id: String,
    pub at: String,
    pub kiosk: Option<String>,
}

fn first_from_row(r: &Row<'_>) -> Result<First, rusqlite::Error> {
    Ok(First {
        id: r.get(0)?,
        at: r.get(1)?,
        kiosk: r.get(2)?,
    })
}

/// The check-in `id` as a [`First`], for the check-ins that point at it.
pub fn first_by_id(conn: &Connection, id: &str) -> Result<Option<First>, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT c.id, c.device_at, d.name FROM checkins c LEFT JOIN devices d ON d.id = c.device_id
         WHERE c.id = ?1",
    )?
    .query_row([id], first_from_row)
    .optional()
}

/// What recording a check-in decided.
#[derive(Debug)]
pub struct Recorded {
    /// The first entry of the same person at the same place, when this is
    /// a later one.
    pub duplicate_of: Option<First>,
    pub at_door: Option<AtDoor>,
}

/// Records a check-in, flagged as a duplicate of the first entry of the
/// same person at the same place when there is one, and, at a session's
/// door, with what their registration says now (a walk-in, perhaps).
pub fn record(conn: &Connection, c: &NewCheckin<'_>) -> Result<Recorded, rusqlite::Error> {
    // Built once: this runs for every check-in a kiosk sends.
    static FIRST_ENTRY: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT c.id, c.device_at, d.name FROM checkins c LEFT JOIN devices d ON d.id = c.device_id
             WHERE c.session_id IS ?2 AND c.attendee_id = ?1 AND {FIRST}"
        )
    });
    let first = match c.kind {
        CheckinKind::Entry => conn
            .prepare_cached(&FIRST_ENTRY)?
            .query_row(params![c.attendee_id, c.session_id], first_from_row)
            .optional()?,
        CheckinKind::Exit => None,
    };
    let duplicate_of = checkin::duplicate_of(c.kind, first.as_ref().map(|f| f.id.as_str()));
    let registration = match c.session_id {
        Some(session) if c.kind == CheckinKind::Entry => {
            registrations::status_for(conn, c.attendee_id, session)?
        }
        _ => None,
    };
    let at_door = AtDoor::of(c.kind, c.session_id.is_some(), registration);
    let version = next_version(conn)?;
    conn.prepare_cached(
        "INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at, received_at, duplicate_of, version, at_door, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
        at_door.map(AtDoor::as_str),
        c.seq as i64
    ])?;
    let is_duplicate = duplicate_of.is_some();
    Ok(Recorded {
        duplicate_of: first.filter(|_| is_duplicate),
        at_door,
    })
}

/// What a check-in answers the kiosk that sent it.
pub fn outcome(
    id: &str,
    attendee_id: &str,
    first: Option<&First>,
    at_door: Option<AtDoor>,
) -> CheckinOutcome {
    CheckinOutcome {
        checkin_id: id.to_owned(),
        attendee_id: attendee_id.to_owned(),
        duplicate_of: first.map(|f| f.id.clone()),
        first_at: first.map(|f| f.at.clone()),
        first_kiosk: first.and_then(|f| f.kiosk.clone()),
        at_door,
    }
}

/// The results of the check-ins `device_id` recorded with seqs
/// `from..=to`, read from their rows (store migration 009), in seq order.
pub fn results(
    conn: &Connection,
    device_id: &str,
    from: u64,
    to: u64,
) -> Result<Vec<MutationResult>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.seq, c.id, c.attendee_id, c.at_door, f.id, f.device_at, fd.name
         FROM checkins c
         LEFT JOIN checkins f ON f.id = c.duplicate_of
         LEFT JOIN devices fd ON fd.id = f.device_id
         WHERE c.device_id = ?1 AND c.seq BETWEEN ?2 AND ?3 ORDER BY c.seq",
    )?;
    let rows = stmt.query_map(params![device_id, from as i64, to as i64], |r| {
        let first = match r.get::<_, Option<String>>(4)? {
            Some(id) => Some(First {
                id,
                at: r.get(5)?,
                kiosk: r.get(6)?,
            }),
            None => None,
        };
        let id: String = r.get(1)?;
        let attendee_id = r.get::<_, i64>(2)?.to_string();
        let at_door = super::named_or_null(r, 3)?;
        let outcome = outcome(&id, &attendee_id, first.as_ref(), at_door);
        Ok(MutationResult {
            seq: r.get::<_, i64>(0)?.max(0) as u64,
            status: ResultStatus::Applied,
            code: None,
            message: None,
            outcome: Json::of(&outcome).ok(),
        })
    })?;
    rows.collect()
}
