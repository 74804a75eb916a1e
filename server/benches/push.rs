//! Push throughput and a reconnect storm against the real server on a
//! loopback port with a real SQLite file (`synchronous=FULL`), and, in the
//! same run, the raw rusqlite rate for inserting the same rows, as the
//! ratio the server's overhead costs. Budgets: spec §7.
//!
//! Run: `scripts/bench` (all benchmarks), or just this one with
//! `cargo bench -p server --bench push`. Prints Markdown for BENCHMARKS.md.
//! The load generator runs in the same process as the server, so both share
//! the machine's cores, as they would not in production.

use app::domain::registration::Status;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use server::Store;
use tokio::sync::Semaphore;

mod common;
use common::{ATTENDEES, Device, SESSIONS, fresh_server, make_devices};

const THROUGHPUT_DEVICES: usize = 1_000;
const THROUGHPUT_BATCHES: usize = 5;
const BATCH: usize = 20;
const STORM_DEVICES: usize = 5_000;
const STORM_QUEUED: usize = 10;
/// Open connections at once; a venue's access points would not carry more.
const IN_FLIGHT: usize = 1_000;
/// Paced run: each device pushes a batch every second, so 1,000 devices
/// offer 20,000 mutations/s, the budget.
const PACED_PERIOD: Duration = Duration::from_secs(1);

/// Time slots in the program: ten parallel sessions in each.
const SLOTS: usize = SESSIONS / 10;

/// `n` mutations from `seq`, the way an attendee plans a day: a
/// registration for a session in a slot still free in their agenda (three
/// in four), or a cancellation of one they hold (and always a cancellation
/// when the agenda is full). `held` is (registration id, slot).
fn batch(rng: &mut StdRng, seq: &mut u64, held: &mut Vec<(String, usize)>, n: usize) -> Vec<Value> {
    // The device's clock, as a phone writes it: the server refuses times
    // far from its own.
    let now = server::sync::push::rfc3339(time::OffsetDateTime::now_utc());
    (0..n)
        .map(|_| {
            let s = *seq;
            *seq += 1;
            let full = held.len() == SLOTS;
            let (op, args) = if !held.is_empty() && (full || rng.random_bool(0.25)) {
                let (id, _) = held.swap_remove(rng.random_range(0..held.len()));
                ("registration.cancel", json!({"registration_id": id}))
            } else {
                let free: Vec<usize> = (0..SLOTS)
                    .filter(|slot| held.iter().all(|(_, h)| h != slot))
                    .collect();
                let slot = free[rng.random_range(0..free.len())];
                let session = slot * 10 + rng.random_range(0..10) + 1;
                let id = uuid::Uuid::now_v7().to_string();
                held.push((id.clone(), slot));
                (
                    "registration.create",
                    json!({"registration_id": id, "session_id": session.to_string()}),
                )
            };
            json!({"seq": s, "op": op, "args": args, "at": now})
        })
        .collect()
}

/// What the server answered, counted.
#[derive(Default)]
struct Verdicts {
    confirmed: usize,
    waitlisted: usize,
    cancelled: usize,
    rejected: usize,
}

impl Verdicts {
    fn count(&mut self, body: &[u8]) {
        let Ok(answer) = serde_json::from_slice::<app::protocol::PushResponse>(body) else {
            return;
        };
        for r in answer.results {
            let status = r
                .outcome_as::<app::protocol::RegistrationOutcome>()
                .map(|o| o.status);
            match (r.status, status) {
                (app::protocol::ResultStatus::Rejected, _) => self.rejected += 1,
                (_, Some(Status::Confirmed)) => self.confirmed += 1,
                (_, Some(Status::Waitlisted)) => self.waitlisted += 1,
                (_, Some(Status::Cancelled)) => self.cancelled += 1,
                (_, None) => {}
            }
        }
    }
}

struct Run {
    verdicts: Verdicts,
    mutations: usize,
    seconds: f64,
    latencies: Vec<Duration>,
    failures: usize,
}

impl Run {
    fn percentile(&self, p: f64) -> f64 {
        common::percentile(&self.latencies, p)
    }
}

