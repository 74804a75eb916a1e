//! Black-box tests of the organizer console and API (spec §4b): a real
//! server on a loopback port, a fresh SQLite file, organizer accounts made
//! the way the CLI makes them. Run: `cargo test -p server --test admin`.

mod helpers;

use helpers::{ATTENDEES_HEADER, Phone, TestApp, error_code, seen_of, today};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, UtcOffset};

const EMAIL: &str = "lead@esp.example.org";
const PASSWORD: &str = "correct horse battery staple";
const NOTE: &str = "PLANTED-PRIVATE-NOTE-7f3a";

async fn app_with_organizer() -> TestApp {
    let app = TestApp::spawn().await;
    app.add_organizer(EMAIL, PASSWORD).await;
    app
}

impl TestApp {
    async fn organizer_token(&self) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/organizer"))
            .json(&json!({"email": EMAIL, "password": PASSWORD}))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("body");
        assert_eq!(body["organizer"]["email"], EMAIL);
        body["token"].as_str().expect("token").to_owned()
    }

    async fn admin_get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    async fn admin_json(&self, token: &str, path: &str) -> Value {
        let response = self.admin_get(token, path).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, 200, "{path}: {text}");
        serde_json::from_str(&text).expect("json")
    }

    /// A browser without redirects followed, to see cookies and 303s.
    fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Signs in through the form; the `Cookie` header value to send.
    async fn sign_in_cookie(&self) -> String {
        let response = self
            .browser()
            .post(self.url("/admin/signin"))
            .header("Origin", format!("http://{}", self.addr))
            .form(&[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("next", "/admin/devices"),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/admin/devices");
        let set = response.headers()["set-cookie"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(set.contains("HttpOnly"), "{set}");
        assert!(set.contains("SameSite=Strict"), "{set}");
        assert!(!set.contains("Secure"), "plain HTTP on loopback: {set}");
        set.split(';').next().expect("name=value").to_owned()
    }

    async fn page(&self, cookie: &str, path: &str) -> (u16, String) {
        let response = self
            .browser()
            .get(self.url(path))
            .header("Cookie", cookie)
            .send()
            .await
            .expect("request");
        (
            response.status().as_u16(),
            response.text().await.expect("body"),
        )
    }
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_get_the_same_answer_and_guessing_is_limited() {
    let app = app_with_organizer().await;
    let attempt = |email: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/auth/organizer"))
                .json(&json!({"email": email, "password": password}))
                .send()
                .await
                .expect("request")
        }
    };
    let (s1, c1, m1) = error_code(attempt("nobody@esp.example.org", PASSWORD).await).await;
    let (s2, c2, m2) = error_code(attempt(EMAIL, "wrong password here").await).await;
    assert_eq!((s1, c1.as_str()), (401, "bad_credentials"));
    assert_eq!(
        (s1, c1, m1),
        (s2, c2, m2),
        "no oracle for which emails have accounts"
    );

    let mut limited = None;
    for _ in 0..20 {
        let response = attempt(EMAIL, "still the wrong one").await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let response = limited.expect("a guesser is slowed down");
    assert!(response.headers().contains_key("retry-after"));
    // Another organizer's email is not locked by it.
    app.add_organizer("second@esp.example.org", "another long password")
        .await;
    let ok = app
        .client
        .post(app.url("/api/v1/auth/organizer"))
        .json(&json!({"email": "second@esp.example.org", "password": "another long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);
}

/// A program on the conference's clock (-05:00): a workshop that started
/// an hour ago (capacity 2) and a session in two hours. Registration closes
/// when a session starts, so `before` gives the workshop in an hour instead
/// (import it first, register, then import the real times).
fn program_around_now() -> (String, time::Date) {
    program_at(false)
}

fn program_at(before: bool) -> (String, time::Date) {
    let offset = UtcOffset::from_hms(-5, 0, 0).unwrap();
    let now = OffsetDateTime::now_utc().to_offset(offset);
    let fmt = |t: OffsetDateTime| {
        t.replace_nanosecond(0)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let w = if before {
        now + Duration::hours(1)
    } else {
        now - Duration::hours(1)
    };
    let csv = format!(
        "{}W-1,Beat Privatization,,workshop,,Ethics,,Room 201,{},{},2,\nL-1,Building Winning Teams,,workshop,,,,Room 202,{},{},10,\n",
        helpers::SESSIONS_HEADER,
        fmt(w),
        fmt(now + Duration::minutes(90)),
        fmt(now + Duration::hours(2)),
        fmt(now + Duration::hours(3)),
    );
    (csv, w.date())
}

/// The device time `minutes` after midnight of `day` on the -05:00 clock.
fn at(day: time::Date, minutes: i64) -> String {
    let t = day
        .midnight()
        .assume_offset(UtcOffset::from_hms(-5, 0, 0).unwrap())
        + Duration::minutes(minutes);
    t.to_offset(UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn checkin(
    k: &mut Phone,
    id: &str,
    badge: &str,
    session: Option<&str>,
    kind: &str,
    when: &str,
) -> Value {
    let mut m = k.check_in(id, badge, session, kind);
    m["at"] = json!(when);
    m
}

struct Morning {
    app: TestApp,
    token: String,
    day: time::Date,
    workshop: String,
    later: String,
}

/// Six people; two confirmed and two waitlisted for the workshop, one for
/// the later session; arrivals at the door through two kiosks (with a
/// duplicate across them), at the workshop (a duplicate, someone from the
/// waitlist and a walk-in); mentoring with planted private notes.
async fn scripted_morning() -> Morning {
    let app = app_with_organizer().await;
    let (program, day) = program_around_now();
    app.import_sessions(&program_at(true).0).await;
    app.import_attendees(&helpers::roster(6)).await;
    let workshop = app.session_id("W-1").await;
    let later = app.session_id("L-1").await;
    let mut phones = Vec::new();
    for n in 1..=5 {
        phones.push(app.phone(n).await);
    }
    for (i, p) in phones.iter_mut().enumerate().take(4) {
        let m = p.register(&helpers::rid(i as u32 + 1), &workshop);
        app.push(p, vec![m]).await;
    }
    let m = phones[4].register(&helpers::rid(9), &later);
    app.push(&phones[4], vec![m]).await;
    // The workshop has started by the time people arrive.
    app.import_sessions(&program).await;

    let mut ka = app.kiosk("Kiosk A").await;
    let mut kb = app.kiosk("Kiosk B").await;
    let door = vec![
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000002",
            "T-0001",
            None,
            "entry",
            &at(day, 5),
        ),
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000003",
            "T-0002",
            None,
            "entry",
            &at(day, 20),
        ),
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000004",
            "T-0006",
            None,
            "entry",
            &at(day, 40),
        ),
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000007",
            "T-0001",
            Some(&workshop),
            "entry",
            &at(day, 50),
        ),
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000009",
            "T-0006",
            Some(&workshop),
            "entry",
            &at(day, 52),
        ),
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000008",
            "T-0006",
            Some(&workshop),
            "exit",
            &at(day, 58),
        ),
    ];
    app.push(&ka, door).await;
    let b = vec![
        checkin(
            &mut kb,
            "00000000-0000-4000-9000-000000000001",
            "T-0001",
            None,
            "entry",
            &at(day, 7),
        ),
        checkin(
            &mut kb,
            "00000000-0000-4000-9000-000000000005",
            "T-0003",
            None,
            "entry",
            &at(day, 35),
        ),
        checkin(
            &mut kb,
            "00000000-0000-4000-9000-000000000006",
            "T-0001",
            Some(&workshop),
            "entry",
            &at(day, 51),
        ),
        checkin(
            &mut kb,
            "00000000-0000-4000-9000-000000000010",
            "T-0003",
            Some(&workshop),
            "entry",
            &at(day, 53),
        ),
    ];
    app.push(&kb, b).await;

    // Mentoring: 1 and 2 in both roles, one confirmed; 3 with someone not
    // at the conference; a deleted entry that must count nowhere.
    let e1 = json!({"entry_id": "00000000-0000-4000-9000-000000000014", "partner_badge": "T-0002", "role": "mentor", "date": today(),
                    "minutes": 60, "activity": "conversation", "standards": ["Ethics", "Communication"], "note": NOTE});
    let m = phones[0].log(e1.clone());
    app.push(&phones[0], vec![m]).await;
    let m = phones[1].confirm("00000000-0000-4000-9000-000000000014", seen_of(&e1));
    app.push(&phones[1], vec![m]).await;
    let m = phones[1].log(json!({"entry_id": "00000000-0000-4000-9000-000000000015", "partner_badge": "T-0001", "role": "mentee", "date": today(),
                                  "minutes": 30, "activity": "shadowing", "standards": ["Ethics"], "note": NOTE}));
    app.push(&phones[1], vec![m]).await;
    let m = phones[2].log(json!({"entry_id": "00000000-0000-4000-9000-000000000016", "partner_name": "Dana Outside", "role": "mentee", "date": today(),
                                  "minutes": 45, "activity": "training", "standards": ["Technology"], "note": NOTE}));
    app.push(&phones[2], vec![m]).await;
    let m1 = phones[0].log(json!({"entry_id": "00000000-0000-4000-9000-000000000017", "partner_badge": "T-0003", "role": "mentor", "date": today(),
                                   "minutes": 500, "activity": "other", "standards": ["Reporting"], "note": NOTE}));
    let m2 = phones[0].delete("00000000-0000-4000-9000-000000000017");
    app.push(&phones[0], vec![m1, m2]).await;

    let token = app.organizer_token().await;
    Morning {
        app,
        token,
        day,
        workshop,
        later,
    }
}

#[tokio::test]
async fn the_attendance_report_counts_people_not_scans_as_worked_out_by_hand() {
    let Morning {
        app,
        token,
        day,
        workshop,
        later,
    } = scripted_morning().await;
    let day_text = format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
    let report = app
        .admin_json(&token, &format!("/api/v1/admin/attendance?day={day_text}"))
        .await;

    assert_eq!(report["roster"], 6);
    // People 1, 2, 3 and 6 at the door; person 1 twice, through two kiosks.
    assert_eq!(report["checked_in"], 4);
    assert_eq!(report["day"], day_text.as_str());
    let w = report["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == workshop.as_str())
        .expect("the workshop is on its day")
        .clone();
    assert_eq!(w["capacity"], 2);
    assert_eq!(w["confirmed"], 2, "people 1 and 2");
    assert_eq!(w["waitlisted"], 2, "people 3 and 4");
    assert_eq!(
        w["checked_in"], 3,
        "people 1 (twice), 3 and 6: people, not scans"
    );
    assert_eq!(w["walk_ins"], 1, "person 6 had no registration");
    assert_eq!(w["no_shows"], 1, "person 2 is confirmed and never came");

    // Conference entries per 15 minutes of device time, duplicates out:
    // 00:05 (and its duplicate at 00:07), 00:20, 00:35 and 00:40.
    let timeline = report["timeline"].as_array().unwrap();
    let count_at = |minutes: i64| {
        let from = at(day, minutes);
        timeline
            .iter()
            .find(|b| {
                OffsetDateTime::parse(
                    b["from"].as_str().unwrap(),
                    &time::format_description::well_known::Rfc3339,
                )
                .unwrap()
                    == OffsetDateTime::parse(&from, &time::format_description::well_known::Rfc3339)
                        .unwrap()
            })
            .map(|b| b["checkins"].as_i64().unwrap())
    };
    assert_eq!(count_at(0), Some(1));
    assert_eq!(count_at(15), Some(1));
    assert_eq!(count_at(30), Some(2));
    assert_eq!(
        timeline
            .iter()
            .map(|b| b["checkins"].as_i64().unwrap())
            .sum::<i64>(),
        4
    );
    assert!(
        timeline[0]["from"].as_str().unwrap().ends_with("-05:00"),
        "on the conference's clock"
    );

    // The later session has not started: no-shows are not known yet.
    let later_day = app.admin_json(&token, "/api/v1/admin/attendance").await["days"].clone();
    let mut found = None;
    for d in later_day.as_array().unwrap() {
        let r = app
            .admin_json(
                &token,
                &format!("/api/v1/admin/attendance?day={}", d.as_str().unwrap()),
            )
            .await;
        if let Some(s) = r["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == later.as_str())
        {
            found = Some(s.clone());
        }
    }
    let l = found.expect("the later session is on some day");
    assert_eq!(
        (l["confirmed"].clone(), l["no_shows"].clone()),
        (json!(1), Value::Null)
    );

    let (status, code, _) = error_code(
        app.admin_get(&token, "/api/v1/admin/attendance?day=tomorrow")
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "bad_day"));
}

#[tokio::test]
async fn devices_report_what_they_hold_and_the_overview_says_so() {
    let Morning { app, token, .. } = scripted_morning().await;
    let devices = app.admin_json(&token, "/api/v1/admin/devices").await["devices"].clone();
    let kiosk_a = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Kiosk A")
        .expect("Kiosk A listed")
        .clone();
    assert_eq!(kiosk_a["kind"], "kiosk");
    assert_eq!(kiosk_a["revoked"], false);
    assert!(kiosk_a["last_sync_at"].is_string());
    let id = kiosk_a["device_id"].as_str().unwrap().to_owned();
    // Kiosk A last reported 23 check-ins it could not send yet.
    app.store
        .write(move |c| Ok(c.execute("UPDATE devices SET pending = 23 WHERE id = ?1", [&id])?))
        .await
        .expect("write");
    let report = app.admin_json(&token, "/api/v1/admin/attendance").await;
    assert_eq!(
        report["waiting_on_devices"],
        json!({
            "devices": 1, "mutations": 23, "kiosks": 1, "kiosk_mutations": 23,
            "last_seen": report["waiting_on_devices"]["last_seen"].clone(),
        })
    );
    let cookie = app.sign_in_cookie().await;
    let (status, html) = app.page(&cookie, "/admin").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("+ up to 23 check-ins waiting on 1 kiosk (last seen"),
        "{html}"
    );
}

#[tokio::test]
async fn a_revoked_kiosk_is_refused_at_once_and_its_check_ins_are_kept() {
    let app = app_with_organizer().await;
    app.import_sessions(&helpers::small_program()).await;
    app.import_attendees(&helpers::roster(2)).await;
    let token = app.organizer_token().await;
    let mut kiosk = app.kiosk("Kiosk A").await;
    let m = kiosk.check_in(
        "00000000-0000-4000-9000-000000000011",
        "T-0001",
        None,
        "entry",
    );
    app.push(&kiosk, vec![m]).await;

    let response = app
        .client
        .post(app.url(&format!("/api/v1/admin/devices/{}/revoke", kiosk.device_id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let m = kiosk.check_in(
        "00000000-0000-4000-9000-000000000012",
        "T-0002",
        None,
        "entry",
    );
    let (status, code, _) = error_code(app.push_raw(&kiosk, vec![m]).await).await;
    assert_eq!((status, code.as_str()), (401, "revoked"));
    let kept: i64 = app
        .query(|c| {
            c.query_row(
                "SELECT count(*) FROM checkins WHERE id = '00000000-0000-4000-9000-000000000011'",
                [],
                |r| r.get(0),
            )
        })
        .await;
    assert_eq!(kept, 1);
    let listed = app.admin_json(&token, "/api/v1/admin/devices").await;
    assert!(
        listed["devices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["device_id"] == kiosk.device_id.as_str() && d["revoked"] == true)
    );

    let (status, code, _) = error_code(
        app.client
            .post(app.url("/api/v1/admin/devices/no-such-device/revoke"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "unknown_device"));
}

#[tokio::test]
async fn a_pairing_code_made_by_an_organizer_pairs_a_kiosk() {
    let app = app_with_organizer().await;
    let token = app.organizer_token().await;
    let response = app
        .client
        .post(app.url("/api/v1/admin/kiosks"))
        .bearer_auth(&token)
        .json(&json!({"name": "Hall B door"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let made: Value = response.json().await.unwrap();
    assert!(made["expires_at"].is_string());
    let paired = app.pair_raw(made["pairing_code"].as_str().unwrap()).await;
    assert_eq!(paired.status(), 201);
    let body: Value = paired.json().await.unwrap();
    assert_eq!(body["kiosk"]["name"], "Hall B door");

    let (status, code, _) = error_code(
        app.client
            .post(app.url("/api/v1/admin/kiosks"))
            .bearer_auth(&token)
            .json(&json!({"name": "   "}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "bad_name"));
}

#[tokio::test]
async fn an_import_with_bad_rows_lists_them_all_and_imports_nothing() {
    let app = app_with_organizer().await;
    let token = app.organizer_token().await;
    let mut bad = helpers::small_program();
    bad.push_str("X-1,Bad,,keynote,,,,R,2027-03-26T10:30:00-05:00,2027-03-26T12:00:00-05:00,,\n");
    bad.push_str("X-2,Worse,,workshop,,Punctuality,,R,2027-03-26T10:30:00-05:00,2027-03-26T12:00:00-05:00,,\n");
    let post = |kind: &str, body: String, content_type: &str| {
        app.client
            .post(app.url(&format!("/api/v1/admin/import/{kind}")))
            .bearer_auth(&token)
            .header("Content-Type", content_type.to_owned())
            .body(body)
            .send()
    };
    let response = post("sessions", bad, "text/csv").await.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_file");
    let lines: Vec<i64> = body["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![5, 6]);
    assert!(
        body["error"]["rows"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("Punctuality")
    );
    let sessions: i64 = app
        .query(|c| c.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0)))
        .await;
    assert_eq!(sessions, 0, "nothing of a bad file");

    let response = post(
        "sessions",
        helpers::small_program(),
        "text/csv; charset=utf-8",
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["created"].clone(), body["updated"].clone()),
        (json!(3), json!(0))
    );
    let changed = helpers::small_program().replace("Room 201", "Room 305");
    let body: Value = post("sessions", changed, "text/csv")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (body["created"].clone(), body["updated"].clone()),
        (json!(0), json!(1))
    );

    let response = post(
        "attendees",
        format!("{ATTENDEES_HEADER}T-0001,A,B,,OH,L,Paraeducators,attendee\n"),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 415);
    let response = post("speakers", String::new(), "text/csv").await.unwrap();
    assert_eq!(response.status(), 404);
}

/// Reads a CSV export strictly: the byte-order mark, a header, rows.
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte-order mark for Excel"
    );
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(&bytes[3..]);
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.expect("a strict CSV row")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

#[tokio::test]
async fn exports_keep_every_check_in_names_with_accents_and_quotes_and_neutralise_formulas() {
    let app = app_with_organizer().await;
    let (program, day) = program_around_now();
    app.import_sessions(&program).await;
    app.import_attendees(&format!(
        "{ATTENDEES_HEADER}T-0001,José,\"O'Brien, \"\"Jr.\"\"\",,OH,Local 1,Paraeducators,attendee\nT-0002,=HYPERLINK(\"x\"),-Smith,,TX,@local,Food services,attendee\n"
    ))
    .await;
    let token = app.organizer_token().await;
    let mut ka = app.kiosk("Kiosk A").await;
    let mut kb = app.kiosk("Kiosk B").await;
    let m = vec![
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000011",
            "T-0001",
            None,
            "entry",
            &at(day, 5),
        ),
        checkin(
            &mut ka,
            "00000000-0000-4000-9000-000000000012",
            "T-0002",
            None,
            "entry",
            &at(day, 6),
        ),
    ];
    app.push(&ka, m).await;
    let m = checkin(
        &mut kb,
        "00000000-0000-4000-9000-000000000013",
        "T-0001",
        None,
        "entry",
        &at(day, 9),
    );
    app.push(&kb, vec![m]).await;

    let response = app
        .admin_get(&token, "/api/v1/admin/export/checkins.csv")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let (header, rows) = read_csv(&response.bytes().await.unwrap());
    assert_eq!(header[0], "checkin_id");
    assert_eq!(rows.len(), 3, "every check-in, the duplicate too");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let jose: Vec<_> = rows
        .iter()
        .filter(|r| r[col("first_name")] == "José")
        .collect();
    assert_eq!(jose.len(), 2);
    assert_eq!(
        jose[0][col("last_name")],
        "O'Brien, \"Jr.\"",
        "accents, commas and quotes survive"
    );
    assert_eq!(jose[1][col("duplicate")], "yes");
    assert_eq!(
        jose[1][col("duplicate_of")],
        "00000000-0000-4000-9000-000000000011"
    );
    assert_eq!(jose[1][col("kiosk")], "Kiosk B");
    let risky = rows
        .iter()
        .find(|r| r[col("badge_code")] == "T-0002")
        .unwrap();
    assert_eq!(risky[col("first_name")], "'=HYPERLINK(\"x\")");
    assert_eq!(risky[col("last_name")], "'-Smith");
    let expected_time = {
        let t = OffsetDateTime::parse(&at(day, 5), &time::format_description::well_known::Rfc3339)
            .unwrap()
            .to_offset(UtcOffset::from_hms(-5, 0, 0).unwrap());
        format!(
            "{:04}-{:02}-{:02} 00:05",
            t.year(),
            u8::from(t.month()),
            t.day()
        )
    };
    assert_eq!(
        jose[0][col("device_time")],
        expected_time,
        "on the conference's clock"
    );

    for file in [
        "attendance.csv",
        "registrations.csv",
        "mentoring.csv",
        "mentoring-pairs.csv",
    ] {
        let response = app
            .admin_get(&token, &format!("/api/v1/admin/export/{file}"))
            .await;
        assert_eq!(response.status(), 200, "{file}");
        let (header, _) = read_csv(&response.bytes().await.unwrap());
        assert!(!header.is_empty());
    }
    let (status, code, _) = error_code(
        app.admin_get(&token, "/api/v1/admin/export/notes.csv")
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
}

#[tokio::test]
async fn mentoring_is_rolled_up_per_pair_state_and_standard_without_deleted_entries() {
    let Morning { app, token, .. } = scripted_morning().await;
    let rows = |by: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            app.admin_json(token, &format!("/api/v1/admin/mentoring?by={by}"))
                .await["rows"]
                .clone()
        }
    };
    let pairs = rows("pair").await;
    let pairs = pairs.as_array().unwrap();
    assert_eq!(
        pairs.len(),
        2,
        "1 & 2 in either role are one pair; 3 with a named partner"
    );
    let one_two = pairs.iter().find(|r| r["key"]["b"].is_string()).unwrap();
    assert_eq!(
        (
            one_two["entries"].clone(),
            one_two["minutes_confirmed"].clone(),
            one_two["minutes_unconfirmed"].clone()
        ),
        (json!(2), json!(60), json!(30))
    );
    let named = pairs.iter().find(|r| r["key"]["b"].is_null()).unwrap();
    assert_eq!(named["key"]["partner_name"], "Dana Outside");
    assert_eq!(named["minutes_unconfirmed"], 45);

    let standards = rows("standard").await;
    let of = |name: &str| {
        standards
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == name)
            .cloned()
    };
    assert_eq!(
        of("Ethics").map(|r| (
            r["minutes_confirmed"].clone(),
            r["minutes_unconfirmed"].clone()
        )),
        Some((json!(60), json!(30)))
    );
    assert_eq!(
        of("Communication").map(|r| r["entries"].clone()),
        Some(json!(1))
    );
    assert_eq!(of("Reporting"), None, "the deleted entry counts nowhere");

    let states = rows("state").await;
    assert_eq!(
        states,
        json!([{"key": "OH", "entries": 3, "minutes_confirmed": 60, "minutes_unconfirmed": 75, "last_date": today()}])
    );
    let families = rows("career_family").await;
    assert_eq!(families.as_array().unwrap().len(), 1);

    let (status, code, _) = error_code(
        app.admin_get(&token, "/api/v1/admin/mentoring?by=shoe_size")
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "bad_by"));
}

#[tokio::test]
async fn no_organizer_answer_ever_holds_a_private_note() {
    let Morning {
        app,
        token,
        workshop,
        ..
    } = scripted_morning().await;
    let stored: i64 = app
        .query(|c| {
            c.query_row(
                "SELECT count(*) FROM mentoring_entries WHERE note = ?1",
                [NOTE],
                |r| r.get(0),
            )
        })
        .await;
    assert!(stored >= 3, "the note is there to leak");
    let mut bodies = Vec::new();
    for path in [
        "/api/v1/admin/attendance".to_owned(),
        "/api/v1/admin/mentoring?by=pair".into(),
        "/api/v1/admin/mentoring?by=state".into(),
        "/api/v1/admin/mentoring?by=career_family".into(),
        "/api/v1/admin/mentoring?by=standard".into(),
        "/api/v1/admin/devices".into(),
        "/api/v1/admin/export/attendance.csv".into(),
        "/api/v1/admin/export/registrations.csv".into(),
        "/api/v1/admin/export/checkins.csv".into(),
        "/api/v1/admin/export/mentoring.csv".into(),
        "/api/v1/admin/export/mentoring-pairs.csv".into(),
        "/api/v1/sync/pull".into(),
    ] {
        let response = app.admin_get(&token, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        bodies.push((path, response.text().await.unwrap()));
    }
    let cookie = app.sign_in_cookie().await;
    for path in [
        "/admin".to_owned(),
        "/admin/sessions".into(),
        format!("/admin/sessions/{workshop}"),
        "/admin/checkins".into(),
        "/admin/mentoring?by=pair".into(),
        "/admin/mentoring?by=standard".into(),
        "/admin/devices".into(),
        "/admin/import".into(),
    ] {
        let (status, html) = app.page(&cookie, &path).await;
        assert_eq!(status, 200, "{path}");
        bodies.push((path, html));
    }
    for (path, body) in bodies {
        assert!(!body.contains(NOTE), "{path} shows a private note");
    }
}

#[tokio::test]
async fn the_cookie_session_refuses_other_sites_and_ends_on_the_server_at_sign_out() {
    let app = app_with_organizer().await;
    app.import_sessions(&helpers::small_program()).await;
    let (status, html) = app.page("", "/admin/sessions").await;
    assert_eq!(status, 303, "no session: the sign-in form");
    assert!(html.is_empty());
    let cookie = app.sign_in_cookie().await;
    let (status, html) = app.page(&cookie, "/admin/sessions").await;
    assert_eq!(status, 200);
    assert!(html.contains("Beat Privatization"));

    // A form on another site posting with the organizer's cookie.
    let response = app
        .browser()
        .post(app.url("/admin/kiosks"))
        .header("Cookie", &cookie)
        .header("Origin", "http://evil.example")
        .form(&[("name", "Evil kiosk")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let codes: i64 = app
        .query(|c| c.query_row("SELECT count(*) FROM pairing_codes", [], |r| r.get(0)))
        .await;
    assert_eq!(codes, 0);
    let response = app
        .browser()
        .post(app.url("/admin/kiosks"))
        .header("Cookie", &cookie)
        .header("Origin", format!("http://{}", app.addr))
        .form(&[("name", "Kiosk A"), ("minutes", "30")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("pairing-code") && html.contains("Pairing code for “Kiosk A”"),
        "{html}"
    );

    let response = app
        .browser()
        .post(app.url("/admin/signout"))
        .header("Cookie", &cookie)
        .header("Origin", format!("http://{}", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (status, _) = app.page(&cookie, "/admin/sessions").await;
    assert_eq!(
        status, 303,
        "the old cookie no longer works: the session ended on the server"
    );
}

#[tokio::test]
async fn a_wrong_password_in_the_form_keeps_the_email_and_says_so() {
    let app = app_with_organizer().await;
    let response = app
        .browser()
        .post(app.url("/admin/signin"))
        .form(&[("email", EMAIL), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().get("set-cookie").is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("do not match"), "{html}");
    assert!(
        html.contains(&format!("value=\"{EMAIL}\"")),
        "the email typed is kept"
    );
}

#[tokio::test]
async fn removing_an_organizer_ends_their_sessions_and_tokens_at_once() {
    let app = app_with_organizer().await;
    let token = app.organizer_token().await;
    let cookie = app.sign_in_cookie().await;
    assert_eq!(
        app.admin_get(&token, "/api/v1/admin/devices")
            .await
            .status(),
        200
    );

    server::organizers::remove(
        &app.store,
        &server::organizers::Email::parse(EMAIL).unwrap(),
    )
    .await
    .expect("remove");

    let (status, code, _) = error_code(app.admin_get(&token, "/api/v1/admin/devices").await).await;
    assert_eq!((status, code.as_str()), (401, "revoked"));
    let (status, _) = app.page(&cookie, "/admin").await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn the_session_page_lists_who_came_who_did_not_and_the_waitlist() {
    let Morning { app, workshop, .. } = scripted_morning().await;
    let cookie = app.sign_in_cookie().await;
    let (status, html) = app
        .page(&cookie, &format!("/admin/sessions/{workshop}"))
        .await;
    assert_eq!(status, 200);
    for heading in [
        "Registered and came (1)",
        "Came from the waitlist (1)",
        "Came without a registration (1)",
        "Registered and did not come (1)",
        "Waitlist, in order (2)",
    ] {
        assert!(html.contains(heading), "{heading}");
    }
    assert!(
        html.contains("<img src=\"/admin/charts/sessions/"),
        "the arrivals chart"
    );
    let chart = app
        .page(
            &cookie,
            &format!("/admin/charts/sessions/{workshop}/arrivals.svg"),
        )
        .await;
    assert_eq!(chart.0, 200);
    assert!(chart.1.starts_with("<svg"));
    let (status, _) = app.page(&cookie, "/admin/sessions/999999").await;
    assert_eq!(status, 404);
}

/// Reads the QR code of the first `<svg class="signin-qr">` in `html`
/// back into its text, the way a phone's camera would.
fn read_signin_qr(html: &str) -> String {
    let svg = &html[html.find("class=\"signin-qr\"").expect("a sign-in QR code")..];
    let d = &svg[svg.find(" d=\"").expect("a path") + 4..];
    let d = &d[..d.find('"').expect("path end")];
    let dark: Vec<(usize, usize)> = d
        .split('M')
        .filter(|m| !m.is_empty())
        .map(|m| {
            let mut xy = m.trim_end_matches("h1v1h-1z").split(' ');
            let x = xy.next().and_then(|v| v.parse().ok()).expect("x");
            let y = xy.next().and_then(|v| v.parse().ok()).expect("y");
            (x, y)
        })
        .collect();
    let side = dark
        .iter()
        .map(|(x, y)| x.max(y) + 1)
        .max()
        .expect("modules");
    let (scale, quiet) = (4, 4);
    let pixels = (side + 2 * quiet) * scale;
    let on: std::collections::HashSet<(usize, usize)> = dark.into_iter().collect();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(pixels, pixels, |x, y| {
        let (mx, my) = (
            (x / scale) as isize - quiet as isize,
            (y / scale) as isize - quiet as isize,
        );
        let dark = mx >= 0 && my >= 0 && on.contains(&(mx as usize, my as usize));
        if dark { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("decodes").1
}

#[tokio::test]
async fn a_printed_sign_in_card_holds_a_link_that_signs_its_owner_in() {
    let app = app_with_organizer().await;
    app.import_attendees(&helpers::roster(3)).await;
    let cookie = app.sign_in_cookie().await;

    let (status, html) = app.page(&cookie, "/admin/cards?badge=T-0002").await;

    assert_eq!(status, 200, "{html}");
    assert!(html.contains("First2 Last2"), "the owner's name");
    assert!(!html.contains("First1 Last1"), "only that card");
    let link = read_signin_qr(&html);
    let (origin, code) = link.split_once("/signin#code=").expect("a sign-in link");
    assert_eq!(origin, format!("http://{}", app.addr));
    assert!(html.contains(code), "the code in letters too");
    assert_eq!(code, app.signin_code("T-0002").await);
    let response = app.sign_in_raw(code).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("body");
    assert_eq!(body["attendee"]["badge_code"], "T-0002");
    // Every card, and the cards of those without an email address.
    let (_, all) = app.page(&cookie, "/admin/cards").await;
    assert_eq!(all.matches("class=\"signin-card\"").count(), 3);
    let (_, none) = app.page(&cookie, "/admin/cards?without_email=1").await;
    assert_eq!(none.matches("class=\"signin-card\"").count(), 0);
    let response = app
        .browser()
        .get(app.url("/admin/cards"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "secrets are not cached"
    );
}

#[tokio::test]
async fn the_help_desk_reissues_a_code_from_the_attendee_page() {
    let app = app_with_organizer().await;
    app.import_attendees(&helpers::roster(2)).await;
    let old = app.signin_code("T-0001").await;
    let phone = app.phone(1).await;
    let cookie = app.sign_in_cookie().await;
    let (status, html) = app.page(&cookie, "/admin/attendees?q=last1").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("/admin/attendees/T-0001") && !html.contains("First2"),
        "{html}"
    );
    let (_, shown) = app.page(&cookie, "/admin/attendees/T-0001?show=1").await;
    assert!(read_signin_qr(&shown).ends_with(&old));

    let response = app
        .browser()
        .post(app.url("/admin/attendees/T-0001/reissue"))
        .header("Cookie", &cookie)
        .header("Origin", format!("http://{}", app.addr))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 303);
    let new = app.signin_code("T-0001").await;
    assert_ne!(new, old);
    let (_, after) = app
        .page(&cookie, "/admin/attendees/T-0001?reissued=1")
        .await;
    assert!(
        read_signin_qr(&after).ends_with(&new),
        "the new code is shown"
    );
    assert_eq!(app.sign_in_raw(&old).await.status(), 401);
    let pulled = app
        .client
        .get(app.url("/api/v1/sync/pull"))
        .bearer_auth(&phone.token)
        .send()
        .await
        .expect("request");
    assert_eq!(pulled.status(), 200, "the signed-in phone keeps working");
    // The API twin.
    let token = app.organizer_token().await;
    let link = app
        .admin_json(&token, "/api/v1/admin/attendees/t-0002/signin")
        .await;
    assert_eq!(link["code"], app.signin_code("T-0002").await.as_str());
    assert!(
        link["link"]
            .as_str()
            .unwrap_or_default()
            .ends_with(link["code"].as_str().unwrap_or("?"))
    );
    let missing = app
        .admin_get(&token, "/api/v1/admin/attendees/T-9999/signin")
        .await;
    assert_eq!(error_code(missing).await.1, "no_such_attendee");
}

#[tokio::test]
async fn guessing_an_organizers_password_elsewhere_never_locks_the_organizer_out() {
    let app = app_with_organizer().await;
    let from = |last: u8| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, last]))
            .build()
            .expect("client")
    };
    let attempt = |client: reqwest::Client, password: &'static str| {
        let url = app.url("/api/v1/auth/organizer");
        async move {
            client
                .post(url)
                .json(&json!({"email": EMAIL, "password": password}))
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }
    };
    // Twenty-one guessers, one wrong password each: the email's ceiling.
    for last in 10..31 {
        assert_eq!(
            attempt(from(last), "wrong password!!").await,
            401,
            "guesser {last}"
        );
    }
    // A guesser that failed already now waits…
    assert_eq!(attempt(from(10), "wrong password!!").await, 429);
    // …and the organizer, from an address that never failed, signs in.
    assert_eq!(attempt(from(2), PASSWORD).await, 201);
}

/// An SMTP server on a loopback port that keeps every message it gets.
struct SmtpSink {
    port: u16,
    messages: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

#[derive(Clone)]
struct Keep {
    current: Vec<u8>,
    messages: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl mailin::Handler for Keep {
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin::Response {
        let message = String::from_utf8_lossy(&std::mem::take(&mut self.current)).into_owned();
        self.messages.lock().expect("lock").push(message);
        mailin::response::OK
    }
}

impl SmtpSink {
    fn start() -> SmtpSink {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&messages);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = std::sync::Arc::clone(&kept);
                std::thread::spawn(move || {
                    let peer = stream
                        .peer_addr()
                        .map(|a| a.ip())
                        .unwrap_or([127, 0, 0, 1].into());
                    let mut session = mailin::SessionBuilder::new("sink.test").build(
                        peer,
                        Keep {
                            current: Vec::new(),
                            messages: kept,
                        },
                    );
                    let mut out = stream.try_clone().expect("clone");
                    let _ = session.greeting().write_to(&mut out);
                    let mut reader = BufReader::new(stream);
                    let mut line = Vec::new();
                    loop {
                        line.clear();
                        if reader.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let response = session.process(&line);
                        if response.action != mailin::Action::NoReply {
                            let _ = response.write_to(&mut out);
                            let _ = out.flush();
                        }
                        if response.action == mailin::Action::Close {
                            return;
                        }
                    }
                });
            }
        });
        SmtpSink { port, messages }
    }

    fn messages(&self) -> Vec<String> {
        self.messages.lock().expect("lock").clone()
    }
}

async fn app_with_mail(sink: &SmtpSink) -> TestApp {
    let port = sink.port;
    let app = TestApp::spawn_with(move |state| {
        let mailer = server::mail::Mailer::new(&server::mail::MailSettings {
            host: "127.0.0.1".into(),
            port: Some(port),
            tls: server::mail::Tls::None,
            user: None,
            password: None,
            from: "ESP Conference <esp@conference.example.org>".into(),
            conference: "the ESP Conference".into(),
        })
        .expect("mailer");
        state.with_mailer(mailer)
    })
    .await;
    app.add_organizer(EMAIL, PASSWORD).await;
    app
}

/// The sign-in code in an email's text (quoted-printable: soft line
/// breaks, `=` written `=3D`).
fn code_in(message: &str) -> String {
    let text = message.replace("=\r\n", "").replace("=3D", "=");
    let at = text.find("#code=").expect("a sign-in link") + 6;
    text[at..at + 19].to_owned()
}

#[tokio::test]
async fn sign_in_links_are_emailed_through_smtp_and_the_emailed_link_signs_in() {
    let sink = SmtpSink::start();
    let app = app_with_mail(&sink).await;
    let mut roster = helpers::roster(4);
    roster.push_str("T-0005,Nomail,Person,,OH,Local 5,Paraeducators,attendee\n");
    app.import_attendees(&roster).await;
    let token = app.organizer_token().await;
    let post = |path: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .post(app.url(path))
                .bearer_auth(token)
                .send()
                .await
                .expect("request")
        }
    };

    let response = post("/api/v1/admin/attendees/T-0001/email").await;

    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(
        message.contains("To: \"First1 Last1\" <p1@example.org>")
            || message.contains("To: First1 Last1 <p1@example.org>"),
        "{message}"
    );
    assert!(
        message.contains("From: \"ESP Conference\" <esp@conference.example.org>")
            || message.contains("From: ESP Conference <esp@conference.example.org>"),
        "{message}"
    );
    assert!(
        message.contains("Subject: Your sign-in link for the ESP Conference"),
        "{message}"
    );
    let code = code_in(message);
    assert_eq!(code, app.signin_code("T-0001").await);
    assert_eq!(
        app.sign_in_raw(&code).await.status(),
        201,
        "the emailed link signs in"
    );

    // Everyone else with an address, in the background.
    let response = post("/api/v1/admin/signin-emails").await;
    assert_eq!(response.status(), 202);
    let queued: Value = response.json().await.expect("body");
    assert_eq!(
        queued["queued"], 3,
        "not T-0001 again, not the one without an address"
    );
    let mut progress = Value::Null;
    for _ in 0..100 {
        progress = app.admin_json(&token, "/api/v1/admin/signin-emails").await;
        if progress["running"] == false {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(progress["sent"], 3, "{progress}");
    assert_eq!(progress["waiting"], 0);
    let messages = sink.messages();
    assert_eq!(messages.len(), 4);
    for n in 2..=4 {
        let to = format!("p{n}@example.org");
        let mail = messages
            .iter()
            .find(|m| m.contains(&to))
            .expect("one for each");
        assert_eq!(code_in(mail), app.signin_code(&format!("T-{n:04}")).await);
    }
    // No address: a clear refusal, nothing sent.
    let (status, code, _) = error_code(post("/api/v1/admin/attendees/T-0005/email").await).await;
    assert_eq!((status, code.as_str()), (422, "no_email"));
    assert_eq!(sink.messages().len(), 4);
}

#[tokio::test]
async fn without_smtp_settings_email_is_refused_clearly() {
    let app = app_with_organizer().await;
    app.import_attendees(&helpers::roster(1)).await;
    let token = app.organizer_token().await;
    let response = app
        .client
        .post(app.url("/api/v1/admin/attendees/T-0001/email"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code.as_str()), (503, "mail_not_configured"));
    assert!(message.contains("--smtp-host"), "{message}");
}
