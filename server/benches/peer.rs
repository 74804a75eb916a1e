//! Hallpass's push against a peer in one run: pouchdb-server 4.2.0's
//! `_bulk_docs` (PouchDB over LevelDB, which does not fsync) and our push
//! (SQLite, `synchronous=FULL`), the same workload, alternating: 32
//! clients, each sending a batch of 20 check-in documents as soon as its
//! last batch is answered, for 10 s a round, three rounds each.
//!
//! Run: `scripts/bench peer` (it installs pouchdb-server into a cache
//! directory outside the clone and sets `POUCHDB_SERVER`). Prints Markdown
//! for BENCHMARKS.md. Both servers and the load generator share the cores.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

mod common;
use common::{ATTENDEES, SESSIONS, badge, fresh_server, make_devices, percentile};

const CLIENTS: usize = 32;
const BATCH: usize = 20;
const ROUND: Duration = Duration::from_secs(10);
const ROUNDS: usize = 3;

/// Where a batch goes, and how.
#[derive(Clone)]
enum Target {
    /// Our push, as kiosk `token` with `device_id`.
    Hallpass {
        url: Arc<String>,
        token: String,
        device_id: String,
    },
    /// pouchdb-server's `_bulk_docs` of one database.
    Pouch { url: Arc<String> },
}

/// The same check-in, as a mutation for us or a document for the peer.
fn checkin(rng: &mut StdRng) -> serde_json::Value {
    let session = if rng.random_bool(0.33) {
        serde_json::Value::Null
    } else {
        json!((rng.random_range(0..SESSIONS) + 1).to_string())
    };
    // Time-ordered ids, as Hallpass devices make them (docs/PROTOCOL.md).
    json!({"checkin_id": uuid::Uuid::now_v7().to_string(),
           "badge_code": badge(rng.random_range(0..ATTENDEES)),
           "session_id": session, "kind": "entry"})
}

fn body(target: &Target, rng: &mut StdRng, seq: &mut u64) -> String {
    let at = server::sync::push::rfc3339(time::OffsetDateTime::now_utc());
    match target {
        Target::Hallpass { device_id, .. } => {
            let mutations: Vec<serde_json::Value> = (0..BATCH)
                .map(|_| {
                    *seq += 1;
                    json!({"seq": *seq, "op": "checkin.record", "at": at, "args": checkin(rng)})
                })
                .collect();
            json!({"protocol": 1, "device_id": device_id, "mutations": mutations}).to_string()
        }
        Target::Pouch { .. } => {
            let docs: Vec<serde_json::Value> = (0..BATCH)
                .map(|_| {
                    let mut doc = checkin(rng);
                    doc["_id"] = doc["checkin_id"].clone();
                    doc["at"] = json!(at);
                    doc
                })
                .collect();
            json!({"docs": docs}).to_string()
        }
    }
}

struct Round {
    rate: f64,
    p99: f64,
    failures: usize,
}

/// Every client pushes for [`ROUND`], each batch when the last is answered.
async fn round(targets: Vec<Target>) -> Round {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, target) in targets.into_iter().enumerate() {
        let client = client.clone();
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(i as u64 ^ started.elapsed().as_nanos() as u64);
            // Every round has fresh kiosks, whose seqs start at 1.
            let (mut latencies, mut failures, mut seq) = (Vec::new(), 0usize, 0u64);
            while started.elapsed() < ROUND {
                let text = body(&target, &mut rng, &mut seq);
                let sent = Instant::now();
                let request = match &target {
                    Target::Hallpass { url, token, .. } => {
                        client.post(url.as_str()).bearer_auth(token)
                    }
                    Target::Pouch { url } => client.post(url.as_str()),
                };
                let ok = match request
                    .header("content-type", "application/json")
                    .body(text)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if !ok {
                    failures += 1;
                }
                latencies.push(sent.elapsed());
            }
            (latencies, failures)
        });
    }
    let (mut latencies, mut failures) = (Vec::new(), 0);
    while let Some(done) = tasks.join_next().await {
        let (l, f) = done.expect("client task");
        latencies.extend(l);
        failures += f;
    }
    let seconds = started.elapsed().as_secs_f64();
    Round {
        rate: ((latencies.len() - failures) * BATCH) as f64 / seconds,
        p99: percentile(&latencies, 99.0),
        failures,
    }
}

