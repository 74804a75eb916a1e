//! The SQLite store: one file, WAL, `synchronous=FULL`, forward-only
//! migrations. Writes go through one writer thread that groups whatever is
//! queued into one transaction (group commit); reads use their own
//! connections, so a slow read never holds up a write.

mod pool;
mod writer;

pub mod attendees;
pub mod changes;
pub mod checkins;
pub mod devices;
pub mod mentoring;
pub mod organizers;
pub mod registrations;
pub mod reports;
pub mod sessions;
pub mod signin;

use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

pub use writer::{WriteError, WriterStats};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migrating the database: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("the transaction could not be committed: {0}")]
    Commit(String),
    #[error("the writer thread has stopped")]
    WriterGone,
    #[error("a read task failed: {0}")]
    ReadTask(String),
    #[error("stored data is not what it should be: {0}")]
    Corrupt(String),
}

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/001_init.sql")),
        M::up(include_str!("migrations/002_devices_registrations.sql")),
        M::up(include_str!("migrations/003_kiosks_checkins.sql")),
        M::up(include_str!("migrations/004_mentoring.sql")),
        M::up(include_str!("migrations/005_checkin_at_door.sql")),
        M::up(include_str!("migrations/006_organizers.sql")),
        M::up(include_str!("migrations/007_signin.sql")),
        M::up(include_str!("migrations/008_one_index_per_place.sql")),
        M::up(include_str!("migrations/009_first_entries.sql")),
        M::up(include_str!("migrations/010_registrations_held.sql")),
        M::up(include_str!("migrations/011_checkins_in_version_order.sql")).foreign_key_check(),
    ])
}

/// Runs the migrations this build knows on `conn`.
pub fn migrate(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    migrations().to_latest(conn)
}

/// The schema version this build migrates to (SQLite's `user_version`).
pub fn schema_version() -> i64 {
    // One migration a version; the list is written out above.
    11
}

/// A fresh epoch: 128 random bits in hex, as the first migration makes one.
pub fn new_epoch() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Column `i`, holding one of a wire enum's names (`Status`, `CheckinKind`,
/// ...): read through the type's own serde names, so the database and the
/// wire spell each value one way. An unknown name is a conversion error.
pub fn named<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    i: usize,
) -> Result<T, rusqlite::Error> {
    let text: String = r.get(i)?;
    parse_name(i, &text)
}

/// As [`named`], for a column that may be NULL.
pub fn named_or_null<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    i: usize,
) -> Result<Option<T>, rusqlite::Error> {
    match r.get::<_, Option<String>>(i)? {
        Some(text) => parse_name(i, &text).map(Some),
        None => Ok(None),
    }
}

fn parse_name<T: serde::de::DeserializeOwned>(i: usize, text: &str) -> Result<T, rusqlite::Error> {
    use serde::de::IntoDeserializer;
    T::deserialize(text.into_deserializer()).map_err(|e: serde::de::value::Error| unreadable(i, e))
}

/// Column `i` holds what our own types refuse: no writer of ours stored
/// it, so the row is reported as unreadable rather than shown half right.
fn unreadable(i: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

/// Settings every connection gets. `synchronous=FULL` because a device
/// deletes what we acknowledged: an acknowledged write must survive a power
/// cut, not only a crash.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Savepoints (one per write job) keep their undo pages here: in memory
    // rather than in a temporary file written through the kernel.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // 64 MiB of page cache (negative: KiB) keeps the hot indexes resident.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // When the writer starts the log over, a file that grew past this
    // under a burst is cut back to it (see `writer`).
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    Ok(())
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    Ok(conn)
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    writer: writer::Writer,
    readers: Arc<pool::ReadPool>,
    /// The checkpoint thread stops once every handle is gone.
    _alive: Arc<()>,
}

/// Who copies the write-ahead log back into the database file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Checkpoints {
    /// A thread of the server's own, every 25 ms, never blocking a commit.
    #[default]
    Server,
    /// Litestream, which replicates the database; the server never checkpoints
    // Litestream copies the WAL before it checkpoints, holding a read lock
    // so that nobody restarts the log under it; a checkpoint of ours can
    // race its lock changes, after which it must start its replica over
    // from a full snapshot. So the server leaves checkpoints to it
    // (litestream.io/tips, "Disable autocheckpoints").
    Litestream,
}

