//! What a black-box probe of the server found, each with the test that
//! failed before its fix (issue 11): connections that never finish,
//! unchecked device times, caches that could mix encodings, bare error
//! answers, messages that named our types or echoed whole inputs, a
//! case-sensitive auth scheme, and text with invisible controls.
//! Run: `cargo test -p server --test hardening`.

mod helpers;

use std::time::Duration;

use helpers::{TestApp, error_code, roster, small_program};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn app_with(attendees: usize) -> TestApp {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    app.import_attendees(&roster(attendees)).await;
    app
}

/// Sends `bytes` on a fresh connection, then reads until the server
/// closes it; `Err` if it is still open after `patience`.
async fn closed_within(app: &TestApp, bytes: &[u8], patience: Duration) -> Result<Vec<u8>, String> {
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    stream.write_all(bytes).await.expect("write");
    let mut got = Vec::new();
    let read = tokio::time::timeout(patience, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    match read {
        Ok(()) => Ok(got),
        Err(_) => Err(format!(
            "still open after {patience:?}; received {:?}",
            String::from_utf8_lossy(&got)
        )),
    }
}

#[tokio::test]
async fn connections_that_never_finish_a_request_or_sit_idle_are_closed() {
    let options = server::ServeOptions {
        header_read_timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let app = TestApp::spawn_custom(|s| s, options).await;
    let patience = Duration::from_secs(4);
    // Sends nothing at all.
    closed_within(&app, b"", patience)
        .await
        .expect("silent connection");
    // Starts a request and never ends its headers (slowloris).
    closed_within(
        &app,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n",
        patience,
    )
    .await
    .expect("unfinished headers");
    // A whole request, answered, then nothing: the idle connection goes too.
    let answered = closed_within(&app, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", patience)
        .await
        .expect("idle keep-alive connection");
    assert!(
        String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"),
        "the request itself was answered"
    );
}

#[tokio::test]
async fn a_mutations_time_must_be_a_real_time_near_now() {
    let app = app_with(2).await;
    let mut kiosk = app.kiosk("Kiosk A").await;
    let bad = [
        "x".repeat(10_000),
        "2026-12-02T09:00:00\u{0}Z".to_owned(),
        "9999-12-31T23:59:59Z".to_owned(),
        "1999-01-01T00:00:00Z".to_owned(),
        "yesterday".to_owned(),
        String::new(),
    ];
    let mut batch = Vec::new();
    for (n, at) in bad.iter().enumerate() {
        let mut m = kiosk.check_in(&helpers::rid(n as u32 + 1), "T-0001", None, "entry");
        m["at"] = json!(at);
        batch.push(m);
    }
    batch.push(kiosk.check_in(&helpers::rid(50), "T-0002", None, "entry"));

    let results = app.push(&kiosk, batch).await.results;

    for (result, at) in results.iter().zip(&bad) {
        assert_eq!(result.code.as_deref(), Some("bad_time"), "{at:.40}");
        let message = result.message.as_deref().unwrap_or_default();
        assert!(
            message.len() < 300,
            "the 10 KB time is not echoed whole: {}",
            message.len()
        );
        assert!(!message.contains('\u{0}'), "no NUL sent back");
    }
    assert_eq!(
        results[bad.len()].status,
        app::protocol::ResultStatus::Applied
    );
    let stored: Vec<String> = app
        .query(|c| {
            c.prepare("SELECT device_at FROM checkins")?
                .query_map([], |r| r.get(0))?
                .collect()
        })
        .await;
    assert_eq!(stored.len(), 1, "only the good one is stored: {stored:?}");
}

#[tokio::test]
async fn the_time_limits_answer_has_every_security_header_and_is_never_cached() {
    let app = TestApp::spawn_with(|s| s.with_time_limit(Duration::from_millis(300))).await;
    // A push whose body never finishes arriving runs out of time.
    let stalled =
        b"POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                    Content-Length: 100\r\nConnection: close\r\n\r\n{";
    let answer = closed_within(&app, stalled, Duration::from_secs(5))
        .await
        .expect("answered and closed");
    let text = String::from_utf8_lossy(&answer).to_lowercase();
    assert!(text.starts_with("http/1.1 503"), "{text}");
    for header in [
        "cache-control: no-store",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "content-security-policy: ",
    ] {
        assert!(text.contains(header), "{header} missing in:\n{text}");
    }
    assert!(text.contains("\"code\":\"timeout\""), "{text}");
}

#[tokio::test]
async fn error_messages_name_no_types_of_ours_and_echo_no_novels() {
    let app = app_with(1).await;
    let phone = app.phone(1).await;
    let push = |body: Value| {
        let app = &app;
        let token = phone.token.clone();
        async move {
            app.client
                .post(app.url("/api/v1/sync/push"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("request")
        }
    };
    let huge = "z".repeat(10_000);
    let bodies = [
        json!([1, 2, 3, 4]),
        json!({"protocol": 1, "device_id": phone.device_id, "mutations": [{"seq": huge, "op": "x", "args": {}, "at": ""}]}),
        json!({"protocol": 1, "device_id": huge, "mutations": []}),
        json!({"protocol": "one"}),
    ];
    for body in bodies {
        let (status, code, message) = error_code(push(body).await).await;
        assert!(status == 422 || status == 400, "{status} {code}");
        for word in ["struct", "PushRequest", "Mutation", "u64", "u32", "enum"] {
            assert!(!message.contains(word), "“{word}” in: {message}");
        }
        assert!(
            message.len() < 300,
            "{} bytes: {message:.80}",
            message.len()
        );
    }
    // A rejected mutation quoting a 10 KB id.
    let mut phone = phone.clone();
    let m = phone.mutation("registration.cancel", json!({"registration_id": huge}));
    let result = &app.push(&phone, vec![m]).await.results[0];
    let message = result.message.as_deref().unwrap_or_default();
    assert!(message.len() < 300, "{message:.80}");
    let (status, _, message) = error_code(app.sign_in_raw(&huge).await).await;
    assert_eq!(status, 422);
    assert!(message.len() < 400, "{message:.80}");
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = app_with(1).await;
    let phone = app.phone(1).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .client
            .get(app.url("/api/v1/sync/pull"))
            .header("Authorization", format!("{scheme} {}", phone.token))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{scheme}");
        let page: app::protocol::PullResponse = response.json().await.expect("page");
        let own = page.changes.iter().any(|c| {
            matches!(
                c,
                app::protocol::Change::Put {
                    entity: app::protocol::Entity::Attendee,
                    ..
                }
            ) && c.row::<serde_json::Value>().is_some_and(|data| {
                data["badge_code"] == "T-0001" && data.get("badge_qr").is_some()
            })
        });
        assert!(own, "{scheme}: the attendee's own scope");
    }
    let response = app
        .client
        .get(app.url("/api/v1/sync/pull"))
        .header("Authorization", format!("Basic {}", phone.token))
        .send()
        .await
        .expect("request");
    assert_eq!(error_code(response).await.1, "invalid_token");
}

#[tokio::test]
async fn invisible_direction_overrides_and_controls_are_refused_in_names() {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    // An attendee whose name hides a right-to-left override.
    let mut csv = roster(1);
    csv.push_str("T-0002,Ana\u{202E}exe,López,,OH,Local 2,Paraeducators,attendee\n");
    let refused = server::import::import_attendees(&app.store, csv.as_bytes()).await;
    let message = format!("{}", refused.expect_err("refused"));
    assert!(
        message.contains("line 3") && message.contains("direction"),
        "{message}"
    );
    let attendees: i64 = app
        .query(|c| c.query_row("SELECT count(*) FROM attendees", [], |r| r.get(0)))
        .await;
    assert_eq!(attendees, 0, "nothing of the file is imported");
    app.import_attendees(&roster(2)).await;

    // A mentoring partner's name, with an override and with a line break.
    let mut phone = app.phone(1).await;
    let mut batch = Vec::new();
    for (n, name) in ["Dana \u{202E}olleh", "Dana\nSmith", "Dana\u{7}"]
        .iter()
        .enumerate()
    {
        let mut args = helpers::entry_args(&helpers::rid(n as u32 + 1), "unused");
        args["partner_badge"] = Value::Null;
        args["partner_name"] = json!(name);
        batch.push(phone.log(args));
    }
    let results = app.push(&phone, batch).await.results;
    for r in &results {
        assert_eq!(r.status, app::protocol::ResultStatus::Rejected, "{r:?}");
    }

    // A kiosk's name.
    for name in ["Kiosk\u{202E}A", "Kiosk\nA"] {
        let made =
            server::kiosks::make_pairing_code(&app.store, name, Duration::from_secs(60)).await;
        assert!(made.is_err(), "{name:?}");
    }
}

// ---- The authorization matrix ------------------------------------------

/// Who calls, in the order every row is tried: the attendee whose data the
/// rows touch comes last, after everyone who must not touch it.
const WHO: [&str; 7] = [
    "no token",
    "garbage token",
    "revoked",
    "organizer",
    "kiosk",
    "another attendee",
    "attendee",
];

/// What a cell expects: an HTTP status, or for a push the status 200 and
/// the mutation's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Status(u16),
    Applied,
    Rejected(&'static str),
}
use Expect::{Applied, Rejected, Status};

#[derive(Clone)]
enum Body {
    Empty,
    /// `{n}` in it becomes a number new for every call: guesses that
    /// differ, so no lockout mixes into the answers.
    Json(Value),
    Csv(String),
    /// `{n}` in a value becomes a number new for every call.
    Form(Vec<(&'static str, &'static str)>),
    /// One mutation, numbered for the calling device.
    Mutation(&'static str, Value),
}

struct Row {
    method: &'static str,
    /// As the router names it, to check that every route has a row.
    pattern: &'static str,
    path: String,
    body: Body,
    expect: [Expect; 7],
}

fn row(
    method: &'static str,
    pattern: &'static str,
    path: &str,
    body: Body,
    expect: [Expect; 7],
) -> Row {
    Row {
        method,
        pattern,
        path: path.to_owned(),
        body,
        expect,
    }
}

/// Every `.route("…", get(…).post(…))` in the server's source: (method, path
/// as served). Routes nested under `/api` are written from `/v1/`.
fn routes_in_source() -> std::collections::BTreeSet<(String, String)> {
    let mut found = std::collections::BTreeSet::new();
    let mut files = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/http"
    ))];
    let mut sources = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read dir") {
                files.push(entry.expect("entry").path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            sources.push(std::fs::read_to_string(&path).expect("read source"));
        }
    }
    for source in sources {
        let mut rest = source.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + 7..];
            // The call's text, to its closing parenthesis.
            let (mut depth, mut end) = (1, 0);
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            let call = &rest[..end];
            let path = call.split('"').nth(1).expect("a path literal");
            let path = if path.starts_with("/v1/") {
                format!("/api{path}")
            } else {
                path.to_owned()
            };
            for (method, word) in [
                ("GET", "get("),
                ("POST", "post("),
                ("PUT", "put("),
                ("DELETE", "delete("),
            ] {
                let mut from = 0;
                while let Some(i) = call[from..].find(word) {
                    let before = call[..from + i].chars().last().unwrap_or(' ');
                    if !before.is_alphanumeric() && before != '_' {
                        found.insert((method.to_owned(), path.clone()));
                    }
                    from += i + word.len();
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn every_route_and_operation_answers_each_kind_of_caller_as_the_table_says() {
    const EMAIL: &str = "matrix@esp.example.org";
    const PASSWORD: &str = "matrix password 2027";
    let app = app_with(3).await;
    app.add_organizer(EMAIL, PASSWORD).await;
    let organizer: Value = app
        .client
        .post(app.url("/api/v1/auth/organizer"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("token");
    let organizer_token = organizer["token"].as_str().expect("token").to_owned();
    let mut a = app.phone(1).await;
    let mut b = app.phone(2).await;
    let mut kiosk = app.kiosk("Kiosk M").await;
    let mut revoked = app.phone(3).await;
    let signed_out = app
        .client
        .post(app.url("/api/v1/auth/signout"))
        .bearer_auth(&revoked.token)
        .send()
        .await
        .expect("request");
    assert_eq!(signed_out.status(), 204);
    // The attendee's own registration and mentoring entry, naming the other.
    let general = app.session_id("G-1").await;
    let workshop = app.session_id("B-1").await;
    let entry = helpers::rid(900);
    let entry_args = helpers::entry_args(&entry, "T-0002");
    let setup = vec![
        a.register(&helpers::rid(901), &general),
        a.log(entry_args.clone()),
    ];
    let set = app.push(&a, setup).await.results;
    assert!(
        set.iter()
            .all(|r| r.status == app::protocol::ResultStatus::Applied),
        "{set:?}"
    );
    let seen = helpers::seen_of(&entry_args);

    let denied = |organizer: Expect| {
        [
            Status(401),
            Status(401),
            Status(401),
            organizer,
            Status(403),
            Status(403),
            Status(403),
        ]
    };
    let admin = |ok: u16| denied(Status(ok));
    let page = |ok: u16| {
        [
            Status(303),
            Status(401),
            Status(401),
            Status(ok),
            Status(403),
            Status(403),
            Status(403),
        ]
    };
    let anyone = |status: u16| [Status(status); 7];
    let push = |kiosk: Expect, other: Expect, own: Expect| {
        [
            Status(401),
            Status(401),
            Status(401),
            Status(403),
            kiosk,
            other,
            own,
        ]
    };
    let fresh = |n: u32| helpers::rid(n);
    let device = "00000000-0000-4000-8000-000000000000";
    let rows = vec![
        // The sync API.
        row(
            "GET",
            "/api/v1/sync/pull",
            "/api/v1/sync/pull",
            Body::Empty,
            [
                Status(200),
                Status(401),
                Status(401),
                Status(200),
                Status(200),
                Status(200),
                Status(200),
            ],
        ),
        row(
            "POST",
            "/api/v1/sync/push",
            "/api/v1/sync/push",
            Body::Mutation(
                "registration.create",
                json!({"registration_id": "{fresh}", "session_id": workshop}),
            ),
            push(Rejected("forbidden"), Applied, Applied),
        ),
        row(
            "POST",
            "/api/v1/sync/push",
            "/api/v1/sync/push",
            Body::Mutation(
                "registration.cancel",
                json!({"registration_id": helpers::rid(901)}),
            ),
            push(
                Rejected("forbidden"),
                Rejected("unknown_registration"),
                Applied,
            ),
        ),
        row(
            "POST",
            "/api/v1/sync/push",
            "/api/v1/sync/push",
            Body::Mutation(
                "checkin.record",
                json!({"checkin_id": "{fresh}", "badge_code": "T-0001", "session_id": null, "kind": "entry"}),
            ),
            push(Applied, Rejected("forbidden"), Rejected("forbidden")),
        ),
        row(
            "POST",
            "/api/v1/sync/push",
            "/api/v1/sync/push",
            Body::Mutation("mentoring.log", {
                let mut args = helpers::entry_args("{fresh}", "T-0003");
                args["note"] = json!("");
                args
            }),
            push(Rejected("forbidden"), Applied, Applied),
        ),
        row(
            "POST",
            "/api/v1/sync/push",
            "/api/v1/sync/push",
            Body::Mutation(
                "mentoring.update",
                json!({"entry_id": entry, "fields": {"minutes": 50}}),
            ),
            push(Rejected("forbidden"), Rejected("forbidden"), Applied),
        ),
        row(
            "POST",
            "/api/v1/sync/push",
            "/api/v1/sync/push",
            Body::Mutation(
                "mentoring.confirm",
                json!({"entry_id": entry, "seen": {"minutes": 50, "role": seen["role"], "date": seen["date"], "activity": seen["activity"], "standards": seen["standards"]}}),
            ),
            push(Rejected("forbidden"), Applied, Rejected("forbidden")),
        ),
        row(
            "POST",
            "/api/v1/sync/push",
            "/api/v1/sync/push",
            Body::Mutation("mentoring.delete", json!({"entry_id": entry})),
            push(Rejected("forbidden"), Rejected("forbidden"), Applied),
        ),
        // Signing in takes no token, and a token changes nothing.
        row(
            "POST",
            "/api/v1/auth/attendee",
            "/api/v1/auth/attendee",
            Body::Json(json!({"signin_code": "ZZZZ-ZZZZ-ZZZZ-{n}"})),
            anyone(401),
        ),
        row(
            "POST",
            "/api/v1/auth/kiosk",
            "/api/v1/auth/kiosk",
            Body::Json(json!({"pairing_code": "ZZZZ-{n}"})),
            anyone(401),
        ),
        row(
            "POST",
            "/api/v1/auth/organizer",
            "/api/v1/auth/organizer",
            Body::Json(
                json!({"email": "nobody{n}@esp.example.org", "password": "not the password"}),
            ),
            anyone(401),
        ),
        // The organizer API.
        row(
            "GET",
            "/api/v1/admin/attendance",
            "/api/v1/admin/attendance",
            Body::Empty,
            admin(200),
        ),
        row(
            "GET",
            "/api/v1/admin/mentoring",
            "/api/v1/admin/mentoring?by=state",
            Body::Empty,
            admin(200),
        ),
        row(
            "GET",
            "/api/v1/admin/devices",
            "/api/v1/admin/devices",
            Body::Empty,
            admin(200),
        ),
        row(
            "POST",
            "/api/v1/admin/devices/{device_id}/revoke",
            &format!("/api/v1/admin/devices/{}/revoke", revoked.device_id),
            Body::Empty,
            admin(200),
        ),
        row(
            "POST",
            "/api/v1/admin/kiosks",
            "/api/v1/admin/kiosks",
            Body::Json(json!({"name": "Kiosk N"})),
            admin(201),
        ),
        row(
            "POST",
            "/api/v1/admin/import/{kind}",
            "/api/v1/admin/import/sessions",
            Body::Csv(small_program()),
            admin(200),
        ),
        row(
            "POST",
            "/api/v1/admin/import/{kind}",
            "/api/v1/admin/import/attendees",
            Body::Csv(roster(3)),
            admin(200),
        ),
        row(
            "GET",
            "/api/v1/admin/export/{file}",
            "/api/v1/admin/export/checkins.csv",
            Body::Empty,
            admin(200),
        ),
        row(
            "GET",
            "/api/v1/admin/attendees/{badge_code}/signin",
            "/api/v1/admin/attendees/T-0003/signin",
            Body::Empty,
            admin(200),
        ),
        row(
            "POST",
            "/api/v1/admin/attendees/{badge_code}/reissue",
            "/api/v1/admin/attendees/T-0003/reissue",
            Body::Empty,
            admin(200),
        ),
        row(
            "POST",
            "/api/v1/admin/attendees/{badge_code}/email",
            "/api/v1/admin/attendees/T-0003/email",
            Body::Empty,
            admin(503),
        ),
        row(
            "GET",
            "/api/v1/admin/signin-emails",
            "/api/v1/admin/signin-emails",
            Body::Empty,
            admin(503),
        ),
        row(
            "POST",
            "/api/v1/admin/signin-emails",
            "/api/v1/admin/signin-emails",
            Body::Empty,
            admin(503),
        ),
        // The organizer pages: without credentials, the sign-in form.
        row("GET", "/admin", "/admin", Body::Empty, page(200)),
        row(
            "GET",
            "/admin/sessions",
            "/admin/sessions",
            Body::Empty,
            page(200),
        ),
        row(
            "GET",
            "/admin/sessions/{id}",
            &format!("/admin/sessions/{general}"),
            Body::Empty,
            page(200),
        ),
        row(
            "GET",
            "/admin/checkins",
            "/admin/checkins",
            Body::Empty,
            page(200),
        ),
        row(
            "GET",
            "/admin/mentoring",
            "/admin/mentoring",
            Body::Empty,
            page(200),
        ),
        row(
            "GET",
            "/admin/devices",
            "/admin/devices",
            Body::Empty,
            page(200),
        ),
        row(
            "POST",
            "/admin/devices/{device_id}/revoke",
            &format!("/admin/devices/{}/revoke", revoked.device_id),
            Body::Empty,
            page(303),
        ),
        row(
            "POST",
            "/admin/kiosks",
            "/admin/kiosks",
            Body::Form(vec![("name", "Kiosk P")]),
            page(201),
        ),
        row(
            "GET",
            "/admin/import",
            "/admin/import",
            Body::Empty,
            page(200),
        ),
        row(
            "POST",
            "/admin/import",
            "/admin/import",
            Body::Form(vec![("kind", "sessions")]),
            page(422),
        ),
        row(
            "GET",
            "/admin/attendees",
            "/admin/attendees",
            Body::Empty,
            page(200),
        ),
        row(
            "POST",
            "/admin/attendees/email",
            "/admin/attendees/email",
            Body::Empty,
            page(503),
        ),
        row(
            "GET",
            "/admin/attendees/{badge_code}",
            "/admin/attendees/T-0003",
            Body::Empty,
            page(200),
        ),
        row(
            "POST",
            "/admin/attendees/{badge_code}/reissue",
            "/admin/attendees/T-0003/reissue",
            Body::Empty,
            page(303),
        ),
        row(
            "POST",
            "/admin/attendees/{badge_code}/email",
            "/admin/attendees/T-0003/email",
            Body::Empty,
            page(503),
        ),
        row(
            "GET",
            "/admin/cards",
            "/admin/cards?badge=T-0003",
            Body::Empty,
            page(200),
        ),
        // Charts are images on the pages: no sign-in form, a plain 401.
        row(
            "GET",
            "/admin/charts/checkins.svg",
            "/admin/charts/checkins.svg",
            Body::Empty,
            admin(200),
        ),
        row(
            "GET",
            "/admin/charts/sessions/{id}/arrivals.svg",
            &format!("/admin/charts/sessions/{general}/arrivals.svg"),
            Body::Empty,
            admin(200),
        ),
        // Public: the same for everyone.
        row(
            "GET",
            "/admin/signin",
            "/admin/signin",
            Body::Empty,
            anyone(200),
        ),
        row(
            "POST",
            "/admin/signin",
            "/admin/signin",
            Body::Form(vec![
                ("email", "nobody{n}@esp.example.org"),
                ("password", "not the password"),
            ]),
            anyone(401),
        ),
        row(
            "GET",
            "/admin/assets/admin.css",
            "/admin/assets/admin.css",
            Body::Empty,
            anyone(200),
        ),
        row(
            "GET",
            "/admin/assets/live.js",
            "/admin/assets/live.js",
            Body::Empty,
            anyone(200),
        ),
        row("GET", "/healthz", "/healthz", Body::Empty, anyone(200)),
        row("GET", "/sw.js", "/sw.js", Body::Empty, anyone(200)),
        // Last: signing out ends each token.
        row(
            "POST",
            "/admin/signout",
            "/admin/signout",
            Body::Empty,
            admin(303),
        ),
        row(
            "POST",
            "/api/v1/auth/signout",
            "/api/v1/auth/signout",
            Body::Empty,
            [
                Status(401),
                Status(401),
                Status(401),
                Status(204),
                Status(204),
                Status(204),
                Status(204),
            ],
        ),
    ];

    // Every route in the source has its row, and every row its route.
    let in_source = routes_in_source();
    let in_table: std::collections::BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_owned(), r.pattern.to_owned()))
        .collect();
    let missing: Vec<_> = in_source.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&in_source).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let garbage = "f".repeat(64);
    let mut fresh_n = 1000;
    let mut failures = Vec::new();
    for r in &rows {
        for (column, who) in WHO.iter().enumerate() {
            let caller: Option<&mut helpers::Phone> = match column {
                2 => Some(&mut revoked),
                4 => Some(&mut kiosk),
                5 => Some(&mut b),
                6 => Some(&mut a),
                _ => None,
            };
            let token = match column {
                0 => None,
                1 => Some(garbage.clone()),
                3 => Some(organizer_token.clone()),
                _ => caller.as_ref().map(|p| p.token.clone()),
            };
            let mut request = match r.method {
                "POST" => browser.post(app.url(&r.path)),
                _ => browser.get(app.url(&r.path)),
            }
            .header("Origin", format!("http://{}", app.addr));
            if let Some(token) = &token {
                request = request.bearer_auth(token);
            }
            fresh_n += 1;
            // Four symbols every code alphabet here has (no 0, 1, I or O).
            let symbols: String = format!("{:04}", fresh_n % 10_000)
                .bytes()
                .map(|d| char::from(b"23456789AB"[usize::from(d - b'0')]))
                .collect();
            let numbered = |text: &str| text.replace("{n}", &symbols);
            request = match &r.body {
                Body::Empty => request,
                Body::Json(v) => request
                    .json(&serde_json::from_str::<Value>(&numbered(&v.to_string())).expect("json")),
                Body::Csv(text) => request
                    .header("content-type", "text/csv")
                    .body(text.clone()),
                Body::Form(fields) => request.form(
                    &fields
                        .iter()
                        .map(|(k, v)| (*k, numbered(v)))
                        .collect::<Vec<_>>(),
                ),
                Body::Mutation(op, args) => {
                    fresh_n += 1;
                    let args: Value =
                        serde_json::from_str(&args.to_string().replace("{fresh}", &fresh(fresh_n)))
                            .expect("args");
                    let (device_id, mutation) = match caller {
                        Some(phone) => (phone.device_id.clone(), phone.mutation(op, args)),
                        None => (
                            device.to_owned(),
                            json!({"seq": 1, "op": op, "args": args, "at": helpers::now_rfc3339()}),
                        ),
                    };
                    request.json(
                        &json!({"protocol": 1, "device_id": device_id, "mutations": [mutation]}),
                    )
                }
            };
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            let got = if matches!(r.body, Body::Mutation(..)) && status == 200 {
                let answer: app::protocol::PushResponse = response.json().await.expect("push body");
                match (&answer.results[0].status, answer.results[0].code.as_deref()) {
                    (app::protocol::ResultStatus::Applied, _) => Applied,
                    (_, Some(code)) => Rejected(match code {
                        "forbidden" => "forbidden",
                        "unknown_registration" => "unknown_registration",
                        _ => {
                            failures.push(format!("{} as {who}: rejected with {code}", r.path));
                            "?"
                        }
                    }),
                    (_, None) => Rejected("?"),
                }
            } else {
                Status(status)
            };
            if got != r.expect[column] {
                failures.push(format!(
                    "{} {} as {who}: expected {:?}, got {got:?}",
                    r.method, r.path, r.expect[column]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Refused requests changed nothing: the pairing codes are the kiosk's
    // own and the organizer's two (API and page).
    let codes: Vec<String> = app
        .query(|c| {
            c.prepare("SELECT name FROM pairing_codes ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect()
        })
        .await;
    assert_eq!(codes, ["Kiosk M", "Kiosk N", "Kiosk P"]);
}
