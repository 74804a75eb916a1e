//! Attendee sign-in (spec §1, §4, §5): a secret that is not on the badge,
//! reissued on request, never handed out by the API, and lockouts that a
//! guesser cannot turn against the owner. Other addresses are other
//! loopback addresses (127.0.0.2, …): Linux routes all of 127/8 to us.
//! Run: `cargo test -p server --test signin`.

mod helpers;

use std::net::IpAddr;

use helpers::{TestApp, error_code, roster};
use serde_json::json;

async fn app_with(attendees: usize) -> TestApp {
    let app = TestApp::spawn().await;
    app.import_sessions(&helpers::small_program()).await;
    app.import_attendees(&roster(attendees)).await;
    app
}

/// A client whose connections come from `127.0.0.last`.
fn from_address(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from([127, 0, 0, last]))
        .build()
        .expect("client")
}

async fn device_count(app: &TestApp) -> i64 {
    app.query(|c| c.query_row("SELECT count(*) FROM devices", [], |r| r.get(0)))
        .await
}

/// Every pull page in `token`'s scope (the public one without), as text.
async fn pulled_text(app: &TestApp, token: Option<&str>) -> String {
    let mut text = String::new();
    let mut cursor = String::new();
    loop {
        let mut request = app
            .client
            .get(app.url("/api/v1/sync/pull"))
            .query(&[("cursor", &cursor)]);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 200);
        let body = response.text().await.expect("body");
        let page: app::protocol::PullResponse = serde_json::from_str(&body).expect("page");
        text.push_str(&body);
        cursor = page.cursor;
        if !page.more {
            return text;
        }
    }
}

/// A well-formed code that belongs to nobody (80 bits: a real one is this
/// one with odds of one in 10^24).
fn guess(n: u32) -> String {
    format!("ZZZZ{n:012}")
}

#[tokio::test]
async fn the_code_from_the_card_signs_in_however_it_is_typed() {
    let app = app_with(3).await;
    let code = app.signin_code("T-0002").await;
    assert_eq!(code.len(), 19, "four groups of four: {code}");

    let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
    let response = app.sign_in_raw(&typed).await;

    assert_eq!(response.status(), 201);
    let body: app::protocol::SignInResponse = response.json().await.expect("body");
    assert_eq!(body.token.len(), 64);
    assert_eq!(body.attendee.badge_code, "T-0002");
    let text = serde_json::to_string(&body.attendee).expect("json");
    assert!(!text.contains("example.org"), "no email to devices");
    let stored: Vec<Vec<u8>> = app
        .query(|c| {
            c.prepare("SELECT token_hash FROM devices")?
                .query_map([], |r| r.get(0))?
                .collect()
        })
        .await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], body.token.as_bytes(), "the token is kept hashed");
}

#[tokio::test]
async fn the_badge_code_and_last_name_sign_nobody_in() {
    let app = app_with(3).await;
    // The old request: badge code and last name, both printed on the badge.
    let response = app
        .client
        .post(app.url("/api/v1/auth/attendee"))
        .json(&json!({"badge_code": "T-0001", "last_name": "Last1"}))
        .send()
        .await
        .expect("request");
    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code.as_str()), (422, "invalid_body"), "{message}");
    assert!(message.contains("signin_code"), "{message}");
    // The badge code where the sign-in code goes.
    let (status, code, message) = error_code(app.sign_in_raw("T-0001").await).await;
    assert_eq!((status, code.as_str()), (422, "bad_signin_code"));
    assert!(message.contains("not on your badge"), "{message}");
    // A well-formed code of nobody's.
    let (status, code, _) = error_code(app.sign_in_raw(&guess(1)).await).await;
    assert_eq!((status, code.as_str()), (401, "bad_credentials"));
    assert_eq!(device_count(&app).await, 0);
}

#[tokio::test]
async fn no_pull_kiosk_export_or_stored_row_holds_a_sign_in_code() {
    let app = app_with(5).await;
    let mut codes = Vec::new();
    for n in 1..=5 {
        let grouped = app.signin_code(&format!("T-{n:04}")).await;
        codes.push(grouped.replace('-', ""));
        codes.push(grouped);
    }
    let phone = app.phone(1).await;
    let kiosk = app.kiosk("Kiosk A").await;
    let mut seen = String::new();
    for token in [None, Some(phone.token.as_str()), Some(kiosk.token.as_str())] {
        seen.push_str(&pulled_text(&app, token).await);
    }
    // Every text the database holds, table by table.
    let stored: Vec<String> = app
        .query(|c| {
            let tables: Vec<String> = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut texts = Vec::new();
            for table in tables {
                let mut stmt = c.prepare(&format!("SELECT * FROM \"{table}\""))?;
                let columns = stmt.column_count();
                let mut rows = stmt.query([])?;
                while let Some(row) = rows.next()? {
                    for i in 0..columns {
                        if let rusqlite::types::ValueRef::Text(t) = row.get_ref(i)? {
                            texts.push(String::from_utf8_lossy(t).into_owned());
                        }
                    }
                }
            }
            Ok(texts)
        })
        .await;
    seen.push_str(&stored.join("\n"));
    assert!(seen.contains("T-0003"), "the search looked at real data");
    for code in &codes {
        assert!(
            !seen.contains(code.as_str()),
            "{code} was handed out or stored"
        );
    }
}

