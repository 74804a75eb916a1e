//! The roster.

use app::domain::attendee::Attendee;
use app::domain::signin::SigninCode;
use app::protocol::AttendeeData;
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

/// A few attendees to sign in with, for the demo banner: name, badge code
/// and sign-in code.
pub fn sample(
    conn: &Connection,
    n: usize,
) -> Result<Vec<(String, String, SigninCode)>, rusqlite::Error> {
    let people: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, first_name || ' ' || last_name, badge_code FROM attendees ORDER BY id LIMIT ?1")?
        .query_map([n as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut sample = Vec::with_capacity(people.len());
    for (id, name, badge) in people {
        if let Some(code) = super::signin::code_of(conn, id)? {
            sample.push((name, badge, code));
        }
    }
    Ok(sample)
}

/// Columns for [`from_row`]. Never the email: no device scope gets it.
pub const DATA_COLUMNS: &str =
    "id, badge_code, first_name, last_name, state, local, career_family, role, version";

pub fn from_row(r: &rusqlite::Row<'_>) -> Result<(i64, AttendeeData), rusqlite::Error> {
    Ok((
        r.get(8)?,
        AttendeeData {
            id: r.get::<_, i64>(0)?.to_string(),
            badge_code: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            state: r.get(4)?,
            local: r.get(5)?,
            career_family: super::named(r, 6)?,
            role: super::named(r, 7)?,
            badge_qr: None,
        },
    ))
}