/// Starts pouchdb-server on a free port with its data in `dir`; its URL
/// once it answers.
async fn start_pouch(bin: &str, dir: &std::path::Path) -> (Child, String) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        probe.local_addr().expect("addr").port()
    };
    let mut child = Command::new(bin)
        .args([
            "--port",
            &port.to_string(),
            "--host",
            "127.0.0.1",
            "--no-stdout-logs",
        ])
        .arg("--dir")
        .arg(dir)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pouchdb-server");
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(&url).send().await.is_ok() {
            return (child, url);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("pouchdb-server did not answer at {url}");
}

#[tokio::main]
async fn main() {
    let bin = std::env::var("POUCHDB_SERVER")
        .expect("POUCHDB_SERVER: the pouchdb-server binary (scripts/bench peer installs it)");
    let dir = tempfile::tempdir().expect("temp dir");
    let pouch_dir = dir.path().join("pouch");
    std::fs::create_dir_all(&pouch_dir).expect("pouch dir");
    let (mut pouch, pouch_url) = start_pouch(&bin, &pouch_dir).await;
    let created = reqwest::Client::new()
        .put(format!("{pouch_url}/checkins"))
        .send()
        .await
        .expect("create the database");
    assert!(
        created.status().is_success(),
        "PUT /checkins: {}",
        created.status()
    );
    let bulk = Arc::new(format!("{pouch_url}/checkins/_bulk_docs"));

    let (store, push) = fresh_server(dir.path(), "peer.sqlite").await;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..ROUNDS {
        // Fresh kiosks each round: their seqs start at 1.
        let kiosks = make_devices(&store, CLIENTS, true).await;
        let targets = kiosks
            .into_iter()
            .map(|k| Target::Hallpass {
                url: Arc::clone(&push),
                token: k.token,
                device_id: k.device_id,
            })
            .collect();
        ours.push(round(targets).await);
        let targets = (0..CLIENTS)
            .map(|_| Target::Pouch {
                url: Arc::clone(&bulk),
            })
            .collect();
        theirs.push(round(targets).await);
    }
    let _ = pouch.kill();
    let _ = pouch.wait();

    let mean = |rounds: &[Round]| rounds.iter().map(|r| r.rate).sum::<f64>() / rounds.len() as f64;
    println!(
        "### Push against a peer: pouchdb-server 4.2.0 `_bulk_docs`, the same workload, alternating"
    );
    println!();
    println!(
        "Machine: {} cores. Command: `scripts/bench peer`. {CLIENTS} clients, each sending a batch of {BATCH} \
         check-in documents as soon as its last is answered, {}-second rounds. Hallpass commits with \
         `synchronous=FULL`; pouchdb-server (LevelDB) does not fsync.",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        ROUND.as_secs()
    );
    println!();
    println!(
        "| round | Hallpass docs/s | Hallpass p99 | pouchdb-server docs/s | pouchdb-server p99 | ratio | failed requests (ours / theirs) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        println!(
            "| {} | {:.0} | {:.1} ms | {:.0} | {:.1} ms | {:.1}× | {} / {} |",
            i + 1,
            o.rate,
            o.p99,
            t.rate,
            t.p99,
            o.rate / t.rate,
            o.failures,
            t.failures
        );
    }
    println!();
    println!(
        "Mean: Hallpass {:.0} docs/s, pouchdb-server {:.0} docs/s: **{:.1}×**.",
        mean(&ours),
        mean(&theirs),
        mean(&ours) / mean(&theirs)
    );
}
