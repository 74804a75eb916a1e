//! The organizer reports at conference scale (spec §7: ≤ 50 ms of server
//! time each at 10,000 attendees and 100,000 check-ins): the attendance
//! report (roster, people in, every session of the day, the timeline), the
//! mentoring roll-up by each grouping, a session's page and the first page
//! of the check-in log, each through `store::reports` on a read connection
//! of the real store, and the attendance JSON over loopback.
//!
//! Run: `scripts/bench`, or `cargo bench -p server --bench reports`.
//! Prints Markdown for BENCHMARKS.md.

use std::time::Instant;

use rusqlite::params;
use server::store::devices::{self, DeviceScope, NewDevice};
use server::store::reports::{self, LogFilter, MentoringBy};
use server::{AppState, Store};
use time::OffsetDateTime;

const SESSIONS: usize = 250;
const ATTENDEES: usize = 10_000;
const CHECKINS: usize = 100_000;
const MENTORING: usize = 20_000;
const RUNS: usize = 21;

fn program() -> String {
    let mut csv = "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n".to_owned();
    for i in 0..SESSIONS {
        let slot = i / 10;
        let day = 25 + slot / 9;
        let hour = 8 + slot % 9;
        csv.push_str(&format!(
            "R-{i:03},Getting Educated: session {i},,workshop,Adult Learning,Communication,,Room {r},2027-03-{day}T{hour:02}:00:00-05:00,2027-03-{day}T{hour:02}:50:00-05:00,60,\n",
            r = i % 10
        ));
    }
    csv
}

/// Registrations, check-ins and mentoring entries written straight into the
/// tables as the sync engine would leave them (this measures reading).
async fn fill(store: &Store) {
    store
        .write(|conn| {
            let kiosks: Vec<String> = (0..16).map(|_| uuid::Uuid::new_v4().to_string()).collect();
            for (i, k) in kiosks.iter().enumerate() {
                devices::create(
                    conn,
                    &NewDevice {
                        id: k,
                        token: &devices::new_token(),
                        scope: DeviceScope::Kiosk,
                        name: Some(&format!("Kiosk {i}")),
                        protocol: 1,
                        user_agent: None,
                        now: "2027-03-25T07:00:00Z",
                    },
                )?;
            }
            let mut registration = conn.prepare(
                "INSERT INTO registrations (id, attendee_id, session_id, status, queued, device_id, device_at, created_at, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'bench', '', '2027-03-01T10:00:00Z', ?5)",
            )?;
            let mut checkin = conn.prepare(
                "INSERT INTO checkins (id, attendee_id, session_id, kind, device_id, device_at, received_at, duplicate_of, version, at_door)
                 VALUES (?1, ?2, ?3, 'entry', ?4, ?5, '2027-03-25T12:00:00Z', ?6, ?7, ?8)",
            )?;
            let stamp = |minute: usize| {
                format!("2027-03-25T{:02}:{:02}:00.000Z", 12 + minute / 60 % 10, minute % 60)
            };
            let mut written = 0;
            // Everyone at the door (a tenth of them scanned twice).
            for a in 1..=ATTENDEES {
                let first = uuid::Uuid::new_v4().to_string();
                let v = server::store::next_version(conn)?;
                checkin.execute(params![first, a as i64, None::<i64>, kiosks[a % 16], stamp(a % 300), None::<String>, v, None::<String>])?;
                written += 1;
                if a.is_multiple_of(10) {
                    let v = server::store::next_version(conn)?;
                    checkin.execute(params![uuid::Uuid::new_v4().to_string(), a as i64, None::<i64>, kiosks[(a + 1) % 16], stamp(a % 300 + 2), Some(first), v, None::<String>])?;
                    written += 1;
                }
            }
            // Six registrations each, most of them walked into, some
            // waitlisted, and walk-ins until the check-ins reach 100,000.
            let mut n = 0usize;
            for a in (1..=ATTENDEES).cycle().take(ATTENDEES * 3) {
                if written >= CHECKINS && n >= ATTENDEES * 9 {
                    break;
                }
                for k in 0..9 {
                    let session = (k * 27 + a) % SESSIONS + 1;
                    let registered = k < 6;
                    if registered && n < ATTENDEES * 9 {
                        let v = server::store::next_version(conn)?;
                        let status = if a.is_multiple_of(13) { "waitlisted" } else { "confirmed" };
                        registration.execute(params![uuid::Uuid::new_v4().to_string(), a as i64, session as i64, status, v])?;
                    }
                    n += 1;
                    if written < CHECKINS && !n.is_multiple_of(7) {
                        let v = server::store::next_version(conn)?;
                        let door = if registered { "confirmed" } else { "walk_in" };
                        checkin.execute(params![uuid::Uuid::new_v4().to_string(), a as i64, session as i64, kiosks[n % 16], stamp(n % 600), None::<String>, v, door])?;
                        written += 1;
                    }
                }
            }
            let mut entry = conn.prepare(
                "INSERT INTO mentoring_entries (id, author_id, partner_id, partner_name, role, date, minutes, activity, standards,
                                                note, confirmed_at, device_id, device_at, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, 'mentor', '2027-03-25', ?5, 'conversation', ?6, 'a private note', ?7, 'bench', '', '', '', ?8)",
            )?;
            for i in 0..MENTORING {
                let author = (i % ATTENDEES) as i64 + 1;
                let partner = i.is_multiple_of(2).then_some(((i * 7 + 3) % ATTENDEES) as i64 + 1).filter(|p| *p != author);
                let name = partner.is_none().then(|| format!("Mentor {}", i % 500));
                let v = server::store::next_version(conn)?;
                let standards = if i.is_multiple_of(3) { r#"["Ethics","Communication"]"# } else { r#"["Technology"]"# };
                let confirmed = (i.is_multiple_of(4) && partner.is_some()).then_some("2027-03-25T15:00:00Z");
                entry.execute(params![uuid::Uuid::new_v4().to_string(), author, partner, name, 15 + (i % 90) as i64, standards, confirmed, v])?;
            }
            Ok(())
        })
        .await
        .expect("fill");
}