/// How often the WAL is copied back into the database file. Often, so that
/// the writer's restarts (`writer`) find little left to copy: under load
/// the log grows by several megabytes in 25 ms.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(25);

/// Copies the WAL into the database file on a thread of its own, so that
/// the bulk of that work never holds up the writer (SQLite's automatic
/// checkpoint would run inside the committing writer); the writer's own
/// restart of the log (`writer`) then finds little left to copy. PASSIVE:
/// it never blocks readers or a commit; a restart that wants its turn
/// waits for the copy in progress (`writer::CheckpointTurn`).
fn spawn_checkpointer(
    path: &Path,
    turn: writer::CheckpointTurn,
    alive: std::sync::Weak<()>,
) -> Result<(), StoreError> {
    let conn = open_connection(path)?;
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while alive.upgrade().is_some() {
                std::thread::sleep(CHECKPOINT_EVERY);
                let _turn = turn.take();
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpoint failed");
                }
            }
        })
        .map_err(|e| StoreError::Commit(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`,
    /// checkpointing it itself.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, Checkpoints::Server)
    }

    /// As [`Store::open`], with the WAL checkpointed by `checkpoints`. The
    /// writer never checkpoints as it commits, in either case.
    pub fn open_with(path: &Path, checkpoints: Checkpoints) -> Result<Self, StoreError> {
        let mut conn = open_connection(path)?;
        migrations().to_latest(&mut conn)?;
        signin::prepare(&conn)?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let alive = Arc::new(());
        let turn = writer::CheckpointTurn::default();
        if checkpoints == Checkpoints::Server {
            spawn_checkpointer(path, turn.clone(), Arc::downgrade(&alive))?;
        }
        Ok(Store {
            writer: writer::Writer::spawn(conn, checkpoints, turn)?,
            readers: Arc::new(pool::ReadPool::new(path.to_path_buf())),
            _alive: alive,
        })
    }

    /// Runs `f` inside a write transaction, possibly grouped with other
    /// writers' work. Answers only once the transaction is durable. If `f`
    /// fails, its own changes are rolled back and the others' are kept.
    /// `f` may run more than once (see `writer`), each time on a database
    /// where its earlier run left nothing.
    pub async fn write<T, F>(&self, f: F) -> Result<T, WriteError>
    where
        F: FnMut(&Connection) -> Result<T, WriteError> + Send + 'static,
        T: Send + 'static,
    {
        self.writer.submit(f).await
    }

    /// How large the writer's groups have been, and how busy it was.
    pub fn writer_stats(&self) -> writer::WriterStats {
        self.writer.stats()
    }

    /// Runs `f` on a read connection off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || readers.with(f))
            .await
            .map_err(|e| StoreError::ReadTask(e.to_string()))?
    }
}

/// Takes the next version number for a row change. Call inside a write.
/// In the writer thread the counter lives in memory for the length of the
/// transaction and is stored once before it commits (see `writer`): the
/// `meta` row is then written once per transaction, not once per row.
pub fn next_version(conn: &Connection) -> Result<i64, rusqlite::Error> {
    if let Some(version) = writer::take_version() {
        return Ok(version);
    }
    conn.prepare_cached("UPDATE meta SET version = version + 1 WHERE id = 1 RETURNING version")?
        .query_row([], |r| r.get(0))
}

/// The database's epoch and its latest version.
pub fn epoch_and_version(conn: &Connection) -> Result<(String, i64), rusqlite::Error> {
    conn.query_row("SELECT epoch, version FROM meta WHERE id = 1", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
}

/// The steps of SQLite's plan for `query`, for tests that check which
/// indexes it reads. Parameters left unbound plan as they run: the plan
/// does not depend on their values.
#[cfg(test)]
pub(crate) fn plan_of(conn: &Connection, query: &str) -> Vec<String> {
    let mut explain = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {query}"))
        .expect("explain");
    explain
        .raw_query()
        .mapped(|r| r.get(3))
        .collect::<Result<_, _>>()
        .expect("plan")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::OptionalExtension;

    #[test]
    fn a_column_is_read_by_its_wire_name_and_an_unknown_one_is_an_error() {
        use app::domain::checkin::AtDoor;
        let conn = Connection::open_in_memory().expect("memory");
        let read = |sql: &str| -> Result<Option<AtDoor>, rusqlite::Error> {
            conn.query_row(sql, [], |r| named_or_null(r, 0))
        };
        assert_eq!(
            read("SELECT 'walk_in'").expect("walk_in"),
            Some(AtDoor::WalkIn)
        );
        assert_eq!(read("SELECT NULL").expect("null"), None);
        match read("SELECT 'walk-in'") {
            Err(rusqlite::Error::FromSqlConversionFailure(0, _, e)) => {
                assert!(e.to_string().contains("walk-in"), "{e}")
            }
            other => panic!("expected a conversion failure, got {other:?}"),
        }
        let kind: Result<app::domain::checkin::CheckinKind, _> =
            conn.query_row("SELECT 'exit'", [], |r| named(r, 0));
        assert_eq!(kind.expect("exit"), app::domain::checkin::CheckinKind::Exit);
    }

    #[test]
    fn the_schema_version_is_the_number_of_migrations() {
        let mut conn = Connection::open_in_memory().expect("memory");
        migrate(&mut conn).expect("migrate");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version");
        assert_eq!(version, schema_version());
    }

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    /// Session 1 and attendees 1 to 3, in columns every schema version
    /// has had: what the migration tests record check-ins against.
    const A_SESSION_AND_THREE_ATTENDEES: &str = "
        INSERT INTO sessions (id, code, title, description, kind, topic, career_families, room,
                              starts_at, ends_at, presenter, version)
        VALUES (1, 'A-1', 'A', '', 'workshop', '', '', 'R', 's', 'e', '', 1);
        INSERT INTO attendees (id, badge_code, first_name, last_name, email, state, local,
                               career_family, role, version)
        VALUES (1, 'T-1', 'A', 'A', '', '', '', '', 'attendee', 2),
               (2, 'T-2', 'B', 'B', '', '', '', '', 'attendee', 3),
               (3, 'T-3', 'C', 'C', '', '', '', '', 'attendee', 4);";

    /// Session entries recorded before check-ins carried `at_door` get what
    /// their registration says when the database is upgraded.
    #[test]
    fn the_at_door_migration_flags_earlier_session_entries() {
        let mut conn = Connection::open_in_memory().expect("memory");
        migrations().to_version(&mut conn, 4).expect("to 4");
        conn.execute_batch(A_SESSION_AND_THREE_ATTENDEES)
            .expect("people at version 4");
        conn.execute_batch(
            "INSERT INTO registrations (id, attendee_id, session_id, status, queued, device_id,
                                        device_at, created_at, version)
             VALUES ('r1', 1, 1, 'waitlisted', 5, 'd', '', '', 5),
                    ('r3', 3, 1, 'cancelled', 6, 'd', '', '', 6);
             INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at,
                                   received_at, version)
             VALUES ('c1', 1, 1, 'entry', 'k', '', '', 7),
                    ('c2', 2, 1, 'entry', 'k', '', '', 8),
                    ('c3', 3, 1, 'entry', 'k', '', '', 9),
                    ('c4', 2, 1, 'exit', 'k', '', '', 10),
                    ('c5', 2, NULL, 'entry', 'k', '', '', 11);",
        )
        .expect("rows at version 4");

        migrations().to_latest(&mut conn).expect("to latest");

        let flags: Vec<(String, Option<String>)> = conn
            .prepare("SELECT id, at_door FROM checkins ORDER BY id")
            .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .expect("flags");
        let flag = |s: &str| Some(s.to_owned());
        assert_eq!(
            flags,
            vec![
                ("c1".into(), flag("waitlisted")),
                ("c2".into(), flag("walk_in")),
                ("c3".into(), flag("walk_in")),
                ("c4".into(), None),
                ("c5".into(), None),
            ]
        );
    }

    /// A check-in recorded before check-ins carried their seq keeps its
    /// row in `results`; one recorded after is its own result. A device
    /// asking for both gets each once.
    #[test]
    fn results_from_before_and_after_the_seq_migration_are_each_answered_once() {
        let mut conn = Connection::open_in_memory().expect("memory");
        migrations().to_version(&mut conn, 8).expect("to 8");
        conn.execute_batch(
            "INSERT INTO attendees (id, badge_code, first_name, last_name, email, state, local,
                                    career_family, role, version)
             VALUES (1, 'T-1', 'A', 'A', '', '', '', '', 'attendee', 1);
             INSERT INTO devices (id, token_hash, scope, created_at, protocol, name)
             VALUES ('k', x'01', 'kiosk', '', 1, 'Kiosk A');
             INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at,
                                   received_at, version)
             VALUES ('c1', 1, NULL, 'entry', 'k', '2027-03-26T09:02:00Z', '', 2);
             INSERT INTO results (device_id, seq, status, outcome)
             VALUES ('k', 1, 'applied', '{\"checkin_id\":\"c1\",\"attendee_id\":\"1\"}');",
        )
        .expect("rows at version 8");
        migrations().to_latest(&mut conn).expect("to latest");
        conn.execute_batch(
            "INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at,
                                   received_at, version, duplicate_of, seq)
             VALUES ('c2', 1, NULL, 'entry', 'k', '2027-03-26T09:05:00Z', '', 3, 'c1', 2);",
        )
        .expect("a check-in after");

        let results = devices::results(&conn, "k", 1, 2).expect("results");
        let answered: Vec<(u64, Option<serde_json::Value>)> = results
            .into_iter()
            .map(|r| {
                (
                    r.seq,
                    r.outcome_as::<serde_json::Value>()
                        .map(|o| o["checkin_id"].clone()),
                )
            })
            .collect();
        assert_eq!(
            answered,
            vec![
                (1, Some(serde_json::json!("c1"))),
                (2, Some(serde_json::json!("c2")))
            ]
        );
        let again = devices::results(&conn, "k", 2, 2).expect("results");
        let outcome = again[0].outcome_as::<serde_json::Value>().expect("outcome");
        assert_eq!(outcome["duplicate_of"], "c1");
        assert_eq!(outcome["first_at"], "2027-03-26T09:02:00Z");
        assert_eq!(outcome["first_kiosk"], "Kiosk A");
    }

    /// Check-ins move into a table whose row id is their version with
    /// every column and pointer as it was (one that points at a later
    /// version too), and a pull's range of versions is read from the table
    /// itself.
    #[test]
    fn the_version_order_migration_keeps_every_check_in_as_it_was() {
        let mut conn = Connection::open_in_memory().expect("memory");
        conn.pragma_update(None, "foreign_keys", "ON").expect("fks");
        migrations().to_version(&mut conn, 10).expect("to 10");
        conn.execute_batch(A_SESSION_AND_THREE_ATTENDEES)
            .expect("people at version 10");
        conn.execute_batch(
            "INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at,
                                   received_at, duplicate_of, version, at_door, seq)
             VALUES ('c3', 1, 1, 'entry', 'k', 'a3', 'r3', NULL, 7, 'walk_in', 3),
                    ('c1', 1, 1, 'entry', 'k', 'a1', 'r1', 'c3', 9, 'walk_in', 4),
                    ('c2', 2, NULL, 'exit', 'j', 'a2', 'r2', NULL, 8, NULL, NULL),
                    ('c4', 2, NULL, 'entry', 'j', 'a4', 'r4', 'c2', 6, NULL, NULL);",
        )
        .expect("rows at version 10");
        let rows = |conn: &Connection| -> Vec<Vec<rusqlite::types::Value>> {
            conn.prepare(
                "SELECT id, attendee_id, session_id, kind, device_id, device_at, received_at,
                        duplicate_of, version, at_door, seq FROM checkins ORDER BY id",
            )
            .and_then(|mut q| {
                q.query_map([], |r| (0..11).map(|i| r.get(i)).collect())?
                    .collect()
            })
            .expect("rows")
        };
        let before = rows(&conn);

        migrations().to_latest(&mut conn).expect("to latest");

        assert_eq!(rows(&conn), before);
        let broken: Option<String> = conn
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()
            .expect("foreign key check");
        assert_eq!(broken, None);
        let in_row_order: Vec<String> = conn
            .prepare("SELECT id FROM checkins ORDER BY rowid")
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
            .expect("row order");
        assert_eq!(in_row_order, ["c4", "c3", "c2", "c1"], "version order");
        let plan = plan_of(
            &conn,
            "SELECT id FROM checkins c WHERE c.version > ?1 ORDER BY c.version LIMIT ?2",
        );
        assert_eq!(plan, ["SEARCH c USING INTEGER PRIMARY KEY (rowid>?)"]);
    }
}
