//! Black-box tests of `GET /api/v1/sync/pull` in the public scope, against a
//! real server on a loopback port with a fresh SQLite file.
//! Run: `cargo test -p server --test pull`.

mod helpers;

use app::protocol::{Change, Entity};
use helpers::{TestApp, error_code, small_program};

fn session_code(change: &Change) -> Option<String> {
    let data = change.row::<serde_json::Value>()?;
    data["code"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn a_pull_without_cursor_or_token_returns_the_whole_program() {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;

    let page = app.pull(None, None).await;

    assert!(!page.more && !page.reset);
    assert_eq!(page.last_seq, 0);
    let mut codes: Vec<String> = page.changes.iter().filter_map(session_code).collect();
    codes.sort();
    assert_eq!(codes, vec!["A-1", "B-1", "G-1"]);
    let Change::Put { entity, .. } = &page.changes[0] else {
        panic!("a put")
    };
    assert_eq!(*entity, Entity::Session);
    let data = page.changes[0]
        .row::<serde_json::Value>()
        .expect("a session's data");
    let wire_only = ["id", "confirmed_count", "waitlist_count"];
    for field in server::import::SESSION_COLUMNS.iter().chain(&wire_only) {
        assert!(data.get(field).is_some(), "session data has {field}");
    }
}

#[tokio::test]
async fn pages_walk_every_change_once_with_cursors_that_only_grow() {
    let app = TestApp::spawn().await;
    server::demo::load(&app.store).await.expect("demo");

    let mut cursor: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    let mut versions = Vec::new();
    loop {
        let page = app.pull(cursor.as_deref(), Some(7)).await;
        assert!(page.changes.len() <= 7);
        for change in &page.changes {
            assert!(
                seen.insert(change.id().to_owned()),
                "{} delivered twice",
                change.id()
            );
        }
        versions.push(
            page.cursor
                .rsplit('.')
                .next()
                .and_then(|v| v.parse::<i64>().ok())
                .expect("version"),
        );
        cursor = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    let total = app.pull(None, Some(5000)).await.changes.len();
    assert_eq!(seen.len(), total);
    assert!(total >= 60);
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "cursors grow: {versions:?}"
    );
}

#[tokio::test]
async fn after_a_reimport_only_the_changed_session_comes_back() {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    let (_, cursor) = app.pull_all(None, 100).await;

    let changed = small_program().replace("Room 201", "Room 301");
    let summary = app.import_sessions(&changed).await;
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (0, 1, 2)
    );

    let page = app.pull(Some(&cursor), None).await;
    assert_eq!(page.changes.len(), 1);
    let data = page.changes[0].row::<serde_json::Value>().expect("a put");
    assert_eq!(data["code"], "A-1");
    assert_eq!(data["room"], "Room 301");

    let again = app.pull(Some(&page.cursor), None).await;
    assert!(again.changes.is_empty(), "nothing new");
    assert_eq!(again.cursor, page.cursor);
}

#[tokio::test]
async fn deletions_reach_devices_with_a_cursor_as_tombstones_but_not_fresh_snapshots() {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    let (_, cursor) = app.pull_all(None, 100).await;
    app.store
        .write(|conn| {
            let version = server::store::next_version(conn)?;
            conn.execute("DELETE FROM sessions WHERE code = 'A-1'", [])?;
            conn.execute(
                "INSERT INTO tombstones (entity, id, version) VALUES ('session', '1', ?1)",
                [version],
            )?;
            Ok(())
        })
        .await
        .expect("delete");

    let page = app.pull(Some(&cursor), None).await;
    assert_eq!(
        page.changes,
        vec![Change::Del {
            entity: Entity::Session,
            id: "1".into()
        }]
    );

    let fresh = app.pull(None, None).await;
    assert_eq!(fresh.changes.len(), 2);
    assert!(
        fresh
            .changes
            .iter()
            .all(|c| matches!(c, Change::Put { .. }))
    );
}

#[tokio::test]
async fn a_cursor_from_another_database_resets_the_device() {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    let other = TestApp::spawn().await;
    other.import_sessions(&small_program()).await;
    let (_, foreign_cursor) = other.pull_all(None, 100).await;

    let page = app.pull(Some(&foreign_cursor), None).await;

    assert!(page.reset);
    assert_eq!(page.changes.len(), 3, "a full snapshot follows a reset");
    assert_ne!(
        page.cursor.split('.').next(),
        foreign_cursor.split('.').next()
    );
}

#[tokio::test]
async fn bad_pull_parameters_get_clear_errors() {
    let app = TestApp::spawn().await;
    let cases = [
        ("/api/v1/sync/pull?limit=0", 400, "bad_limit"),
        ("/api/v1/sync/pull?limit=abc", 400, "bad_limit"),
        ("/api/v1/sync/pull?limit=5001", 400, "bad_limit"),
        ("/api/v1/sync/pull?cursor=garbage", 400, "bad_cursor"),
        (
            "/api/v1/sync/pull?cursor=0123456789abcdef0123456789abcdef.-4",
            400,
            "bad_cursor",
        ),
        ("/api/v1/nothing-here", 404, "not_found"),
    ];
    for (path, status, code) in cases {
        let (got_status, got_code, message) = error_code(app.get(path).await).await;
        assert_eq!((got_status, got_code.as_str()), (status, code), "{path}");
        assert!(!message.is_empty());
    }
    let with_token = app
        .client
        .get(app.url("/api/v1/sync/pull"))
        .bearer_auth("not-a-real-token")
        .send()
        .await
        .expect("request");
    assert_eq!(error_code(with_token).await.1, "invalid_token");
}

#[tokio::test]
async fn health_reports_the_epoch_and_version() {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    let body: serde_json::Value = app.get("/healthz").await.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["writer"], "ok", "the writer committed a probe");
    assert_eq!(body["epoch"].as_str().map(str::len), Some(32));
    assert_eq!(body["version"], 3);
}

#[tokio::test]
async fn health_is_503_while_the_writer_cannot_commit_and_ok_again_after() {
    let app = TestApp::spawn().await;
    // Another process holds the database's write lock for longer than the
    // writer waits (5 s): every commit fails meanwhile.
    let (locked, release) = std::sync::mpsc::channel();
    let (held, hold) = std::sync::mpsc::channel::<()>();
    let db = app.db.clone();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(db).expect("open");
        conn.execute_batch("BEGIN IMMEDIATE").expect("lock");
        locked.send(()).expect("tell");
        let _ = hold.recv();
        conn.execute_batch("ROLLBACK").expect("unlock");
    });
    release.recv().expect("locked");

    let response = app.get("/healthz").await;
    let status = response.status();
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(status, 503);
    assert_eq!(body["status"], "failing");
    assert_eq!(body["writer"], "failing", "no cause told to the world");

    drop(held);
    holder.join().expect("holder");
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["writer"], "ok");
}

#[tokio::test]
async fn api_responses_are_compressed_and_never_cached() {
    let app = TestApp::spawn().await;
    server::demo::load(&app.store).await.expect("demo");
    let response = app
        .client
        .get(app.url("/api/v1/sync/pull"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap_or("")
            .contains("default-src 'none'")
    );
}