/// Each device sends `batches` batches of `size`. Without `period`, as fast
/// as the server answers (closed loop: the capacity); with it, each device
/// sends one batch per `period`, devices spread evenly over it (open loop:
/// the latency at that offered rate, timed from when each batch was due, so
/// a slow server cannot hide its queue).
async fn drive(
    url: Arc<String>,
    devices: Vec<Device>,
    batches: usize,
    size: usize,
    period: Option<Duration>,
) -> Run {
    let count = devices.len();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()
        .expect("client");
    // Every body is built before the clock starts and every answer is read
    // after it stops: the load generator shares the cores with the server,
    // and should spend as little of them as it can while timed.
    let work: Vec<(Device, Vec<bytes::Bytes>)> = devices
        .into_iter()
        .enumerate()
        .map(|(i, device)| {
            let mut rng = StdRng::seed_from_u64(i as u64);
            let (mut seq, mut held) = (1u64, Vec::new());
            let bodies = (0..batches)
                .map(|_| {
                    let mutations = batch(&mut rng, &mut seq, &mut held, size);
                    let body = json!({"protocol": 1, "device_id": device.device_id, "mutations": mutations});
                    bytes::Bytes::from(body.to_string())
                })
                .collect();
            (device, bodies)
        })
        .collect();
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (device, bodies)) in work.into_iter().enumerate() {
        let (client, gate, url) = (client.clone(), Arc::clone(&gate), Arc::clone(&url));
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut answers = Vec::new();
            let mut failures = 0;
            for (k, body) in bodies.into_iter().enumerate() {
                let sent = match period {
                    Some(p) => {
                        let due = started + p.mul_f64(k as f64 + i as f64 / count as f64);
                        tokio::time::sleep_until(due.into()).await;
                        due
                    }
                    None => Instant::now(),
                };
                let Ok(_permit) = gate.acquire().await else {
                    break;
                };
                let response = client
                    .post(url.as_str())
                    .bearer_auth(&device.token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status() == 200 => match r.bytes().await {
                        Ok(answer) => answers.push(answer),
                        Err(_) => failures += 1,
                    },
                    _ => failures += 1,
                }
                latencies.push(sent.elapsed());
            }
            (latencies, failures, answers)
        });
    }
    let mut run = Run {
        verdicts: Verdicts::default(),
        mutations: 0,
        seconds: 0.0,
        latencies: Vec::new(),
        failures: 0,
    };
    let mut answers = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (latencies, failures, bodies) = done.expect("device task");
        answers.extend(bodies);
        run.latencies.extend(latencies);
        run.failures += failures;
    }
    run.seconds = started.elapsed().as_secs_f64();
    run.mutations = run.latencies.len() * size;
    for answer in &answers {
        run.verdicts.count(answer);
    }
    run
}

/// Inserts `rows` registration-like rows in transactions of `per_txn`,
/// with the server's settings, on a fresh file: SQLite's own ceiling here.
fn raw_rate(dir: &Path, rows: usize, per_txn: usize) -> f64 {
    let path = dir.join(format!("raw-{per_txn}.sqlite"));
    let mut conn = rusqlite::Connection::open(&path).expect("raw db");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("full");
    conn.execute_batch(
        "CREATE TABLE registrations (id TEXT PRIMARY KEY, attendee_id INTEGER NOT NULL, session_id INTEGER NOT NULL,
         status TEXT NOT NULL, queued INTEGER NOT NULL, device_id TEXT NOT NULL, device_at TEXT NOT NULL,
         created_at TEXT NOT NULL, version INTEGER NOT NULL);
         CREATE INDEX r_a ON registrations (attendee_id, version);
         CREATE INDEX r_s ON registrations (session_id, status, queued);
         CREATE INDEX r_v ON registrations (version);",
    )
    .expect("schema");
    let started = Instant::now();
    let mut n = 0usize;
    while n < rows {
        let tx = conn.transaction().expect("tx");
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO registrations VALUES (?1, ?2, ?3, 'confirmed', ?4, 'd', 'at', 'now', ?4)")
                .expect("prepare");
            for _ in 0..per_txn.min(rows - n) {
                stmt.execute(rusqlite::params![
                    uuid::Uuid::new_v4().to_string(),
                    (n % ATTENDEES) as i64,
                    (n % SESSIONS) as i64,
                    n as i64
                ])
                .expect("insert");
                n += 1;
            }
        }
        tx.commit().expect("commit");
    }
    rows as f64 / started.elapsed().as_secs_f64()
}

