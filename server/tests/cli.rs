//! Black-box tests of the `hallpass` command line: imports against a real
//! SQLite file. Run: `cargo test -p server --test cli`.

mod helpers;

use std::process::Command;

use helpers::{SESSIONS_HEADER, small_program};

fn hallpass(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hallpass"))
        .args(args)
        .output()
        .expect("run hallpass");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn count(db: &std::path::Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_with_line_numbers() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("h.sqlite");
    let csv = dir.path().join("sessions.csv");
    let mut text = small_program();
    text.push_str("X-1,Bad,,keynote,,,,R,2027-03-26T10:30:00-05:00,2027-03-26T12:00:00-05:00,,\n");
    text.push_str("X-2,Worse,,workshop,,Punctuality,,R,2027-03-26T10:30:00-05:00,2027-03-26T09:00:00-05:00,,\n");
    std::fs::write(&csv, text).expect("write");

    let (ok, _, stderr) = hallpass(&[
        "--db",
        db.to_str().unwrap_or(""),
        "import",
        "sessions",
        csv.to_str().unwrap_or(""),
    ]);

    assert!(!ok);
    assert!(
        stderr.contains("line 5") && stderr.contains("keynote"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 6") && stderr.contains("Punctuality"),
        "{stderr}"
    );
    assert_eq!(count(&db, "sessions"), 0, "nothing of the file is imported");
}

#[test]
fn import_then_reimport_updates_by_code_and_db_may_follow_the_subcommand() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("h.sqlite");
    let csv = dir.path().join("sessions.csv");
    std::fs::write(&csv, small_program()).expect("write");
    let db_arg = db.to_str().unwrap_or("");
    let csv_arg = csv.to_str().unwrap_or("");

    let (ok, stdout, stderr) = hallpass(&["import", "sessions", csv_arg, "--db", db_arg]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("3 added"), "{stdout}");

    std::fs::write(
        &csv,
        small_program().replace("Beat Privatization", "Beat Privatization Now"),
    )
    .expect("write");
    let (ok, stdout, _) = hallpass(&["--db", db_arg, "import", "sessions", csv_arg]);
    assert!(ok);
    assert!(
        stdout.contains("0 added, 1 updated, 2 unchanged"),
        "{stdout}"
    );
    assert_eq!(count(&db, "sessions"), 3);
}

#[test]
fn attendees_import_reports_a_missing_column() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("h.sqlite");
    let csv = dir.path().join("attendees.csv");
    std::fs::write(
        &csv,
        "badge_code,first_name,last_name\nESP-0001,Ana,López\n",
    )
    .expect("write");
    let (ok, _, stderr) = hallpass(&[
        "--db",
        db.to_str().unwrap_or(""),
        "import",
        "attendees",
        csv.to_str().unwrap_or(""),
    ]);
    assert!(!ok);
    assert!(stderr.contains("missing: “email”"), "{stderr}");
    let _ = SESSIONS_HEADER;
}

#[test]
fn a_missing_file_is_a_readable_error() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("h.sqlite");
    let (ok, _, stderr) = hallpass(&[
        "--db",
        db.to_str().unwrap_or(""),
        "import",
        "sessions",
        "/no/such.csv",
    ]);
    assert!(!ok);
    assert!(stderr.contains("cannot read /no/such.csv"), "{stderr}");
}

#[tokio::test]
async fn kiosk_pair_prints_a_code_that_pairs_a_kiosk_once() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("h.sqlite");

    let (ok, stdout, stderr) = hallpass(&[
        "kiosk",
        "pair",
        "Kiosk B",
        "--db",
        db.to_str().unwrap_or(""),
    ]);

    assert!(ok, "{stderr}");
    let code = stdout
        .split_whitespace()
        .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-')
        .expect("a code like ABCD-EFGH")
        .to_owned();
    assert!(stdout.contains("Kiosk B"));
    let store = server::Store::open(&db).expect("open");
    let paired = server::kiosks::pair(&store, code.clone())
        .await
        .expect("pair");
    assert!(matches!(paired, Ok(ref p) if p.name == "Kiosk B"));
    let again = server::kiosks::pair(&store, code).await.expect("pair");
    assert!(matches!(
        again,
        Err(server::store::devices::Pairing::AlreadyUsed)
    ));
    let (ok, _, stderr) = hallpass(&["kiosk", "pair", "   ", "--db", db.to_str().unwrap_or("")]);
    assert!(!ok && stderr.contains("name"), "{stderr}");
}

#[test]
fn demo_roster_prints_a_csv_that_imports_and_touches_no_database() {
    let dir = tempfile::tempdir().expect("dir");
    let untouched = dir.path().join("never.sqlite");
    let (ok, csv, stderr) = hallpass(&[
        "--db",
        untouched.to_str().unwrap_or(""),
        "demo",
        "roster",
        "--count",
        "1500",
    ]);
    assert!(ok, "{stderr}");
    assert!(!untouched.exists(), "printing a roster opens no database");
    assert_eq!(csv.lines().count(), 1 + 1500);
    let file = dir.path().join("attendees.csv");
    std::fs::write(&file, &csv).expect("write");
    let db = dir.path().join("h.sqlite");
    let (ok, _, stderr) = hallpass(&[
        "--db",
        db.to_str().unwrap_or(""),
        "import",
        "attendees",
        file.to_str().unwrap_or(""),
    ]);
    assert!(ok, "{stderr}");
    assert_eq!(count(&db, "attendees"), 1500);
    let (ok, _, stderr) = hallpass(&["demo", "roster", "--count", "0"]);
    assert!(!ok && stderr.contains("0"), "{stderr}");
}

