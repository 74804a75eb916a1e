//! The push path under sustained load: kiosks push batches of 20 check-ins
//! to the real server on a loopback port with a real SQLite file
//! (`synchronous=FULL`), while the sizes of the write-ahead log and of the
//! database are sampled every second.
//!
//! - capacity: every kiosk sends its next batch as soon as the last is
//!   answered, for 10 s;
//! - tail: half the capacity, paced, for 5 minutes: p99 ≤ 100 ms and max
//!   ≤ 500 ms, timed from when each batch was due (a slow server cannot
//!   hide its queue);
//! - soak: 80 % of that capacity, paced, for 10 minutes: the log must stay
//!   under 64 MiB and the database grow only with its rows.
//!
//! Each run also reports the writer's groups and busy time and the log it
//! wrote per check-in; after the capacity run, raw rusqlite writes the same
//! rows in the writer's mean group, for the ratio of the two.
//!
//! Run: `scripts/bench`, or `cargo bench -p server --bench soak`;
//! `-- --quick` shortens the soak and the tail to 30 s each, `-- --capacity`
//! runs the closed loop alone (for profiling), `-- --tail` the closed loop
//! and the tail. Prints Markdown for
//! BENCHMARKS.md. Load generator and server share the cores.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

mod common;
use common::{ATTENDEES, Device, SESSIONS, badge, fresh_server, make_devices, percentile};

const KIOSKS: usize = 64;
const BATCH: usize = 20;
const CAPACITY_RUN: Duration = Duration::from_secs(10);
const WAL_BUDGET: u64 = 64 * 1024 * 1024;

/// One kiosk's next batch: check-ins at the door (a third) or at a session.
fn checkins(rng: &mut StdRng, seq: &mut u64) -> bytes::Bytes {
    let now = server::sync::push::rfc3339(time::OffsetDateTime::now_utc());
    let mutations: Vec<serde_json::Value> = (0..BATCH)
        .map(|_| {
            let s = *seq;
            *seq += 1;
            let session = if rng.random_bool(0.33) {
                serde_json::Value::Null
            } else {
                json!((rng.random_range(0..SESSIONS) + 1).to_string())
            };
            json!({"seq": s, "op": "checkin.record", "at": now, "args": {
                "checkin_id": uuid::Uuid::now_v7().to_string(),
                "badge_code": badge(rng.random_range(0..ATTENDEES)),
                "session_id": session, "kind": "entry"}})
        })
        .collect();
    bytes::Bytes::from(json!({"protocol": 1, "mutations": mutations}).to_string())
}

/// What one run saw.
struct Run {
    offered: Option<f64>,
    seconds: f64,
    mutations: u64,
    latencies: Vec<Duration>,
    failures: usize,
    wal_max: u64,
    wal_end: u64,
    db_end: u64,
    stored: i64,
    writer: server::store::WriterStats,
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn wal_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// Every kiosk pushes for `length`: as fast as it is answered (`rate`
/// `None`), or its share of `rate` mutations/s, evenly spread.
async fn drive(
    db: &Path,
    store: &server::Store,
    url: Arc<String>,
    kiosks: Vec<Device>,
    rate: Option<f64>,
    length: Duration,
) -> Run {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(KIOSKS)
        .build()
        .expect("client");
    let stop = Arc::new(AtomicBool::new(false));
    let wal_max = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, wal_max, wal) = (Arc::clone(&stop), Arc::clone(&wal_max), wal_of(db));
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                wal_max.fetch_max(size(&wal), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let before = store.writer_stats();
    let started = Instant::now();
    let count = kiosks.len();
    // Each kiosk's period between batches, when paced.
    let period = rate.map(|r| Duration::from_secs_f64(BATCH as f64 * count as f64 / r));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, kiosk) in kiosks.into_iter().enumerate() {
        let (client, url) = (client.clone(), Arc::clone(&url));
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(i as u64);
            let mut seq = 1u64;
            let (mut latencies, mut failures) = (Vec::new(), 0usize);
            for k in 0u64.. {
                let body = checkins(&mut rng, &mut seq);
                let sent = match period {
                    Some(p) => {
                        let due = started + p.mul_f64(k as f64 + i as f64 / count as f64);
                        if due.duration_since(started) >= length {
                            break;
                        }
                        tokio::time::sleep_until(due.into()).await;
                        due
                    }
                    None if started.elapsed() >= length => break,
                    None => Instant::now(),
                };
                // The device id rides in the body; patch it in cheaply.
                let body = [
                    &b"{\"device_id\":\""[..],
                    kiosk.device_id.as_bytes(),
                    b"\",",
                    &body[1..],
                ]
                .concat();
                let response = client
                    .post(url.as_str())
                    .bearer_auth(&kiosk.token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status() == 200 => {
                        if r.bytes().await.is_err() {
                            failures += 1;
                        }
                    }
                    _ => failures += 1,
                }
                latencies.push(sent.elapsed());
            }
            (latencies, failures)
        });
    }
    let (mut latencies, mut failures) = (Vec::new(), 0);
    while let Some(done) = tasks.join_next().await {
        let (l, f) = done.expect("kiosk task");
        latencies.extend(l);
        failures += f;
    }
    let seconds = started.elapsed().as_secs_f64();
    let after = store.writer_stats();
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let stored = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM checkins", [], |r| r.get(0))?))
        .await
        .expect("count");
    Run {
        offered: rate,
        seconds,
        mutations: (latencies.len() * BATCH) as u64,
        latencies,
        failures,
        wal_max: wal_max.load(Ordering::Relaxed).max(size(&wal_of(db))),
        wal_end: size(&wal_of(db)),
        db_end: size(db),
        stored,
        writer: after - before,
    }
}

