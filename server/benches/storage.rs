//! How much disk a conference takes: the database after a realistic day,
//! and after 1,000,000 check-ins, all sent through the real push path of a
//! server on a loopback port.
//!
//! The day: 3,000 attendees and 30 sessions; every attendee checked in at
//! the door in the morning by one of four kiosks (one in twenty scanned
//! twice); five registrations each, one in ten cancelled again; about a
//! hundred check-ins at each session; a thousand mentoring entries, seven
//! in ten confirmed by their partner.
//!
//! Run: `scripts/bench`, or `cargo bench -p server --bench storage`.
//! Prints Markdown for BENCHMARKS.md.

use std::path::Path;
use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use server::Store;

mod common;
use common::{Device, badge, fresh_server_with, make_devices};

const PEOPLE: usize = 3_000;
const SESSIONS: usize = 30;
const KIOSKS: usize = 4;
const MILLION: usize = 1_000_000;
const BATCH: usize = 20;
/// Three sessions at a time, in ten slots over two days.
const SLOTS: usize = SESSIONS / 3;

fn program() -> String {
    let mut csv = "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n".to_owned();
    for i in 0..SESSIONS {
        let slot = i / 3;
        let (day, hour) = (26 + slot / 5, 9 + slot % 5);
        csv.push_str(&format!(
            "S-{i:02},Session {i},,workshop,,,,Room {r},2027-03-{day}T{hour:02}:00:00-05:00,2027-03-{day}T{hour:02}:50:00-05:00,150,\n",
            r = i % 3
        ));
    }
    csv
}

