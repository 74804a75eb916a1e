//! The store under concurrent writers: group commit keeps every write and
//! gives every row change its own version. Run: `cargo test -p server --test store`.

use server::Store;
use server::store::WriteError;

/// A store on a fresh SQLite file; keep the directory alive as long as the store.
fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("s.sqlite")).expect("open");
    (dir, store)
}

#[tokio::test]
async fn concurrent_writes_are_all_kept_with_distinct_versions() {
    let (_dir, store) = fresh_store();
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .write(|conn| Ok(server::store::next_version(conn)?))
                .await
        }));
    }
    let mut versions = Vec::new();
    for t in tasks {
        versions.push(t.await.expect("task").expect("write"));
    }
    versions.sort();
    assert_eq!(versions, (1..=200).collect::<Vec<i64>>());
}

#[tokio::test]
async fn a_failing_write_is_rolled_back_without_undoing_its_neighbours() {
    let (_dir, store) = fresh_store();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .write(move |conn| {
                    let version = server::store::next_version(conn)?;
                    conn.execute(
                        "INSERT INTO tombstones (entity, id, version) VALUES ('test', ?1, ?2)",
                        rusqlite::params![i.to_string(), version],
                    )?;
                    if i % 2 == 0 {
                        Err(WriteError::Rejected("no".into()))
                    } else {
                        Ok(())
                    }
                })
                .await
        }));
    }
    let mut failed = 0;
    for t in tasks {
        if t.await.expect("task").is_err() {
            failed += 1;
        }
    }
    assert_eq!(failed, 25);
    let (kept, versions, top) = store
        .read(|conn| {
            let kept: Vec<i64> = conn
                .prepare("SELECT CAST(id AS INTEGER) FROM tombstones ORDER BY 1")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let versions: i64 =
                conn.query_row("SELECT count(DISTINCT version) FROM tombstones", [], |r| {
                    r.get(0)
                })?;
            Ok((kept, versions, server::store::epoch_and_version(conn)?.1))
        })
        .await
        .expect("read");
    assert_eq!(
        kept,
        (0..50).filter(|i| i % 2 == 1).collect::<Vec<i64>>(),
        "only the successful writes stayed"
    );
    assert_eq!(versions, 25, "each with a version of its own");
    assert!(
        top >= 25,
        "the stored counter is at or past every version used"
    );
}

#[tokio::test]
async fn the_database_runs_in_wal_with_full_sync() {
    let (_dir, store) = fresh_store();
    let (mode, sync): (String, i64) = store
        .read(|conn| {
            Ok((
                conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
            ))
        })
        .await
        .expect("read");
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "FULL");
}

/// The size of `db`'s write-ahead log file, 0 when there is none.
fn wal_size(db: &std::path::Path) -> u64 {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    std::fs::metadata(std::path::PathBuf::from(name)).map_or(0, |m| m.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_ahead_log_stays_bounded_under_writes_that_never_pause() {
    let (dir, store) = fresh_store();
    let db = dir.path().join("s.sqlite");
    store
        .write(|conn| Ok(conn.execute_batch("CREATE TABLE filler (x BLOB)")?))
        .await
        .expect("table");
    // Readers all along, as pulls and token lookups are under load.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..2 {
        let (store, stop) = (store.clone(), std::sync::Arc::clone(&stop));
        readers.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = store
                    .read(|c| {
                        Ok(c.query_row("SELECT count(*) FROM filler", [], |r| r.get::<_, i64>(0))?)
                    })
                    .await;
            }
        }));
    }
    // The largest the log ever is, looked at every few milliseconds.
    let largest = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let watcher = {
        let (db, stop, largest) = (
            db.clone(),
            std::sync::Arc::clone(&stop),
            std::sync::Arc::clone(&largest),
        );
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                largest.fetch_max(wal_size(&db), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    // 160 MB written by eight writers that keep the writer's queue full,
    // so that it never stands idle between two groups.
    const WRITERS: usize = 8;
    const WRITES: usize = 40;
    let mut writers = Vec::new();
    for _ in 0..WRITERS {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            for _ in 0..WRITES {
                store
                    .write(|conn| {
                        Ok(conn.execute("INSERT INTO filler VALUES (randomblob(500000))", [])?)
                    })
                    .await
                    .expect("write");
            }
        }));
    }
    for w in writers {
        w.await.expect("writer");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.await.expect("reader");
    }
    watcher.join().expect("watcher");
    let written = (WRITERS * WRITES * 500_000) as u64;
    let largest = largest
        .load(std::sync::atomic::Ordering::Relaxed)
        .max(wal_size(&db));
    assert!(
        largest < 64 * 1024 * 1024,
        "the log reached {largest} bytes while {written} were written"
    );
    let rows: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM filler", [], |r| r.get(0))?))
        .await
        .expect("rows");
    assert_eq!(rows, (WRITERS * WRITES) as i64, "every write kept");
}
