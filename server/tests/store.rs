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
                    server::store::next_version(conn)?;
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
    let version = store
        .read(|conn| Ok(server::store::epoch_and_version(conn)?.1))
        .await
        .expect("read");
    assert_eq!(
        version, 25,
        "only the successful writes advanced the version"
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
