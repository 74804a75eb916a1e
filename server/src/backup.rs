//! Copies of the database and putting one back (spec §6): `hallpass
//! backup FILE` while the server serves, `hallpass restore FILE` while it
//! does not. A restored database gets a new epoch, so every device learns
//! that the server forgot things and sends its log again (docs/PROTOCOL.md,
//! "Pull", `reset`; "Push", `seq_gap`).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

/// Why a backup or a restore did not happen. Each leaves every file as it
/// was.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("there is no database at {0}")]
    NoDatabase(PathBuf),
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a SQLite database")]
    NotSqlite(PathBuf),
    #[error("{path} is damaged: {report}")]
    Corrupt { path: PathBuf, report: String },
    #[error("{0} is a SQLite database, but not one of Hallpass")]
    Foreign(PathBuf),
    #[error("{0} was written by a newer Hallpass than this one; restore it with that version")]
    Newer(PathBuf),
    #[error("hallpass serve is running on {0}: stop it first, then restore")]
    ServerRunning(PathBuf),
    #[error("the database stayed locked for 30 seconds; try again")]
    Busy,
    #[error("{0} is the database itself: back up to another file")]
    SameFile(PathBuf),
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migrating {path}: {source}")]
    Migration {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |source| BackupError::Io {
        action,
        path,
        source,
    }
}

/// The lock `hallpass serve` holds on its database for as long as it runs,
/// so that a restore cannot pull the file from under it.
pub struct ServeLock {
    _file: File,
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl ServeLock {
    /// Takes the lock; `Err(ServerRunning)` when a server (or a restore)
    /// has it.
    pub fn acquire(db: &Path) -> Result<ServeLock, BackupError> {
        let path = lock_path(db);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io("cannot open", &path))?;
        match file.try_lock() {
            Ok(()) => Ok(ServeLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(BackupError::ServerRunning(db.to_path_buf()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(io("cannot lock", &path)(e)),
        }
    }
}

/// What a backup or a restore holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub epoch: String,
    pub version: i64,
    pub attendees: i64,
    pub registrations: i64,
    pub checkins: i64,
    pub mentoring_entries: i64,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} attendees, {} registrations, {} check-ins, {} mentoring entries (version {})",
            self.attendees, self.registrations, self.checkins, self.mentoring_entries, self.version
        )
    }
}

fn contents(conn: &Connection) -> Result<Contents, rusqlite::Error> {
    let (epoch, version) = crate::store::epoch_and_version(conn)?;
    let count =
        |table: &str| conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0));
    Ok(Contents {
        epoch,
        version,
        attendees: count("attendees")?,
        registrations: count("registrations")?,
        checkins: count("checkins")?,
        mentoring_entries: count("mentoring_entries")?,
    })
}

/// `PRAGMA integrity_check`, as our error.
fn integrity(conn: &Connection, path: &Path) -> Result<(), BackupError> {
    let report: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => BackupError::NotSqlite(path.to_path_buf()),
            _ => BackupError::Corrupt {
                path: path.to_path_buf(),
                report: e.to_string(),
            },
        })?;
    if report != ["ok"] {
        return Err(BackupError::Corrupt {
            path: path.to_path_buf(),
            report: report.join("; "),
        });
    }
    Ok(())
}

/// A database of ours, at a schema this build can migrate forward.
fn check_ours(conn: &Connection, path: &Path) -> Result<(), BackupError> {
    let has_meta: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get(0),
    )?;
    if !has_meta || crate::store::epoch_and_version(conn).is_err() {
        return Err(BackupError::Foreign(path.to_path_buf()));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > crate::store::schema_version() {
        return Err(BackupError::Newer(path.to_path_buf()));
    }
    Ok(())
}

fn open_read_only(path: &Path) -> Result<Connection, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Missing(path.to_path_buf()));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// Copies `from` into a new file at `to` through SQLite (so a write-ahead
/// log beside `from` is included), as one consistent snapshot.
fn copy_database(from: &Connection, to: &Path) -> Result<Connection, BackupError> {
    let mut dst = Connection::open(to)?;
    {
        let copy = Backup::new(from, &mut dst)?;
        // All pages in one step (-1): one read transaction, one snapshot,
        // never restarted by the server's writes meanwhile.
        let give_up = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            match copy.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => continue,
                // Busy or locked: another connection holds a lock a moment.
                _ if std::time::Instant::now() < give_up => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => return Err(BackupError::Busy),
            }
        }
    }
    Ok(dst)
}

