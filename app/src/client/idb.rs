//! The device's durable store: IndexedDB, never localStorage. One database,
//! `hallpass`, with one object store per entity and `meta` for the cursor.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use crate::protocol::{Change, Entity, PullResponse, SessionData};

const DB_NAME: &str = "hallpass";
const DB_VERSION: u32 = 1;
const SESSIONS: &str = "sessions";
const META: &str = "meta";
const META_KEY: &str = "sync";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncMeta {
    pub cursor: Option<String>,
    pub last_synced_ms: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Idb(String),
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError::Idb(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError::Idb(e.to_string())
    }
}

pub struct LocalStore {
    db: Database,
}

impl LocalStore {
    pub async fn open() -> Result<Self, StoreError> {
        let db = Database::open(DB_NAME)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // Versions only move forward; each step adds what it needs.
                if event.old_version() < 1.0 {
                    db.create_object_store(SESSIONS).build()?;
                    db.create_object_store(META).build()?;
                }
                Ok(())
            })
            .await?;
        Ok(LocalStore { db })
    }

    pub async fn sessions(&self) -> Result<Vec<SessionData>, StoreError> {
        let tx = self.db.transaction(SESSIONS).build()?;
        let store = tx.object_store(SESSIONS)?;
        let rows = store.get_all::<SessionData>().serde()?.await?;
        Ok(rows.filter_map(Result::ok).collect())
    }

    pub async fn meta(&self) -> Result<SyncMeta, StoreError> {
        let tx = self.db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        let meta: Option<SyncMeta> = store.get(META_KEY).serde()?.await?;
        Ok(meta.unwrap_or_default())
    }

    /// Records when the device last finished a sync.
    pub async fn mark_synced(&self, at_ms: f64) -> Result<(), StoreError> {
        let meta = SyncMeta {
            last_synced_ms: Some(at_ms),
            ..self.meta().await?
        };
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(META)?
            .put(meta)
            .with_key(META_KEY.to_owned())
            .serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies one pull page and records its cursor, in one transaction.
    pub async fn apply_pull(&self, page: &PullResponse) -> Result<(), StoreError> {
        let previous = self.meta().await?;
        let tx = self
            .db
            .transaction([SESSIONS, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let sessions = tx.object_store(SESSIONS)?;
        if page.reset {
            sessions.clear()?;
        }
        for change in &page.changes {
            match change {
                Change::Put {
                    entity: Entity::Session,
                    id,
                    data,
                } => {
                    // Keep the row as the server sent it; the page decides
                    // how to show it.
                    if let Ok(row) = serde_json::from_value::<SessionData>(data.clone()) {
                        sessions.put(row).with_key(id.clone()).serde()?;
                    }
                }
                Change::Del {
                    entity: Entity::Session,
                    id,
                } => {
                    sessions.delete(id.clone()).build()?;
                }
                // Entities of other scopes arrive once sign-in exists.
                _ => {}
            }
        }
        let meta = SyncMeta {
            cursor: Some(page.cursor.clone()),
            last_synced_ms: previous.last_synced_ms,
        };
        tx.object_store(META)?
            .put(meta)
            .with_key(META_KEY.to_owned())
            .serde()?;
        tx.commit().await?;
        Ok(())
    }
}