/// One run on a database of its own, deleted after it.
async fn run(dir: &Path, name: &str, rate: Option<f64>, length: Duration) -> Run {
    let (store, url) = fresh_server(dir, name).await;
    let kiosks = make_devices(&store, KIOSKS, true).await;
    let db = dir.join(name);
    let run = drive(&db, &store, url, kiosks, rate, length).await;
    for file in [db.clone(), wal_of(&db)] {
        let _ = std::fs::remove_file(file);
    }
    run
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (soak, tail) = if quick {
        (Duration::from_secs(30), Duration::from_secs(30))
    } else {
        (Duration::from_secs(600), Duration::from_secs(300))
    };
    // `--capacity`: only the closed loop, for profiling.
    let only_capacity = std::env::args().any(|a| a == "--capacity");
    let dir = tempfile::tempdir().expect("temp dir");
    let capacity = run(dir.path(), "capacity.sqlite", None, CAPACITY_RUN).await;
    let group = (capacity.writer.jobs * BATCH as u64 / capacity.writer.groups.max(1)) as usize;
    let raw = raw_checkins(dir.path(), capacity.mutations as usize, group.max(1)).await;
    let ratio = || {
        println!();
        println!(
            "Raw rusqlite writing the same rows (a check-in, and the kiosk's `last_seq` once per \
             {BATCH}) in transactions of {group}, the writer's mean group: \
             {raw:.0} rows/s; the server's capacity is {:.2} of that.",
            capacity.mutations as f64 / capacity.seconds / raw
        );
    };
    if only_capacity {
        print_runs(&[("capacity (closed loop)", &capacity)]);
        ratio();
        return;
    }
    let rate = capacity.mutations as f64 / capacity.seconds;
    // The tail first: after the soak, the kernel is still writing back
    // gigabytes of its database, and every fsync of the next run waits.
    let tailed = run(dir.path(), "tail.sqlite", Some(rate * 0.5), tail).await;
    if std::env::args().any(|a| a == "--tail") {
        print_runs(&[
            ("capacity (closed loop)", &capacity),
            ("tail at 50 % of capacity", &tailed),
        ]);
        ratio();
        return;
    }
    let soaked = run(dir.path(), "soak.sqlite", Some(rate * 0.8), soak).await;

    println!("### Push soak and tail: {KIOSKS} kiosks, batches of {BATCH} check-ins");
    println!();
    println!(
        "Machine: {} cores. Command: `scripts/bench` (this part: `cargo bench -p server --bench soak{}`). \
         The log's budget: under 64 MiB ({}) at all times.",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if quick { " -- --quick" } else { "" },
        mb(WAL_BUDGET)
    );
    println!();
    print_runs(&[
        ("capacity (closed loop)", &capacity),
        ("tail at 50 % of capacity", &tailed),
        ("soak at 80 % of capacity", &soaked),
    ]);
    ratio();
}

