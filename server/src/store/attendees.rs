//! The roster.

use app::domain::attendee::Attendee;
use rusqlite::{Connection, OptionalExtension, params};

use super::next_version;
pub use super::sessions::Upsert;

/// Inserts the attendee, or updates the one with the same badge code.
pub fn upsert(conn: &Connection, a: &Attendee) -> Result<Upsert, rusqlite::Error> {
    let fields = (
        a.name.first.as_str(),
        a.name.last.as_str(),
        a.email.as_deref(),
        a.state.code(),
        a.local.as_str(),
        a.career_family.as_str(),
        a.role.as_str(),
    );
    let existing: Option<(i64, bool)> = conn
        .query_row(
            "SELECT id, (first_name, last_name, email, state, local, career_family, role)
                    IS (?2, ?3, ?4, ?5, ?6, ?7, ?8)
             FROM attendees WHERE badge_code = ?1",
            params![
                a.badge_code.as_str(),
                fields.0,
                fields.1,
                fields.2,
                fields.3,
                fields.4,
                fields.5,
                fields.6
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match existing {
        Some((_, true)) => Ok(Upsert::Unchanged),
        Some((id, false)) => {
            let version = next_version(conn)?;
            conn.execute(
                "UPDATE attendees SET first_name = ?2, last_name = ?3, email = ?4, state = ?5, local = ?6,
                        career_family = ?7, role = ?8, version = ?9
                 WHERE id = ?1",
                params![id, fields.0, fields.1, fields.2, fields.3, fields.4, fields.5, fields.6, version],
            )?;
            Ok(Upsert::Updated)
        }
        None => {
            let version = next_version(conn)?;
            conn.execute(
                "INSERT INTO attendees (badge_code, first_name, last_name, email, state, local, career_family,
                        role, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![a.badge_code.as_str(), fields.0, fields.1, fields.2, fields.3, fields.4, fields.5, fields.6, version],
            )?;
            Ok(Upsert::Inserted)
        }
    }
}

pub fn count(conn: &Connection) -> Result<i64, rusqlite::Error> {
    conn.query_row("SELECT count(*) FROM attendees", [], |r| r.get(0))
}

/// A few attendees to sign in with, for the demo banner.
pub fn sample(
    conn: &Connection,
    n: usize,
) -> Result<Vec<(String, String, String)>, rusqlite::Error> {
    let mut stmt = conn
        .prepare("SELECT badge_code, first_name, last_name FROM attendees ORDER BY id LIMIT ?1")?;
    let rows = stmt.query_map([n as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}
