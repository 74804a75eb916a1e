//! The server killed with SIGKILL in the middle of a push storm (spec §8):
//! restarted on the same SQLite file, with every phone retrying what it had
//! no answer for, nothing is lost, nothing is applied twice, and
//! `PRAGMA integrity_check` is ok. Runs the real `hallpass` binary.
//! Run: `cargo test -p server --test crash`.

mod helpers;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use app::protocol::{PushResponse, SignInResponse};
use helpers::{SESSIONS_HEADER, rid, roster};
use serde_json::{Value, json};

const PHONES: usize = 30;
const PER_PHONE: u64 = 60;
const BATCH: usize = 4;

fn hallpass(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hallpass"));
    command.arg("--db").arg(db).args(args);
    command
}

/// Starts `hallpass serve` on a free port; its URL once it listens.
fn start(db: &Path) -> (Child, String) {
    let mut child = hallpass(db, &["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hallpass");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("server output").expect("line");
        if let Some(url) = line.strip_prefix("Hallpass is listening on ") {
            break url.trim().to_owned();
        }
    };
    (child, url)
}

fn program() -> String {
    let mut csv = SESSIONS_HEADER.to_owned();
    for i in 0..40 {
        let hour = 8 + i / 4;
        csv.push_str(&format!(
            "C-{i:02},Session {i},,workshop,,,,Room {i},2027-03-26T{hour:02}:00:00-05:00,2027-03-26T{hour:02}:50:00-05:00,{},\n",
            3 + i % 4
        ));
    }
    csv
}

struct Phone {
    token: String,
    device_id: String,
    mutations: Vec<Value>,
    /// Highest seq the server has answered for.
    acked: u64,
}

/// Pushes everything not yet answered, a few at a time; gives up on the
/// first failure (the server is down) and reports how far it got.
async fn push_rest(
    client: &reqwest::Client,
    url: &str,
    phone: &mut Phone,
    done: &AtomicUsize,
) -> bool {
    while phone.acked < PER_PHONE {
        let from = phone.acked as usize;
        let batch: Vec<Value> =
            phone.mutations[from..(from + BATCH).min(phone.mutations.len())].to_vec();
        let response = client
            .post(format!("{url}/api/v1/sync/push"))
            .bearer_auth(&phone.token)
            .json(&json!({"protocol": 1, "device_id": phone.device_id, "mutations": batch}))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        let Ok(response) = response else { return false };
        if response.status() != 200 {
            return false;
        }
        let Ok(answer) = response.json::<PushResponse>().await else {
            return false;
        };
        done.fetch_add(answer.results.len(), Ordering::Relaxed);
        phone.acked = answer.last_seq;
    }
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_storm_loses_nothing_and_doubles_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("crash.sqlite");
    for (kind, text) in [("sessions", program()), ("attendees", roster(PHONES))] {
        let file = dir.path().join(format!("{kind}.csv"));
        std::fs::write(&file, text).expect("write csv");
        let status = hallpass(&db, &["import", kind, file.to_str().unwrap_or_default()])
            .stdout(Stdio::null())
            .status()
            .expect("import");
        assert!(status.success());
    }
    let (mut server, url) = start(&db);
    let client = reqwest::Client::new();
    let mut phones = Vec::new();
    for n in 1..=PHONES {
        let answer: SignInResponse = client
            .post(format!("{url}/api/v1/auth/attendee"))
            .json(&json!({"badge_code": format!("T-{n:04}"), "last_name": format!("Last{n}")}))
            .send()
            .await
            .expect("sign in")
            .json()
            .await
            .expect("sign-in body");
        // Registrations in every hour, some cancelled again, for sessions
        // with a few seats: long waitlists and promotions.
        let mutations = (1..=PER_PHONE)
            .map(|seq| {
                let id = rid((n as u64 * 1000 + seq) as u32);
                if seq % 3 == 0 {
                    let earlier = rid((n as u64 * 1000 + seq - 1) as u32);
                    json!({"seq": seq, "op": "registration.cancel", "args": {"registration_id": earlier}, "at": ""})
                } else {
                    let session = 1 + (seq as usize * 7 + n) % 40;
                    json!({"seq": seq, "op": "registration.create",
                           "args": {"registration_id": id, "session_id": session.to_string()}, "at": ""})
                }
            })
            .collect();
        phones.push(Phone {
            token: answer.token,
            device_id: answer.device_id,
            mutations,
            acked: 0,
        });
    }

    // The storm, and a SIGKILL once about a third of it has been answered.
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for mut phone in phones {
        let (client, url, done) = (client.clone(), url.clone(), Arc::clone(&done));
        tasks.spawn(async move {
            push_rest(&client, &url, &mut phone, &done).await;
            phone
        });
    }
    let total = PHONES * PER_PHONE as usize;
    while done.load(Ordering::Relaxed) < total / 3 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    let mut phones: Vec<Phone> = Vec::new();
    while let Some(phone) = tasks.join_next().await {
        phones.push(phone.expect("phone task"));
    }
    let unanswered = phones.iter().filter(|p| p.acked < PER_PHONE).count();
    assert!(unanswered > 0, "the kill landed mid-storm");

    // Restarted on the same file; every phone retries what it had no answer for.
    let (mut server, url) = start(&db);
    for phone in &mut phones {
        assert!(
            push_rest(&client, &url, phone, &done).await,
            "retry after restart"
        );
        assert_eq!(phone.acked, PER_PHONE);
    }
    server.kill().expect("stop");
    server.wait().expect("reaped");

    let conn = rusqlite::Connection::open(&db).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    for phone in &phones {
        let (last_seq, results, distinct): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT last_seq FROM devices WHERE id = ?1),
                        (SELECT count(*) FROM results WHERE device_id = ?1),
                        (SELECT count(DISTINCT seq) FROM results WHERE device_id = ?1)",
                [&phone.device_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("device");
        let n = PER_PHONE as i64;
        assert_eq!(
            (last_seq, results, distinct),
            (n, n, n),
            "every seq of {} once",
            phone.device_id
        );
    }
    // Seat counts agree with the rows, and no room is over capacity.
    let bad: i64 = conn
        .query_row(
            "SELECT count(*) FROM sessions s WHERE
                 confirmed_count != (SELECT count(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'confirmed')
              OR waitlist_count != (SELECT count(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'waitlisted')
              OR (capacity IS NOT NULL AND confirmed_count > capacity)
              OR (waitlist_count > 0 AND confirmed_count < capacity)",
            [],
            |r| r.get(0),
        )
        .expect("counts");
    assert_eq!(
        bad, 0,
        "sessions whose counts disagree with their registrations"
    );
    // Every applied create left exactly one registration.
    let (applied_creates, rows): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM results WHERE status = 'applied' AND outcome NOT LIKE '%cancelled%'),
                    (SELECT count(*) FROM registrations)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("registrations");
    assert_eq!(applied_creates, rows);
}
