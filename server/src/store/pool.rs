//! A small pool of read-only connections. WAL lets them read while the
//! writer writes.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::Connection;

use super::{StoreError, open_connection};

pub struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Idle connections kept beyond this are closed.
const MAX_IDLE: usize = 8;

impl ReadPool {
    pub fn new(path: PathBuf) -> Self {
        ReadPool {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = match self.idle.lock().map(|mut idle| idle.pop()) {
            Ok(Some(conn)) => conn,
            _ => {
                let conn = open_connection(&self.path)?;
                conn.pragma_update(None, "query_only", "ON")?;
                conn
            }
        };
        let out = f(&conn);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(conn);
        }
        out
    }
}
