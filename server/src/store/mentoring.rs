//! Mentoring log entries. The rules (what an entry may hold, who may change
//! or confirm it, which edits clear a confirmation) are in
//! `app::domain::mentoring`; this module reads what they need and writes
//! what they decided.

use app::domain::mentoring::{
    self, Activity, Entry, EntryDate, MentoringRole, Minutes, Partner, Terms,
};
use app::domain::{BadgeCode, EntryId};
use app::protocol::MentoringEntryData;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::next_version;

/// An entry as stored, with who may act on it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub author_id: i64,
    pub partner_id: Option<i64>,
    pub entry: Entry,
    pub confirmed: bool,
    pub deleted: bool,
}

/// The entry `id`, deleted or not.
pub fn find(conn: &Connection, id: &EntryId) -> Result<Option<Stored>, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT e.author_id, e.partner_id, p.badge_code, e.partner_name, e.role, e.date,
                e.minutes, e.activity, e.standards, e.note, e.confirmed_at IS NOT NULL,
                e.deleted_at IS NOT NULL
         FROM mentoring_entries e LEFT JOIN attendees p ON p.id = e.partner_id
         WHERE e.id = ?1",
    )?
    .query_row([id.as_str()], |r| {
        let partner = match (
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ) {
            (Some(badge), _) => {
                Partner::Badge(BadgeCode::parse(&badge).map_err(|e| super::unreadable(2, e))?)
            }
            (None, name) => Partner::Name(name.unwrap_or_default()),
        };
        let standards: String = r.get(8)?;
        let standards: Vec<String> =
            serde_json::from_str(&standards).map_err(|e| super::unreadable(8, e))?;
        Ok(Stored {
            author_id: r.get(0)?,
            partner_id: r.get(1)?,
            entry: Entry {
                partner,
                role: MentoringRole::parse(&r.get::<_, String>(4)?)
                    .map_err(|e| super::unreadable(4, e))?,
                date: EntryDate::parse(&r.get::<_, String>(5)?)
                    .map_err(|e| super::unreadable(5, e))?,
                minutes: Minutes::new(r.get(6)?).map_err(|e| super::unreadable(6, e))?,
                activity: Activity::parse(&r.get::<_, String>(7)?)
                    .map_err(|e| super::unreadable(7, e))?,
                standards: mentoring::parse_standards(standards.iter().map(String::as_str))
                    .map_err(|e| super::unreadable(8, e))?,
                note: r.get(9)?,
            },
            confirmed: r.get(10)?,
            deleted: r.get(11)?,
        })
    })
    .optional()
}

fn standards_json(entry: &Entry) -> String {
    serde_json::Value::Array(entry.standards.iter().map(|s| s.as_str().into()).collect())
        .to_string()
}

pub struct NewEntry<'a> {
    pub id: &'a EntryId,
    pub author_id: i64,
    /// Set when the partner is at the conference; else the entry's
    /// partner is the free-text name.
    pub partner_id: Option<i64>,
    pub entry: &'a Entry,
    pub device_id: &'a str,
    pub device_at: &'a str,
    pub now: &'a str,
}

pub fn insert(conn: &Connection, n: &NewEntry<'_>) -> Result<(), rusqlite::Error> {
    let partner_name = match (&n.entry.partner, n.partner_id) {
        (Partner::Name(name), None) => Some(name.as_str()),
        _ => None,
    };
    let e = n.entry;
    conn.prepare_cached(
        "INSERT INTO mentoring_entries (id, author_id, partner_id, partner_name, role, date,
             minutes, activity, standards, note, device_id, device_at, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
    )?
    .execute(params![
        n.id.as_str(),
        n.author_id,
        n.partner_id,
        partner_name,
        e.role.as_str(),
        e.date.to_string(),
        e.minutes.get(),
        e.activity.as_str(),
        standards_json(e),
        e.note,
        n.device_id,
        n.device_at,
        n.now,
        next_version(conn)?,
    ])?;
    Ok(())
}

/// Writes an edited entry; `unconfirm` clears its confirmation.
pub fn save(
    conn: &Connection,
    id: &EntryId,
    e: &Entry,
    unconfirm: bool,
    now: &str,
) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "UPDATE mentoring_entries SET role = ?2, date = ?3, minutes = ?4, activity = ?5,
             standards = ?6, note = ?7, updated_at = ?8, version = ?9,
             confirmed_at = CASE WHEN ?10 THEN NULL ELSE confirmed_at END
         WHERE id = ?1",
    )?
    .execute(params![
        id.as_str(),
        e.role.as_str(),
        e.date.to_string(),
        e.minutes.get(),
        e.activity.as_str(),
        standards_json(e),
        e.note,
        now,
        next_version(conn)?,
        unconfirm,
    ])?;
    Ok(())
}

/// Marks the entry deleted and forgets its note: nobody may read it again.
pub fn delete(conn: &Connection, id: &EntryId, now: &str) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "UPDATE mentoring_entries SET deleted_at = ?2, updated_at = ?2, note = '', version = ?3
         WHERE id = ?1",
    )?
    .execute(params![id.as_str(), now, next_version(conn)?])?;
    Ok(())
}

