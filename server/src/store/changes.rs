//! Reading what changed after a version, for pull. Every row carries the
//! version of its last change and every version is used once, so ordering by
//! version pages through changes exactly, even while writes go on.

use app::protocol::{Change, Entity, Json};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{StoreError, attendees, checkins, mentoring, registrations, sessions};

/// Which rows a device may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// No token: the program and its seat counts.
    Public,
    /// An attendee's phone: the program, their own attendee row, their
    /// own registrations and check-ins.
    Attendee { attendee_id: i64 },
    /// A check-in kiosk: the program with who is registered for each
    /// session (for session-room mode), the roster (never emails) and every
    /// check-in.
    Kiosk,
}

pub struct Page {
    pub changes: Vec<(i64, Change)>,
    pub more: bool,
    /// Rows re-sent on the last page whatever their version: an attendee's
    /// waitlisted registrations, whose positions move without a version.
    pub refreshed: Vec<Change>,
}

/// Up to `limit` changes with a version above `after`, oldest first.
/// Tombstones are skipped when `after` is 0: a device starting from nothing
/// has nothing to delete.
pub fn since(conn: &Connection, scope: Scope, after: i64, limit: u32) -> Result<Page, StoreError> {
    let fetch = i64::from(limit) + 1;
    let mut all: Vec<(i64, Change)> = Vec::new();
    // Each query returns at most `fetch` rows; merged and cut to `limit`,
    // every row at or below the last version kept is in the page.
    let (columns, read): (&str, fn(&rusqlite::Row<'_>) -> rusqlite::Result<_>) = match scope {
        Scope::Kiosk => (
            sessions::DATA_COLUMNS_WITH_REGISTRANTS,
            sessions::from_row_with_registrants,
        ),
        _ => (sessions::DATA_COLUMNS, sessions::from_row),
    };
    puts(
        conn,
        Entity::Session,
        &format!("SELECT {columns} FROM sessions WHERE version > ?1 ORDER BY version LIMIT ?2"),
        params![after, fetch],
        |r| read(r).map(|(v, d)| (v, d.id.clone(), json(&d))),
        &mut all,
    )?;
    tombstones(conn, Entity::Session, after, fetch, &mut all)?;
    // `?1` is the attendee's id in the attendee scope and unused (0) in the
    // kiosk's; each query says which rows of its entity the scope holds.
    let (who, filter) = match scope {
        Scope::Public => (0, None),
        Scope::Attendee { attendee_id } => (attendee_id, Some("= ?1")),
        Scope::Kiosk => (0, Some("IS NOT NULL OR ?1 = 0")),
    };
    if let Some(filter) = filter {
        puts(
            conn,
            Entity::Attendee,
            &format!(
                "SELECT {} FROM attendees WHERE (id {filter}) AND version > ?2 ORDER BY version LIMIT ?3",
                attendees::DATA_COLUMNS
            ),
            params![who, after, fetch],
            |r| {
                attendees::from_row(r).map(|(v, mut d)| {
                    // Only the attendee's own phone shows their badge.
                    if let Scope::Attendee { .. } = scope {
                        d.badge_qr = crate::badge::qr_modules(&d.badge_code);
                    }
                    (v, d.id.clone(), json(&d))
                })
            },
            &mut all,
        )?;
        if scope != Scope::Kiosk {
            puts(
                conn,
                Entity::Registration,
                &format!(
                "SELECT {} FROM registrations r WHERE (r.attendee_id {filter}) AND r.version > ?2
                 ORDER BY r.version LIMIT ?3",
                registrations::DATA_COLUMNS
            ),
                params![who, after, fetch],
                |r| registrations::from_row(r).map(|(v, d)| (v, d.id.clone(), json(&d))),
                &mut all,
            )?;
        }
        let columns = checkins::DATA_COLUMNS;
        let checkins_of_scope = match scope {
            // The indexes by person are by place, then person, one of
            // first entries and one of the rest (store migration 009): a
            // person's check-ins are a seek in each at every place, the
            // conference's door and each session's.
            Scope::Attendee { .. } => {
                let branches: Vec<String> = [checkins::FIRST, checkins::REPEATS]
                    .iter()
                    .flat_map(|rows| {
                        ["c.session_id IS NULL", "c.session_id IN (SELECT id FROM sessions)"]
                            .map(|place| {
                                format!(
                                    "SELECT {columns} FROM checkins c
                                      WHERE {place} AND c.attendee_id = ?1 AND {rows} AND c.version > ?2"
                                )
                            })
                    })
                    .collect();
                format!(
                    "SELECT * FROM ({}) ORDER BY version LIMIT ?3",
                    branches.join(" UNION ALL ")
                )
            }
            _ => format!(
                "SELECT {columns} FROM checkins c WHERE (c.attendee_id {filter}) AND c.version > ?2
                 ORDER BY c.version LIMIT ?3"
            ),
        };
        puts(
            conn,
            Entity::Checkin,
            &checkins_of_scope,
            params![who, after, fetch],
            |r| checkins::from_row(r).map(|(v, d)| (v, d.id.clone(), json(&d))),
            &mut all,
        )?;
    }
    if let Scope::Attendee { attendee_id } = scope {
        mentoring_entries(conn, attendee_id, after, fetch, &mut all)?;
    }
    all.sort_by_key(|(version, _)| *version);
    let more = all.len() > limit as usize;
    all.truncate(limit as usize);
    let mut refreshed = Vec::new();
    if let (Scope::Attendee { attendee_id }, false) = (scope, more) {
        for data in registrations::waitlisted_of(conn, attendee_id)? {
            refreshed.push(Change::Put {
                entity: Entity::Registration,
                id: data.id.clone(),
                data: json(&data).map_err(StoreError::Corrupt)?,
            });
        }
    }
    Ok(Page {
        changes: all,
        more,
        refreshed,
    })
}

/// The attendee's own entries and those naming them as partner; a deleted
/// one as a tombstone (to those two only), unless the device starts from
/// nothing.
fn mentoring_entries(
    conn: &Connection,
    attendee_id: i64,
    after: i64,
    fetch: i64,
    out: &mut Vec<(i64, Change)>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE (e.author_id = ?1 OR e.partner_id = ?1) AND e.version > ?2
         AND (e.deleted_at IS NULL OR ?2 > 0) ORDER BY e.version LIMIT ?3",
        mentoring::DATA_COLUMNS,
        mentoring::FROM
    ))?;
    let rows = stmt.query_map(params![attendee_id, after, fetch], mentoring::from_row)?;
    for row in rows {
        let (version, deleted, data) = row?;
        let entity = Entity::MentoringEntry;
        let change = if deleted {
            Change::Del {
                entity,
                id: data.id,
            }
        } else {
            let id = data.id.clone();
            let data = json(&data).map_err(StoreError::Corrupt)?;
            Change::Put { entity, id, data }
        };
        out.push((version, change));
    }
    Ok(())
}

fn json<T: Serialize>(data: &T) -> Result<Json, String> {
    Json::of(data).map_err(|e| e.to_string())
}

type RowData = (i64, String, Result<Json, String>);

fn puts(
    conn: &Connection,
    entity: Entity,
    sql: &str,
    params: impl rusqlite::Params,
    read: impl Fn(&rusqlite::Row<'_>) -> Result<RowData, rusqlite::Error>,
    out: &mut Vec<(i64, Change)>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, read)?;
    for row in rows {
        let (version, id, data) = row?;
        let data = data.map_err(StoreError::Corrupt)?;
        out.push((version, Change::Put { entity, id, data }));
    }
    Ok(())
}

fn tombstones(
    conn: &Connection,
    entity: Entity,
    after: i64,
    fetch: i64,
    out: &mut Vec<(i64, Change)>,
) -> Result<(), StoreError> {
    if after == 0 {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, version FROM tombstones WHERE entity = ?1 AND version > ?2 ORDER BY version LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![entity.as_str(), after, fetch], |r| {
        Ok((
            r.get::<_, i64>(1)?,
            Change::Del {
                entity,
                id: r.get(0)?,
            },
        ))
    })?;
    for row in rows {
        out.push(row?);
    }
    Ok(())
}