/// SQLite's own ceiling for what a check-in writes: on a fresh server's
/// database (its schema, indexes and roster), a plain connection with the
/// server's durability (WAL, `synchronous=FULL`, foreign keys) inserts
/// `rows` check-ins, `per_txn` to a transaction, each a later entry or not
/// as the server would have found, carrying its kiosk's seq (a check-in is
/// its own stored result), and nothing else: no lookups, rules, HTTP or
/// JSON.
async fn raw_checkins(dir: &Path, rows: usize, per_txn: usize) -> f64 {
    let name = "raw.sqlite";
    let (store, _url) = fresh_server(dir, name).await;
    let kiosks = make_devices(&store, KIOSKS, true).await;
    drop(store);
    let db = dir.join(name);
    let mut conn = rusqlite::Connection::open(&db).expect("raw db");
    for (pragma, value) in [
        ("journal_mode", "WAL"),
        ("synchronous", "FULL"),
        ("foreign_keys", "ON"),
    ] {
        conn.pragma_update(None, pragma, value).expect("pragma");
    }
    let mut rng = StdRng::seed_from_u64(7);
    let now = server::sync::push::rfc3339(time::OffsetDateTime::now_utc());
    let mut seqs = vec![0i64; kiosks.len()];
    let mut firsts: std::collections::HashMap<(Option<i64>, i64), String> = Default::default();
    let started = Instant::now();
    let mut n = 0usize;
    while n < rows {
        let tx = conn.transaction().expect("tx");
        {
            let mut checkin = tx
                .prepare_cached(
                    "INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at, received_at, version, duplicate_of, seq)
                     VALUES (?1, ?2, ?3, 'entry', ?4, ?5, ?5, ?6, ?7, ?8)",
                )
                .expect("prepare");
            let mut device = tx
                .prepare_cached("UPDATE devices SET last_seq = ?2, last_seen = ?3 WHERE id = ?1")
                .expect("prepare");
            for _ in 0..per_txn.min(rows - n) {
                let k = (n / BATCH) % kiosks.len();
                let id = uuid::Uuid::now_v7().to_string();
                let attendee = rng.random_range(0..ATTENDEES) as i64 + 1;
                let session =
                    (!rng.random_bool(0.33)).then(|| rng.random_range(0..SESSIONS) as i64 + 1);
                let kiosk = kiosks[k].device_id.as_str();
                let first = firsts
                    .entry((session, attendee))
                    .or_insert_with(|| id.clone());
                let duplicate_of = (*first != id).then_some(first.as_str());
                seqs[k] += 1;
                checkin
                    .execute(rusqlite::params![
                        id,
                        attendee,
                        session,
                        kiosk,
                        now,
                        n as i64 + 1_000_000,
                        duplicate_of,
                        seqs[k]
                    ])
                    .expect("checkin");
                n += 1;
                if n.is_multiple_of(BATCH) {
                    device
                        .execute(rusqlite::params![kiosk, seqs[k], now])
                        .expect("device");
                }
            }
        }
        tx.commit().expect("commit");
    }
    let rate = rows as f64 / started.elapsed().as_secs_f64();
    drop(conn);
    for file in [db.clone(), wal_of(&db)] {
        let _ = std::fs::remove_file(file);
    }
    rate
}

fn mb(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1_000_000.0)
}

fn print_runs(runs: &[(&str, &Run)]) {
    println!(
        "| run | length | offered/s | done/s | p50 | p99 | max | non-200 | WAL largest | WAL at end | database at end | bytes per check-in | writer busy | of which commits | log restarts | waiting for the checkpoint thread | mutations per group | WAL written per check-in |"
    );
    println!(
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for (name, r) in runs {
        println!(
            "| {name} | {:.0} s | {} | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {} | {} | {} | {} | {:.0} | {:.0} % | {:.0} % | {} ({:.0} % of the time, {} postponed) | {:.1} % | {:.0} | {:.1} KB |",
            r.seconds,
            r.offered
                .map_or("as answered".to_owned(), |o| format!("{o:.0}")),
            r.mutations as f64 / r.seconds,
            percentile(&r.latencies, 50.0),
            percentile(&r.latencies, 99.0),
            percentile(&r.latencies, 100.0),
            r.failures,
            mb(r.wal_max),
            mb(r.wal_end),
            mb(r.db_end),
            r.db_end as f64 / r.stored.max(1) as f64,
            100.0 * r.writer.busy.as_secs_f64() / r.seconds,
            100.0 * r.writer.commit.as_secs_f64() / r.seconds,
            r.writer.restarts,
            100.0 * r.writer.restart.as_secs_f64() / r.seconds,
            r.writer.postponed,
            100.0 * r.writer.turn_wait.as_secs_f64() / r.seconds,
            (r.writer.jobs * BATCH as u64) as f64 / r.writer.groups.max(1) as f64,
            r.writer.wal_pages as f64 * 4.096 / r.mutations.max(1) as f64,
        );
    }
}