pub fn confirm(conn: &Connection, id: &EntryId, now: &str) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "UPDATE mentoring_entries SET confirmed_at = ?2, version = ?3 WHERE id = ?1",
    )?
    .execute(params![id.as_str(), now, next_version(conn)?])?;
    Ok(())
}

/// Keeps a confirmation whose entry has not arrived yet.
pub fn wait_for_entry(
    conn: &Connection,
    id: &EntryId,
    attendee_id: i64,
    seen: &Terms,
    now: &str,
) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO mentoring_waiting_confirms (entry_id, attendee_id, terms, received_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        id.as_str(),
        attendee_id,
        serde_json::to_string(seen).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?,
        now
    ])?;
    Ok(())
}

/// Whether a waiting confirmation from `partner_id` signs exactly `terms`;
/// the waiting confirmations of the entry are settled either way.
pub fn settle_waiting(
    conn: &Connection,
    id: &EntryId,
    partner_id: i64,
    terms: &Terms,
) -> Result<bool, rusqlite::Error> {
    let waiting: Option<String> = conn
        .prepare_cached(
            "SELECT terms FROM mentoring_waiting_confirms WHERE entry_id = ?1 AND attendee_id = ?2",
        )?
        .query_row(params![id.as_str(), partner_id], |r| r.get(0))
        .optional()?;
    conn.prepare_cached("DELETE FROM mentoring_waiting_confirms WHERE entry_id = ?1")?
        .execute([id.as_str()])?;
    // A confirmation whose terms no longer read is one nobody can match.
    let seen = waiting.and_then(|text| serde_json::from_str::<Terms>(&text).ok());
    Ok(seen.as_ref() == Some(terms))
}

/// What pull sends. `?1` is the reading attendee: the note goes to its
/// author only, here in the query, so no other path can leak it.
pub const DATA_COLUMNS: &str = "e.id, e.author_id, a.first_name || ' ' || a.last_name,
     e.partner_id, p.badge_code, coalesce(p.first_name || ' ' || p.last_name, e.partner_name),
     e.role, e.date, e.minutes, e.activity, e.standards,
     CASE WHEN e.author_id = ?1 THEN e.note END, e.confirmed_at, e.updated_at, e.version,
     e.deleted_at IS NOT NULL";

pub const FROM: &str = "mentoring_entries e JOIN attendees a ON a.id = e.author_id
     LEFT JOIN attendees p ON p.id = e.partner_id";

/// (version, deleted, data) of a row selected with [`DATA_COLUMNS`].
pub fn from_row(r: &Row<'_>) -> Result<(i64, bool, MentoringEntryData), rusqlite::Error> {
    let standards: String = r.get(10)?;
    Ok((
        r.get(14)?,
        r.get(15)?,
        MentoringEntryData {
            id: r.get(0)?,
            author_id: r.get::<_, i64>(1)?.to_string(),
            author_name: r.get(2)?,
            partner_id: r.get::<_, Option<i64>>(3)?.map(|p| p.to_string()),
            partner_badge: r.get(4)?,
            partner_name: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            role: super::named(r, 6)?,
            date: r.get(7)?,
            minutes: r.get(8)?,
            activity: super::named(r, 9)?,
            standards: serde_json::from_str(&standards).map_err(|e| super::unreadable(10, e))?,
            note: r.get(11)?,
            confirmed_at: r.get(12)?,
            updated_at: r.get(13)?,
        },
    ))
}

/// Entries `author_id` logged on the UTC day `day` (`YYYY-MM-DD`).
pub fn logged_on(conn: &Connection, author_id: i64, day: &str) -> Result<i64, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT count(*) FROM mentoring_entries WHERE author_id = ?1 AND created_at >= ?2",
    )?
    .query_row(params![author_id, day], |r| r.get(0))
}

/// Confirmations `attendee_id` sent on the UTC day `day` that still wait
/// for their entry.
pub fn waiting_on(conn: &Connection, attendee_id: i64, day: &str) -> Result<i64, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT count(*) FROM mentoring_waiting_confirms WHERE attendee_id = ?1 AND received_at >= ?2",
    )?
    .query_row(params![attendee_id, day], |r| r.get(0))
}

/// Notes that `attendee_id` named a badge code nobody has, at `at` (unix
/// seconds), and answers how many such misses they made since `since`.
pub fn record_miss(
    conn: &Connection,
    attendee_id: i64,
    at: i64,
    since: i64,
) -> Result<i64, rusqlite::Error> {
    conn.prepare_cached("INSERT INTO mentoring_misses (attendee_id, at) VALUES (?1, ?2)")?
        .execute(params![attendee_id, at])?;
    conn.prepare_cached("DELETE FROM mentoring_misses WHERE at < ?1")?
        .execute([since - 24 * 60 * 60])?;
    misses_since(conn, attendee_id, since)
}

/// Misses `attendee_id` made since `since` (unix seconds).
pub fn misses_since(
    conn: &Connection,
    attendee_id: i64,
    since: i64,
) -> Result<i64, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT count(*) FROM mentoring_misses WHERE attendee_id = ?1 AND at >= ?2",
    )?
    .query_row(params![attendee_id, since], |r| r.get(0))
}