fn hallpass_with_input(args: &[&str], input: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallpass"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run hallpass");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn organizers_are_added_with_a_password_from_standard_input_listed_and_removed() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("h.sqlite");
    let db = db.to_str().unwrap_or("");

    let (ok, _, stderr) = hallpass_with_input(
        &["--db", db, "organizer", "add", "Lead@ESP.example.org"],
        "too short\n",
    );
    assert!(!ok);
    assert!(stderr.contains("at least 12 characters"), "{stderr}");
    assert_eq!(count(std::path::Path::new(db), "organizers"), 0);

    let (ok, stdout, stderr) = hallpass_with_input(
        &["organizer", "add", "Lead@ESP.example.org", "--db", db],
        "correct horse battery staple\n",
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("lead@esp.example.org"), "{stdout}");
    let stored: String = rusqlite::Connection::open(db)
        .expect("open")
        .query_row("SELECT password_hash FROM organizers", [], |r| r.get(0))
        .expect("hash");
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains("horse"));

    let (ok, _, stderr) = hallpass_with_input(
        &["--db", db, "organizer", "add", "lead@esp.example.org"],
        "another long password\n",
    );
    assert!(!ok);
    assert!(stderr.contains("already an organizer"), "{stderr}");

    let (ok, stdout, _) = hallpass(&["--db", db, "organizer", "list"]);
    assert!(ok);
    assert!(stdout.contains("lead@esp.example.org"), "{stdout}");

    let (ok, _, stderr) = hallpass(&["--db", db, "organizer", "remove", "nobody@esp.example.org"]);
    assert!(!ok);
    assert!(stderr.contains("is not an organizer"), "{stderr}");
    let (ok, stdout, _) = hallpass(&["--db", db, "organizer", "remove", "lead@esp.example.org"]);
    assert!(ok, "{stdout}");
    assert_eq!(count(std::path::Path::new(db), "organizers"), 0);
}

/// The `code: …` line of `attendee link` or `reissue`.
fn printed_code(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("code: "))
        .unwrap_or_else(|| panic!("no code in {stdout}"))
        .to_owned()
}

#[tokio::test]
async fn attendee_link_prints_the_sign_in_link_and_reissue_replaces_it() {
    let dir = tempfile::tempdir().expect("dir");
    let db_path = dir.path().join("h.sqlite");
    let db = db_path.to_str().unwrap_or("");
    let csv = dir.path().join("attendees.csv");
    std::fs::write(&csv, helpers::roster(2)).expect("write");
    let (ok, _, stderr) = hallpass(&[
        "--db",
        db,
        "import",
        "attendees",
        csv.to_str().unwrap_or(""),
    ]);
    assert!(ok, "{stderr}");

    let (ok, stdout, stderr) = hallpass(&[
        "--db",
        db,
        "--public-url",
        "https://hallpass.example.org/",
        "attendee",
        "link",
        "t-0001",
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("First1 Last1"), "{stdout}");
    let code = printed_code(&stdout);
    assert!(
        stdout.contains(&format!(
            "link: https://hallpass.example.org/signin#code={code}"
        )),
        "{stdout}"
    );
    let (_, again, _) = hallpass(&["--db", db, "attendee", "link", "T-0001"]);
    assert_eq!(printed_code(&again), code, "the same card prints again");
    assert!(
        again.contains("http://127.0.0.1:3000/signin#code="),
        "{again}"
    );

    let (ok, stdout, stderr) = hallpass(&["--db", db, "attendee", "reissue", "T-0001"]);
    assert!(ok, "{stderr}");
    let new = printed_code(&stdout);
    assert_ne!(new, code);
    assert!(stdout.contains("no longer works"), "{stdout}");
    let store = server::Store::open(&db_path).expect("open");
    let owner = |code: String| {
        let store = store.clone();
        async move {
            let code = app::domain::signin::SigninCode::parse(&code).expect("code");
            store
                .read(move |c| Ok(server::store::signin::owner(c, &code)?))
                .await
                .expect("read")
                .map(|a| a.badge_code)
        }
    };
    assert_eq!(owner(new).await.as_deref(), Some("T-0001"));
    assert_eq!(owner(code).await, None, "the old code works no more");

    let (ok, _, stderr) = hallpass(&["--db", db, "attendee", "link", "T-9999"]);
    assert!(
        !ok && stderr.contains("no attendee has the badge code T-9999"),
        "{stderr}"
    );
    let (ok, _, stderr) = hallpass(&[
        "--db",
        db,
        "--public-url",
        "hallpass.example.org",
        "attendee",
        "link",
        "T-0001",
    ]);
    assert!(!ok && stderr.contains("scheme"), "{stderr}");
}