#[tokio::test]
async fn a_reissued_code_replaces_the_old_and_signed_in_devices_keep_working() {
    let app = app_with(3).await;
    let old = app.signin_code("T-0001").await;
    let response = app.sign_in_raw(&old).await;
    assert_eq!(response.status(), 201);
    let body: app::protocol::SignInResponse = response.json().await.expect("body");
    // A re-import of the roster keeps everyone's code.
    app.import_attendees(&roster(3)).await;
    assert_eq!(app.signin_code("T-0001").await, old);

    let badge = app::domain::BadgeCode::parse("T-0001").expect("badge");
    let card = server::signin::reissue(&app.store, badge)
        .await
        .expect("reissue");

    let new = card.code.grouped();
    assert_ne!(new, old);
    assert_eq!(app.signin_code("T-0001").await, new);
    let (status, code, _) = error_code(app.sign_in_raw(&old).await).await;
    assert_eq!((status, code.as_str()), (401, "bad_credentials"));
    let still = app
        .client
        .get(app.url("/api/v1/sync/pull"))
        .bearer_auth(&body.token)
        .send()
        .await
        .expect("request");
    assert_eq!(still.status(), 200, "still signed in");
    assert_eq!(app.sign_in_raw(&new).await.status(), 201);
    assert_eq!(
        app.signin_code("T-0002").await,
        app.signin_code("T-0002").await,
        "the others keep theirs"
    );
}

#[tokio::test]
async fn one_code_retried_from_one_address_backs_off_and_only_there() {
    let app = app_with(2).await;
    let guesser = from_address(2);
    let wrong = guess(7);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(app.sign_in_from(&guesser, &wrong).await.status().as_u16());
    }
    assert_eq!(statuses[..6], [401; 6], "five free, the sixth fails too");
    assert_eq!(statuses[6], 429, "then this pair backs off");
    // The same code from elsewhere is only wrong, not locked.
    let (status, code, _) = error_code(app.sign_in_from(&from_address(3), &wrong).await).await;
    assert_eq!((status, code.as_str()), (401, "bad_credentials"));
}

#[tokio::test]
async fn a_guesser_is_locked_out_of_their_address_while_the_owner_signs_in() {
    let app = app_with(2).await;
    let guesser = from_address(4);
    let mut cut_off = None;
    for n in 0..200 {
        let response = app.sign_in_from(&guesser, &guess(n)).await;
        if response.status() == 429 {
            cut_off = Some((n, response));
            break;
        }
        assert_eq!(response.status(), 401);
    }
    let (tries, response) = cut_off.expect("a scan of codes is cut off");
    assert!(
        (90..=110).contains(&tries),
        "after about 100 failures: {tries}"
    );
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!(retry >= 1);
    assert_eq!(error_code(response).await.1, "rate_limited");
    // Even the right code waits at the guesser's address…
    let owner_code = app.signin_code("T-0001").await;
    assert_eq!(app.sign_in_from(&guesser, &owner_code).await.status(), 429);
    // …and the owner, elsewhere, signs in.
    assert_eq!(
        app.sign_in_from(&from_address(5), &owner_code)
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn a_venue_behind_one_address_signs_everyone_in_despite_its_typos() {
    let people = 150;
    let app = app_with(people).await;
    let venue = from_address(6);
    for n in 1..=people {
        // One in three mistypes first.
        if n % 3 == 0 {
            let (status, code, _) =
                error_code(app.sign_in_from(&venue, &guess(n as u32)).await).await;
            assert_eq!(
                (status, code.as_str()),
                (401, "bad_credentials"),
                "typo {n}"
            );
        }
        let code = app.signin_code(&format!("T-{n:04}")).await;
        let response = app.sign_in_from(&venue, &code).await;
        assert_eq!(response.status(), 201, "attendee {n}");
    }
    assert_eq!(device_count(&app).await, people as i64);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_limited_and_nobody_can_hide_behind_the_header() {
    let options = server::ServeOptions {
        trusted_proxies: vec![IpAddr::from([127, 0, 0, 1])],
        ..Default::default()
    };
    let app = TestApp::spawn_custom(|s| s, options).await;
    app.import_sessions(&helpers::small_program()).await;
    app.import_attendees(&roster(2)).await;
    let via_proxy = |client: &'static str, code: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/auth/attendee"))
                .header("X-Forwarded-For", client)
                .json(&json!({ "signin_code": code }))
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }
    };
    // A guesser behind the proxy is cut off…
    let mut cut_off = false;
    for n in 0..150 {
        if via_proxy("203.0.113.7", guess(n)).await == 429 {
            cut_off = true;
            break;
        }
    }
    assert!(cut_off, "the guessing client is limited");
    // …and everyone else behind the same proxy still signs in.
    let owner = app.signin_code("T-0001").await;
    assert_eq!(via_proxy("198.51.100.20", owner).await, 201);

    // From a machine that is not the proxy, the header is ignored: a
    // guesser cannot dodge its limit by writing another address in it.
    let direct = from_address(9);
    let mut dodged = 0;
    for n in 0..150u32 {
        let status = direct
            .post(app.url("/api/v1/auth/attendee"))
            .header("X-Forwarded-For", format!("192.0.2.{}", n % 250))
            .json(&json!({ "signin_code": guess(1000 + n) }))
            .send()
            .await
            .expect("request")
            .status();
        if status == 429 {
            break;
        }
        dodged += 1;
    }
    assert!(dodged <= 110, "limited by its real address after {dodged}");
}
