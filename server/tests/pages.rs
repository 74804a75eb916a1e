//! Black-box tests of the server-rendered pages and the service worker.
//! Run: `cargo test -p server --test pages`.

mod helpers;

use helpers::TestApp;

/// The page with its per-response nonce blanked out (Leptos also repeats it
/// in `crossorigin`).
fn without_nonce(html: &str) -> String {
    ["nonce=\"", "crossorigin=\""]
        .iter()
        .fold(html.to_owned(), |html, attr| blank_attribute(&html, attr))
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
async fn the_program_page_renders_a_placeholder_that_hydration_will_fill() {
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
}

#[tokio::test]
async fn every_session_url_renders_the_same_markup_so_one_cached_copy_serves_all() {
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