/// Median and slowest of `RUNS` timed calls of `f`, after one warm-up.
async fn time<T: Send + 'static>(
    store: &Store,
    f: impl Fn(&rusqlite::Connection) -> Result<T, rusqlite::Error> + Send + Sync + Clone + 'static,
) -> (f64, f64) {
    let mut runs = Vec::new();
    for i in 0..=RUNS {
        let f = f.clone();
        let ms = store
            .read(move |conn| {
                let started = Instant::now();
                f(conn)?;
                Ok(started.elapsed().as_secs_f64() * 1000.0)
            })
            .await
            .expect("report");
        if i > 0 {
            runs.push(ms);
        }
    }
    runs.sort_by(f64::total_cmp);
    (runs[RUNS / 2], runs[RUNS - 1])
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("reports.sqlite")).expect("store");
    server::import::import_sessions(&store, program().as_bytes())
        .await
        .expect("sessions");
    server::import::import_attendees(&store, server::demo::roster_csv(ATTENDEES).as_bytes())
        .await
        .expect("attendees");
    fill(&store).await;
    let (checkins, registrations): (i64, i64) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM checkins), (SELECT count(*) FROM registrations)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .await
        .expect("counts");
    let day = reports::parse_day("2027-03-25");
    let now = OffsetDateTime::now_utc();

    let mut rows = Vec::new();
    rows.push((
        "attendance report, its default day",
        time(&store, move |c| reports::attendance(c, None, now)).await,
    ));
    rows.push((
        "attendance report, 2027-03-25",
        time(&store, move |c| reports::attendance(c, day, now)).await,
    ));
    rows.push((
        "sessions, whole program",
        time(&store, move |c| {
            reports::sessions(c, reports::Which::All, now)
        })
        .await,
    ));
    for by in MentoringBy::ALL {
        let label = match by {
            MentoringBy::Pair => "mentoring roll-up by pair",
            MentoringBy::State => "mentoring roll-up by state",
            MentoringBy::CareerFamily => "mentoring roll-up by career family",
            MentoringBy::Standard => "mentoring roll-up by standard",
        };
        rows.push((
            label,
            time(&store, move |c| reports::mentoring(c, by)).await,
        ));
    }
    rows.push((
        "one session's page",
        time(&store, move |c| reports::session_detail(c, 1, now)).await,
    ));
    rows.push((
        "check-in log, first page of 100",
        time(&store, |c| {
            reports::checkin_log(c, &LogFilter::default(), 100)
        })
        .await,
    ));

    // The JSON an organizer's script gets, over loopback, end to end.
    let state = AppState::new(store.clone(), server::leptos_options(Some(dir.path())));
    let token = devices::new_token();
    {
        let t = token.clone();
        store
            .write(move |conn| {
                conn.execute(
                    "INSERT INTO organizers (email, password_hash, created_at) VALUES ('bench@example.org', 'x', '')",
                    [],
                )?;
                devices::create(
                    conn,
                    &NewDevice {
                        id: "bench-organizer",
                        token: &t,
                        scope: DeviceScope::Organizer { organizer_id: conn.last_insert_rowid() },
                        name: None,
                        protocol: 1,
                        user_agent: None,
                        now: "",
                    },
                )?;
                Ok(())
            })
            .await
            .expect("organizer");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(server::serve(listener, state));
    let client = reqwest::Client::new();
    let mut http = Vec::new();
    for i in 0..=RUNS {
        let started = Instant::now();
        let response = client
            .get(format!("{base}/api/v1/admin/attendance"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("attendance");
        assert_eq!(response.status(), 200);
        response.bytes().await.expect("body");
        if i > 0 {
            http.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    http.sort_by(f64::total_cmp);

    println!(
        "### Organizer reports — {ATTENDEES} attendees, {checkins} check-ins, {registrations} registrations, {MENTORING} mentoring entries"
    );
    println!();
    println!(
        "Command: `scripts/bench` (this part: `cargo bench -p server --bench reports`). Each report through `store::reports` on a read connection, {RUNS} runs after a warm-up. Budget: ≤ 50 ms server time for the attendance report and the mentoring roll-up."
    );
    println!();
    println!("| report | median | slowest |");
    println!("| --- | --- | --- |");
    for (what, (median, slowest)) in rows {
        println!("| {what} | {median:.1} ms | {slowest:.1} ms |");
    }
    println!(
        "| `GET /api/v1/admin/attendance` over loopback (JSON, auth included) | {:.1} ms | {:.1} ms |",
        http[RUNS / 2],
        http[RUNS - 1]
    );
    // HALLPASS_BENCH_KEEP=1 keeps the database, to read query plans.
    if std::env::var_os("HALLPASS_BENCH_KEEP").is_some() {
        eprintln!("database kept in {}", dir.keep().display());
    }
}