async fn applied(store: &Store) -> (i64, i64) {
    store
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT sum(last_seq) FROM devices), (SELECT count(*) FROM results)",
                [],
                |r| Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(0), r.get(1)?)),
            )?)
        })
        .await
        .expect("count")
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");

    let (store, url) = fresh_server(dir.path(), "throughput.sqlite").await;
    let devices = make_devices(&store, THROUGHPUT_DEVICES, false).await;
    let throughput = drive(url, devices, THROUGHPUT_BATCHES, BATCH, None).await;
    let (seqs, results) = applied(&store).await;
    assert_eq!(
        (seqs, results),
        (throughput.mutations as i64, throughput.mutations as i64),
        "every mutation applied once"
    );

    let (store, url) = fresh_server(dir.path(), "paced.sqlite").await;
    let devices = make_devices(&store, THROUGHPUT_DEVICES, false).await;
    let paced = drive(url, devices, THROUGHPUT_BATCHES, BATCH, Some(PACED_PERIOD)).await;
    let (seqs, _) = applied(&store).await;
    assert_eq!(seqs, paced.mutations as i64, "every mutation applied once");

    let (store, url) = fresh_server(dir.path(), "storm.sqlite").await;
    let devices = make_devices(&store, STORM_DEVICES, false).await;
    let storm = drive(url, devices, 1, STORM_QUEUED, None).await;
    let (seqs, results) = applied(&store).await;
    let storm_exact = seqs == storm.mutations as i64 && results == storm.mutations as i64;

    let raw_small = raw_rate(dir.path(), throughput.mutations, BATCH);
    let raw_large = raw_rate(dir.path(), throughput.mutations, 5_000);

    let rate = |r: &Run| r.mutations as f64 / r.seconds;
    println!("### Push throughput and reconnect storm");
    println!();
    println!(
        "Machine: {} cores. Command: `scripts/bench` (this part: `cargo bench -p server --bench push`).",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "Program: {SESSIONS} sessions, {ATTENDEES} attendees; each device plans a day: a registration in a slot still free in its agenda (3 in 4) or a cancellation (always, once all 25 slots are held); at most {IN_FLIGHT} requests in flight."
    );
    println!();
    println!(
        "| run | mutations | wall time | mutations/s | p50 | p99 | non-200 | confirmed / waitlisted / cancelled / rejected |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (name, r) in [
        (
            format!(
                "capacity (closed loop): {THROUGHPUT_DEVICES} devices × {THROUGHPUT_BATCHES} batches of {BATCH}, each sent when the last is answered"
            ),
            &throughput,
        ),
        (
            format!(
                "paced (open loop): {THROUGHPUT_DEVICES} devices × a batch of {BATCH} every second for {THROUGHPUT_BATCHES} s (20,000 mutations/s offered)"
            ),
            &paced,
        ),
        (
            format!("reconnect storm: {STORM_DEVICES} devices × {STORM_QUEUED} queued"),
            &storm,
        ),
    ] {
        println!(
            "| {name} | {} | {:.2} s | {:.0} | {:.1} ms | {:.1} ms | {} | {} / {} / {} / {} |",
            r.mutations,
            r.seconds,
            rate(r),
            r.percentile(50.0),
            r.percentile(99.0),
            r.failures,
            r.verdicts.confirmed,
            r.verdicts.waitlisted,
            r.verdicts.cancelled,
            r.verdicts.rejected
        );
    }
    println!();
    println!(
        "Storm applied exactly once (sum of `last_seq` = stored results = mutations sent): {}.",
        if storm_exact { "yes" } else { "NO" }
    );
    println!();
    println!("| raw rusqlite, same rows, WAL + `synchronous=FULL` | rows/s | server push ÷ raw |");
    println!("| --- | --- | --- |");
    println!(
        "| transactions of {BATCH} rows (one push batch each) | {raw_small:.0} | {:.2} |",
        rate(&throughput) / raw_small
    );
    println!(
        "| transactions of 5,000 rows | {raw_large:.0} | {:.2} |",
        rate(&throughput) / raw_large
    );
}
