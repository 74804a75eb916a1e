//! Reading what changed after a version, for pull. Every row carries the
//! version of its last change and every version is used once, so ordering by
//! version pages through changes exactly, even while writes go on.

use app::protocol::{Change, Entity};
use rusqlite::{Connection, params};

use super::{StoreError, sessions};

/// Which entities a device may see. Only the public scope exists so far;
/// attendee, kiosk and organizer scopes add entities to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Public,
}

impl Scope {
    fn entities(self) -> &'static [Entity] {
        match self {
            Scope::Public => &[Entity::Session],
        }
    }
}

pub struct Page {
    pub changes: Vec<(i64, Change)>,
    pub more: bool,
}

/// Up to `limit` changes with a version above `after`, oldest first.
/// Tombstones are skipped when `after` is 0: a device starting from nothing
/// has nothing to delete.
pub fn since(conn: &Connection, scope: Scope, after: i64, limit: u32) -> Result<Page, StoreError> {
    let fetch = i64::from(limit) + 1;
    let mut all: Vec<(i64, Change)> = Vec::new();
    for entity in scope.entities() {
        match entity {
            Entity::Session => {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {} FROM sessions WHERE version > ?1 ORDER BY version LIMIT ?2",
                    sessions::DATA_COLUMNS
                ))?;
                let rows = stmt.query_map(params![after, fetch], sessions::from_row)?;
                for row in rows {
                    let (version, data) = row?;
                    let id = data.id.clone();
                    let data = serde_json::to_value(data)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    all.push((
                        version,
                        Change::Put {
                            entity: Entity::Session,
                            id,
                            data,
                        },
                    ));
                }
            }
            other => {
                return Err(StoreError::Corrupt(format!(
                    "no reader for {}",
                    other.as_str()
                )));
            }
        }
        if after > 0 {
            let mut stmt = conn.prepare_cached(
                "SELECT id, version FROM tombstones WHERE entity = ?1 AND version > ?2 ORDER BY version LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![entity.as_str(), after, fetch], |r| {
                Ok((
                    r.get::<_, i64>(1)?,
                    Change::Del {
                        entity: *entity,
                        id: r.get(0)?,
                    },
                ))
            })?;
            for row in rows {
                all.push(row?);
            }
        }
    }
    all.sort_by_key(|(version, _)| *version);
    let more = all.len() > limit as usize;
    all.truncate(limit as usize);
    Ok(Page { changes: all, more })
}
