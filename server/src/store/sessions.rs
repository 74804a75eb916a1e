//! Sessions of the program.

use app::domain::{CareerFamily, Session};
use app::protocol::SessionData;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::next_version;

/// What an upsert did to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Inserted,
    Updated,
    Unchanged,
}

/// Inserts the session, or updates the one with the same code. Seat counts
/// and registrations are left alone: a re-import never loses them.
pub fn upsert(conn: &Connection, s: &Session) -> Result<Upsert, rusqlite::Error> {
    let fields = (
        s.title.as_str(),
        s.description.as_str(),
        s.kind.as_str(),
        s.topic.as_str(),
        s.standard.map(|st| st.as_str()),
        s.career_families_text(),
        s.room.as_str(),
        s.slot.starts_rfc3339(),
        s.slot.ends_rfc3339(),
        s.capacity.as_option(),
        s.presenter.as_str(),
    );
    let existing: Option<(i64, bool)> = conn
        .query_row(
            "SELECT id, (title, description, kind, topic, standard, career_families, room,
                         starts_at, ends_at, capacity, presenter)
                    IS (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             FROM sessions WHERE code = ?1",
            params![
                s.code.as_str(),
                fields.0,
                fields.1,
                fields.2,
                fields.3,
                fields.4,
                fields.5,
                fields.6,
                fields.7,
                fields.8,
                fields.9,
                fields.10
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match existing {
        Some((_, true)) => Ok(Upsert::Unchanged),
        Some((id, false)) => {
            let version = next_version(conn)?;
            conn.execute(
                "UPDATE sessions SET title = ?2, description = ?3, kind = ?4, topic = ?5, standard = ?6,
                        career_families = ?7, room = ?8, starts_at = ?9, ends_at = ?10, capacity = ?11,
                        presenter = ?12, version = ?13
                 WHERE id = ?1",
                params![
                    id, fields.0, fields.1, fields.2, fields.3, fields.4, fields.5, fields.6,
                    fields.7, fields.8, fields.9, fields.10, version
                ],
            )?;
            // A bigger room seats the waitlist first.
            super::registrations::promote(conn, id)?;
            Ok(Upsert::Updated)
        }
        None => {
            let version = next_version(conn)?;
            conn.execute(
                "INSERT INTO sessions (code, title, description, kind, topic, standard, career_families,
                        room, starts_at, ends_at, capacity, presenter, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    s.code.as_str(), fields.0, fields.1, fields.2, fields.3, fields.4, fields.5,
                    fields.6, fields.7, fields.8, fields.9, fields.10, version
                ],
            )?;
            Ok(Upsert::Inserted)
        }
    }
}

pub const DATA_COLUMNS: &str =
    "id, code, title, description, kind, topic, standard, career_families, room,
     starts_at, ends_at, capacity, presenter, confirmed_count, waitlist_count, version";

/// Reads a row selected with [`DATA_COLUMNS`] into its wire form and version.
pub fn from_row(r: &Row<'_>) -> Result<(i64, SessionData), rusqlite::Error> {
    let families: String = r.get(7)?;
    let data = SessionData {
        id: r.get::<_, i64>(0)?.to_string(),
        code: r.get(1)?,
        title: r.get(2)?,
        description: r.get(3)?,
        kind: super::named(r, 4)?,
        topic: r.get(5)?,
        standard: super::named_or_null(r, 6)?,
        career_families: CareerFamily::parse_list(&families)
            .map_err(|e| super::unreadable(7, e))?,
        room: r.get(8)?,
        starts_at: r.get(9)?,
        ends_at: r.get(10)?,
        capacity: r.get(11)?,
        presenter: r.get(12)?,
        confirmed_count: r.get(13)?,
        waitlist_count: r.get(14)?,
        confirmed_attendees: None,
        waitlisted_attendees: None,
    };
    Ok((r.get(15)?, data))
}

/// [`DATA_COLUMNS`] and who is registered, for kiosks: attendee ids,
/// comma-separated, confirmed then waitlisted, in arrival order.
pub const DATA_COLUMNS_WITH_REGISTRANTS: &str =
    "id, code, title, description, kind, topic, standard, career_families, room,
     starts_at, ends_at, capacity, presenter, confirmed_count, waitlist_count, version,
     (SELECT group_concat(attendee_id) FROM (SELECT attendee_id FROM registrations r
         WHERE r.session_id = sessions.id AND r.status = 'confirmed' ORDER BY r.queued)),
     (SELECT group_concat(attendee_id) FROM (SELECT attendee_id FROM registrations r
         WHERE r.session_id = sessions.id AND r.status = 'waitlisted' ORDER BY r.queued))";

/// Reads a row selected with [`DATA_COLUMNS_WITH_REGISTRANTS`].
pub fn from_row_with_registrants(r: &Row<'_>) -> Result<(i64, SessionData), rusqlite::Error> {
    let (version, mut data) = from_row(r)?;
    let ids = |text: Option<String>| {
        text.map(|t| {
            t.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .or(Some(Vec::new()))
    };
    data.confirmed_attendees = ids(r.get(16)?);
    data.waitlisted_attendees = ids(r.get(17)?);
    Ok((version, data))
}

/// The whole public program, in the order a program page lists it.
pub fn program(conn: &Connection) -> Result<Vec<SessionData>, rusqlite::Error> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {DATA_COLUMNS} FROM sessions ORDER BY starts_at, id"
    ))?;
    let rows = statement.query_map([], |r| from_row(r).map(|(_, data)| data))?;
    rows.collect()
}

pub fn count(conn: &Connection) -> Result<i64, rusqlite::Error> {
    conn.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
}