/// Makes `path`'s last changes durable, and its directory's entry for it.
fn sync_file_and_dir(path: &Path) -> Result<(), BackupError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io("cannot flush", path))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io("cannot flush", dir))?;
    }
    Ok(())
}

/// A file in `target`'s directory that is not `target` yet.
fn beside(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hallpass.sqlite".into());
    target.with_file_name(format!(".{name}.{suffix}-{}", std::process::id()))
}

/// Leaves the copy at `dst` standalone (no write-ahead log beside it).
fn close_standalone(dst: Connection) -> Result<(), BackupError> {
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    dst.close().map_err(|(_, e)| BackupError::Sqlite(e))
}

/// `hallpass backup FILE`: a consistent copy of the database at `db`
/// (which may be serving), checked, then moved to `to` in one rename, so a
/// half-written backup never sits under that name.
pub fn backup(db: &Path, to: &Path) -> Result<Contents, BackupError> {
    if !db.is_file() {
        return Err(BackupError::NoDatabase(db.to_path_buf()));
    }
    if let (Ok(a), Ok(b)) = (db.canonicalize(), to.canonicalize())
        && a == b
    {
        return Err(BackupError::SameFile(to.to_path_buf()));
    }
    let src = open_read_only(db)?;
    let partial = beside(to, "partial");
    let _ = std::fs::remove_file(&partial);
    let written = (|| {
        let dst = copy_database(&src, &partial)?;
        integrity(&dst, &partial)?;
        check_ours(&dst, &partial)?;
        let held = contents(&dst)?;
        close_standalone(dst)?;
        sync_file_and_dir(&partial)?;
        std::fs::rename(&partial, to).map_err(io("cannot move the backup to", to))?;
        sync_file_and_dir(to)?;
        Ok(held)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub contents: Contents,
    /// Where the database that was there before now is.
    pub kept_aside: Option<PathBuf>,
}

/// `hallpass restore FILE`: with no server running on `db`, checks `from`,
/// migrates a copy of it forward, gives it a new epoch, keeps the current
/// database aside and puts the copy in its place. `from` itself is left as
/// it was.
pub fn restore(db: &Path, from: &Path) -> Result<Restored, BackupError> {
    let _lock = ServeLock::acquire(db)?;
    let src = open_read_only(from)?;
    integrity(&src, from)?;
    check_ours(&src, from)?;
    let staged = beside(db, "restoring");
    let _ = std::fs::remove_file(&staged);
    let prepared = (|| {
        let mut dst = copy_database(&src, &staged)?;
        crate::store::migrate(&mut dst).map_err(|source| BackupError::Migration {
            path: from.to_path_buf(),
            source,
        })?;
        dst.execute(
            "UPDATE meta SET epoch = ?1 WHERE id = 1",
            [crate::store::new_epoch()],
        )?;
        integrity(&dst, &staged)?;
        let held = contents(&dst)?;
        close_standalone(dst)?;
        sync_file_and_dir(&staged)?;
        Ok(held)
    })();
    let contents = match prepared {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            return Err(e);
        }
    };
    drop(src);
    let kept_aside = if db.exists() {
        // Everything the old database committed goes into its main file
        // first, so the file kept aside is whole on its own.
        if let Ok(old) = Connection::open(db) {
            let _ = old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            let _ = old.close();
        }
        let stamp = time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_default();
        let mut aside = db.as_os_str().to_owned();
        aside.push(format!(".before-restore-{stamp}"));
        let aside = PathBuf::from(aside);
        std::fs::rename(db, &aside).map_err(io("cannot move the current database to", &aside))?;
        // Whatever the checkpoint could not take stays with the file kept
        // aside: SQLite reads `NAME-wal` beside `NAME`.
        let side = |of: &Path, suffix: &str| {
            let mut name = of.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        if side(db, "-wal").exists() {
            std::fs::rename(side(db, "-wal"), side(&aside, "-wal"))
                .map_err(io("cannot move the current write-ahead log to", &aside))?;
        }
        let _ = std::fs::remove_file(side(db, "-shm"));
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&staged, db).map_err(io("cannot move the restored database to", db))?;
    sync_file_and_dir(db)?;
    Ok(Restored {
        contents,
        kept_aside,
    })
}
