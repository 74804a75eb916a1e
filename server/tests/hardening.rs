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
    let limits = server::ConnectionLimits {
        header_read_timeout: Duration::from_secs(1),
    };
    let app = TestApp::spawn_custom(|s| s, limits).await;
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
    let app = TestApp::spawn_with(|s| s.with_time_limit(Duration::ZERO)).await;
    let response = app.get("/api/v1/sync/pull").await;
    assert_eq!(response.status(), 503);
    let headers = response.headers().clone();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers.contains_key("content-security-policy"));
    assert_eq!(error_code(response).await.1, "timeout");
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
            matches!(c, app::protocol::Change::Put { entity: app::protocol::Entity::Attendee, data, .. }
                if data["badge_code"] == "T-0001" && data.get("badge_qr").is_some())
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
