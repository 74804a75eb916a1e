//! The full kiosk snapshot (spec §7: 5,000 attendees and 250 sessions in
//! ≤ 150 ms of server time and ≤ 300 KB compressed): every page a freshly
//! paired kiosk pulls, timed over loopback with brotli as a browser asks
//! for it. Measured three ways: the roster (the demo's name generator) and
//! program alone, then with 30,000 registrations, then with 5,000 check-ins
//! as well.
//!
//! Run: `scripts/bench`, or `cargo bench -p server --bench kiosk`. Prints
//! Markdown for BENCHMARKS.md.

use std::time::Instant;

use server::store::devices::{self, DeviceScope, NewDevice};
use server::{AppState, Store};

const SESSIONS: usize = 250;
const ATTENDEES: usize = 5_000;
const REGISTRATIONS_EACH: usize = 6;
const RUNS: usize = 5;

fn program() -> String {
    let mut csv = "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n".to_owned();
    for i in 0..SESSIONS {
        let slot = i / 10;
        let day = 26 + slot / 9;
        let hour = 8 + slot % 9;
        csv.push_str(&format!(
            "K-{i:03},Getting Educated: session {i},A workshop for every career family.,workshop,Adult Learning,Communication,Paraeducators;Food services,Room {r},2027-03-{day}T{hour:02}:00:00-05:00,2027-03-{day}T{hour:02}:50:00-05:00,200,Presenter {i}\n",
            r = i % 10
        ));
    }
    csv
}

async fn kiosk_token(store: &Store) -> String {
    let token = devices::new_token();
    let t = token.clone();
    store
        .write(move |conn| {
            devices::create(
                conn,
                &NewDevice {
                    id: &uuid::Uuid::new_v4().to_string(),
                    token: &t,
                    scope: DeviceScope::Kiosk,
                    name: Some("Bench kiosk"),
                    protocol: 1,
                    user_agent: None,
                    now: "2027-03-26T08:00:00Z",
                },
            )?;
            Ok(())
        })
        .await
        .expect("kiosk");
    token
}

/// Rows written straight into the tables (this measures reading them).
async fn add_registrations(store: &Store) {
    store
        .write(|conn| {
            let mut stmt = conn.prepare_cached(
                "INSERT INTO registrations (id, attendee_id, session_id, status, queued, device_id, device_at, created_at, version)
                 VALUES (?1, ?2, ?3, 'confirmed', ?4, 'bench', '', '', ?4)",
            )?;
            for a in 0..ATTENDEES {
                for k in 0..REGISTRATIONS_EACH {
                    let session = (k * 40 + a % 40) % SESSIONS + 1;
                    let version = server::store::next_version(conn)?;
                    stmt.execute(rusqlite::params![uuid::Uuid::new_v4().to_string(), a as i64 + 1, session as i64, version])?;
                }
            }
            Ok(())
        })
        .await
        .expect("registrations");
}

async fn add_checkins(store: &Store) {
    store
        .write(|conn| {
            let mut stmt = conn.prepare_cached(
                "INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at, received_at, version)
                 VALUES (?1, ?2, NULL, 'entry', ?3, '2027-03-26T08:12:44.120Z', '', ?4)",
            )?;
            let kiosks: Vec<String> = (0..8).map(|_| uuid::Uuid::new_v4().to_string()).collect();
            for a in 0..ATTENDEES {
                let version = server::store::next_version(conn)?;
                stmt.execute(rusqlite::params![uuid::Uuid::new_v4().to_string(), a as i64 + 1, kiosks[a % 8], version])?;
            }
            Ok(())
        })
        .await
        .expect("check-ins");
}

struct Snapshot {
    pages: usize,
    changes: usize,
    json: usize,
    wire: usize,
    ms: f64,
}

/// Pulls every page as a new kiosk would (largest pages), brotli on.
async fn snapshot(client: &reqwest::Client, base: &str, token: &str) -> Snapshot {
    let started = Instant::now();
    let (mut cursor, mut pages, mut wire) = (String::new(), 0, 0);
    let mut bodies = Vec::new();
    loop {
        let response = client
            .get(format!(
                "{base}/api/v1/sync/pull?limit=5000&cursor={cursor}"
            ))
            .bearer_auth(token)
            .header("accept-encoding", "br")
            .send()
            .await
            .expect("pull");
        assert_eq!(response.headers()["content-encoding"], "br");
        let bytes = response.bytes().await.expect("body");
        wire += bytes.len();
        pages += 1;
        let mut json = Vec::new();
        brotli_decompress(&bytes, &mut json);
        let page: app::protocol::PullResponse = serde_json::from_slice(&json).expect("page");
        bodies.push((json.len(), page.changes.len()));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    Snapshot {
        pages,
        changes: bodies.iter().map(|b| b.1).sum(),
        json: bodies.iter().map(|b| b.0).sum(),
        wire,
        ms,
    }
}

fn brotli_decompress(input: &[u8], out: &mut Vec<u8>) {
    let mut reader = brotli_decompressor::Decompressor::new(input, 4096);
    std::io::Read::read_to_end(&mut reader, out).expect("brotli");
}

async fn measure(client: &reqwest::Client, base: &str, token: &str) -> Snapshot {
    snapshot(client, base, token).await; // warm up
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        runs.push(snapshot(client, base, token).await);
    }
    runs.sort_by(|a, b| a.ms.total_cmp(&b.ms));
    runs.swap_remove(RUNS / 2)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("kiosk.sqlite")).expect("store");
    server::import::import_sessions(&store, program().as_bytes())
        .await
        .expect("sessions");
    server::import::import_attendees(&store, server::demo::roster_csv(ATTENDEES).as_bytes())
        .await
        .expect("attendees");
    let token = kiosk_token(&store).await;
    let state = AppState::new(store.clone(), server::leptos_options(Some(dir.path())));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(server::serve(listener, state));
    let client = reqwest::Client::new();

    let mut rows = Vec::new();
    rows.push(("roster and program", measure(&client, &base, &token).await));
    add_registrations(&store).await;
    rows.push((
        "… and 30,000 registrations",
        measure(&client, &base, &token).await,
    ));
    add_checkins(&store).await;
    rows.push((
        "… and 5,000 check-ins",
        measure(&client, &base, &token).await,
    ));

    println!("### Full kiosk snapshot — {ATTENDEES} attendees, {SESSIONS} sessions");
    println!();
    println!(
        "Command: `scripts/bench` (this part: `cargo bench -p server --bench kiosk`). Every page a new kiosk pulls (`limit=5000`), over loopback with `Accept-Encoding: br`; median of {RUNS} runs. Budget: ≤ 150 ms server time, ≤ 300 KB compressed."
    );
    println!();
    println!("| snapshot | pages | changes | JSON | on the wire (br) | time, all pages |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (what, s) in rows {
        println!(
            "| {what} | {} | {} | {:.0} KB | {:.0} KB | {:.0} ms |",
            s.pages,
            s.changes,
            s.json as f64 / 1024.0,
            s.wire as f64 / 1024.0,
            s.ms
        );
    }
}
