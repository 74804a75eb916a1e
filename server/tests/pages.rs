//! Black-box tests of the server-rendered pages and the service worker.
//! Run: `cargo test -p server --test pages`.

mod helpers;

use helpers::TestApp;

/// The page with its per-response nonce blanked out.
fn without_nonce(html: &str) -> String {
    blank_attribute(html, "nonce=\"")
}

fn blank_attribute(html: &str, attr: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(attr) {
        out.push_str(&rest[..i + attr.len()]);
        let after = &rest[i + attr.len()..];
        let end = after.find('"').unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn the_program_page_without_a_program_renders_a_placeholder_and_a_nonce() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let html = response.text().await.expect("html");
    assert!(html.contains("<title>Program · Hallpass</title>"), "{html}");
    assert!(html.contains("Loading the program…"));
    assert!(html.contains("rel=\"manifest\""));
    // The hydration script runs under this response's nonce, and only it.
    let nonce = html
        .split("nonce=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a nonce");
    assert!(csp.contains(&format!("'nonce-{nonce}'")), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"));
    assert!(!csp.contains("unsafe-inline"));
    // A placeholder is drawn by the app: its bundle is preloaded with the
    // page and started at once (app/src/loader.rs).
    let script = between(&html, &format!("nonce=\"{nonce}\">"), "</script>");
    assert!(script.contains("\"/pkg/hallpass"), "{script}");
    assert!(script.ends_with(", false);"), "{script}");
    assert!(html.contains("rel=\"preload\""), "{html}");
}

/// The text of `html` between the first `from` and the next `to`.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).map_or(html.len(), |i| i + from.len());
    let rest = &html[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_program_page_is_rendered_with_the_program_in_time_order() {
    let app = TestApp::spawn().await;
    app.import_sessions(&helpers::small_program()).await;
    let html = app.get("/").await.text().await.expect("html");
    assert!(!html.contains("Loading the program…"), "{html}");
    assert!(html.contains("3 sessions"), "{html}");
    // The 8:30 general session before the two 10:30 workshops.
    let opening = html
        .find("Opening General Session")
        .expect("the general session");
    let workshop = html.find("Beat Privatization").expect("a workshop");
    assert!(opening < workshop);
    assert!(html.contains("Room 201"));
    // The app starts from the same program: it is in the page for it.
    let program = between(&html, "data-program=\"", "\"");
    assert!(program.contains("Beat Privatization"), "{program}");
    // A page complete to look at paints before the bundle is asked for:
    // nothing preloaded, the app started after the first frame.
    assert!(!html.contains("preload"), "{html}");
    assert!(html.contains(", true);</script>"), "{html}");
    // Other pages are not rendered with it.
    let agenda = app.get("/agenda").await.text().await.expect("html");
    assert!(!agenda.contains("data-program"));
}

#[tokio::test]
async fn every_session_url_renders_the_same_placeholder_until_there_is_a_program() {
    let app = TestApp::spawn().await;
    let template = without_nonce(&app.get("/sessions/_").await.text().await.expect("html"));
    for id in ["1", "42", "not-a-session"] {
        let page = app.get(&format!("/sessions/{id}")).await;
        assert_eq!(page.status(), 200);
        assert_eq!(
            without_nonce(&page.text().await.expect("html")),
            template,
            "/sessions/{id}"
        );
    }
    assert!(template.contains("Loading the session…"));
}

#[tokio::test]
async fn an_empty_devices_kiosk_page_is_the_pairing_form_and_a_paired_ones_a_placeholder() {
    let app = TestApp::spawn().await;
    for path in ["/kiosk", "/kiosk/sessions/3"] {
        let empty = app.get(path).await.text().await.expect("html");
        assert!(empty.contains("Set up a check-in kiosk"), "{path}: {empty}");
        assert!(empty.contains("class=\"pair-form\""), "{path}");
        assert!(empty.contains("data-account=\"absent\""), "{path}");
        // Inert until the app replaces it.
        assert!(empty.contains("readonly"), "{path}");
        assert!(!empty.contains("class=\"placeholder\""), "{path}");

        let held = app
            .client
            .get(app.url(path))
            .header("cookie", "theme=dark; hallpass_account=held")
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("html");
        assert!(held.contains("class=\"placeholder\""), "{path}: {held}");
        assert!(!held.contains("pair-form"), "{path}");
        assert!(held.contains("data-account=\"held\""), "{path}");
    }
    // Only the kiosk pages are told.
    let program = app.get("/").await.text().await.expect("html");
    assert!(!program.contains("data-account"));
}

#[tokio::test]
async fn a_session_page_is_rendered_with_its_session() {
    let app = TestApp::spawn().await;
    app.import_sessions(&helpers::small_program()).await;
    let id = app.session_id("A-1").await;
    let html = app
        .get(&format!("/sessions/{id}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Beat Privatization"), "{html}");
    assert!(html.contains("Rosa Delgado"));
    assert!(!html.contains("Loading the session…"));
    // The URL the service worker precaches for every session stays a
    // placeholder for the session, whatever the program.
    let cached = app.get("/sessions/_").await.text().await.expect("html");
    assert!(cached.contains("Loading the session…"));
    assert!(!between(&cached, "<body", "</body>").contains("<h1>Beat Privatization"));
}

#[tokio::test]
async fn markup_in_the_program_is_rendered_as_text() {
    let app = TestApp::spawn().await;
    let title = "<img src=x onerror=alert(1)>\"</body><script>alert(2)</script>";
    app.import_sessions(&format!(
        "{}X-1,\"{}\",,workshop,,,,<b>Room</b>,2027-03-26T10:30:00-05:00,2027-03-26T12:00:00-05:00,,\n",
        helpers::SESSIONS_HEADER,
        title.replace('"', "\"\"")
    ))
    .await;
    let id = app.session_id("X-1").await;
    for path in ["/".to_owned(), format!("/sessions/{id}")] {
        let html = app.get(&path).await.text().await.expect("html");
        assert!(!html.contains("<img"), "{path}: {html}");
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<b>"), "{path}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}: {html}"
        );
        // The program in the attribute keeps every character of the title.
        let attribute = between(&html, "data-program=\"", "\"");
        assert!(!attribute.contains('<'), "{path}: {attribute}");
        assert!(attribute.contains("&lt;img"), "{path}: {attribute}");
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("Page not found")
    );
}

#[tokio::test]
async fn the_service_worker_is_never_cached_and_precaches_every_offline_route() {
    let app = TestApp::spawn().await;
    let response = app.get("/sw.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/javascript")
    );
    let sw = response.text().await.expect("js");
    assert!(
        !sw.contains("__BUILD_ID__") && !sw.contains("__PRECACHE__") && !sw.contains("__ROUTES__")
    );
    for route in app::OFFLINE_ROUTES {
        assert!(
            sw.contains(&format!("\"{}\"", route.path)),
            "{}",
            route.path
        );
    }
    assert!(sw.contains("/manifest.webmanifest"));
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-cache");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap_or("")
            .contains("frame-ancestors 'none'")
    );
}