/// A device's mutations, numbered as it would number them.
struct Log {
    device: Device,
    ops: Vec<(&'static str, Value)>,
}

/// An empty log for each device.
fn logs_of(devices: Vec<Device>) -> Vec<Log> {
    devices
        .into_iter()
        .map(|device| Log {
            device,
            ops: Vec::new(),
        })
        .collect()
}

/// Ids as Hallpass devices make them: time-ordered (docs/PROTOCOL.md).
fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn checkin(badge_code: String, session: Option<usize>) -> (&'static str, Value) {
    (
        "checkin.record",
        json!({"checkin_id": uuid(), "badge_code": badge_code,
               "session_id": session.map(|s| s.to_string()), "kind": "entry"}),
    )
}

/// Pushes every log in batches, the devices side by side.
async fn push(url: &Arc<String>, logs: Vec<Log>) {
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for log in logs {
        let (client, url) = (client.clone(), Arc::clone(url));
        tasks.spawn(async move {
            let at = server::sync::push::rfc3339(time::OffsetDateTime::now_utc());
            let mutations: Vec<Value> = log
                .ops
                .into_iter()
                .zip(1u64..)
                .map(|((op, args), seq)| json!({"seq": seq, "op": op, "args": args, "at": at}))
                .collect();
            for chunk in mutations.chunks(BATCH) {
                let body =
                    json!({"protocol": 1, "device_id": log.device.device_id, "mutations": chunk});
                let response = client
                    .post(url.as_str())
                    .bearer_auth(&log.device.token)
                    .json(&body)
                    .send()
                    .await
                    .expect("push");
                assert_eq!(response.status(), 200, "push");
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("device");
    }
}

/// The database's size on disk once its log is folded in, and its rows.
async fn footprint(store: &Store, db: &Path) -> (u64, Vec<(&'static str, i64)>) {
    let rows = store
        .read(|c| {
            let mut rows = Vec::new();
            for table in ["checkins", "registrations", "mentoring_entries", "results"] {
                let n: i64 =
                    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                rows.push((table, n));
            }
            Ok(rows)
        })
        .await
        .expect("rows");
    // Outside the writer's transactions: a connection of its own.
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .expect("busy timeout");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    let size = std::fs::metadata(db).map_or(0, |m| m.len());
    (size, rows)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "day.sqlite";
    let (store, url) =
        fresh_server_with(dir.path(), name, &program(), &common::roster_of(PEOPLE)).await;
    let empty = footprint(&store, &dir.path().join(name)).await.0;
    let mut rng = StdRng::seed_from_u64(7);

    // The morning at the door.
    let kiosks = make_devices(&store, KIOSKS, true).await;
    let mut door: Vec<Log> = logs_of(kiosks);
    for p in 0..PEOPLE {
        let times = if rng.random_bool(0.05) { 2 } else { 1 };
        for _ in 0..times {
            door[rng.random_range(0..KIOSKS)]
                .ops
                .push(checkin(badge(p), None));
        }
    }
    push(&url, door).await;

    // Registrations, and a few cancelled; mentoring.
    let phones = make_devices(&store, PEOPLE, false).await;
    let mut logs: Vec<Log> = logs_of(phones);
    for log in &mut logs {
        // Five of the ten slots, a session in each.
        let mut slots: Vec<usize> = (0..SLOTS).collect();
        for k in 0..5 {
            let pick = rng.random_range(k..SLOTS);
            slots.swap(k, pick);
            let id = uuid();
            let session = slots[k] * 3 + rng.random_range(0..3) + 1;
            log.ops.push((
                "registration.create",
                json!({"registration_id": id, "session_id": session.to_string()}),
            ));
            if rng.random_bool(0.1) {
                log.ops
                    .push(("registration.cancel", json!({"registration_id": id})));
            }
        }
    }
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut confirms = Vec::new();
    for e in 0..1_000 {
        let (author, partner) = (e % PEOPLE, (e * 7 + 1) % PEOPLE);
        let args = json!({"entry_id": uuid(), "partner_badge": badge(partner), "role": "mentor",
            "date": today, "minutes": 45, "activity": "co-planning", "standards": ["Ethics"],
            "note": "talked through the new bus routes and who covers the early shift"});
        if rng.random_bool(0.7) {
            let seen = json!({"role": "mentor", "date": today, "minutes": 45,
                "activity": "co-planning", "standards": ["Ethics"]});
            confirms.push((partner, json!({"entry_id": args["entry_id"], "seen": seen})));
        }
        logs[author].ops.push(("mentoring.log", args));
    }
    push(&url, logs).await;
    let later = make_devices(&store, PEOPLE, false).await;
    let mut confirming: Vec<Log> = logs_of(later);
    for (partner, args) in confirms {
        confirming[partner].ops.push(("mentoring.confirm", args));
    }
    confirming.retain(|l| !l.ops.is_empty());
    push(&url, confirming).await;

    // About a hundred check-ins at each session.
    let kiosks = make_devices(&store, KIOSKS, true).await;
    let mut rooms: Vec<Log> = logs_of(kiosks);
    for s in 0..SESSIONS {
        for _ in 0..100 {
            rooms[s % KIOSKS]
                .ops
                .push(checkin(badge(rng.random_range(0..PEOPLE)), Some(s + 1)));
        }
    }
    push(&url, rooms).await;
    let (day, day_rows) = footprint(&store, &dir.path().join(name)).await;

    // On to a million check-ins.
    let so_far = day_rows
        .iter()
        .find(|(t, _)| *t == "checkins")
        .map_or(0, |(_, n)| *n) as usize;
    let kiosks = make_devices(&store, 32, true).await;
    let mut floods: Vec<Log> = logs_of(kiosks);
    for i in 0..MILLION - so_far {
        let session = rng
            .random_bool(0.5)
            .then(|| rng.random_range(0..SESSIONS) + 1);
        floods[i % 32]
            .ops
            .push(checkin(badge(rng.random_range(0..PEOPLE)), session));
    }
    push(&url, floods).await;
    let (million, million_rows) = footprint(&store, &dir.path().join(name)).await;

    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1_000_000.0);
    let rows = |r: &[(&str, i64)]| {
        r.iter()
            .map(|(t, n)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("### Storage per conference day");
    println!();
    println!(
        "Command: `scripts/bench` (this part: `cargo bench -p server --bench storage`). Everything sent through the push path; sizes after folding the write-ahead log in."
    );
    println!();
    println!("| database | size | rows |");
    println!("| --- | --- | --- |");
    println!(
        "| the program and {PEOPLE} attendees, nothing else | {} | |",
        mb(empty)
    );
    println!("| after the day | {} | {} |", mb(day), rows(&day_rows));
    println!(
        "| after {} check-ins in all | {} | {} |",
        MILLION,
        mb(million),
        rows(&million_rows)
    );
    println!();
    println!(
        "Per check-in, from the day to a million: {:.0} bytes (its row and its indexes: a check-in is its own stored result).",
        (million - day) as f64 / (MILLION - so_far) as f64
    );
}
