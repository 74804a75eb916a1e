//! The frame of every organizer page, rendered on the server with Leptos's
//! `view!` (text escaped by construction) and sent as a whole document. No
//! wasm: these pages hydrate nothing and add nothing to the attendee and
//! kiosk bundle. The one script, `live.js`, only refreshes the `#live`
//! part of a page from the page itself.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// Where a page sits in the console's navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Sessions,
    Checkins,
    Mentoring,
    Devices,
    Attendees,
    Import,
    SignIn,
}

const NAV: [(Section, &str, &str); 7] = [
    (Section::Overview, "/admin", "Overview"),
    (Section::Sessions, "/admin/sessions", "Sessions"),
    (Section::Checkins, "/admin/checkins", "Check-in log"),
    (Section::Mentoring, "/admin/mentoring", "Mentoring"),
    (Section::Devices, "/admin/devices", "Devices and kiosks"),
    (Section::Attendees, "/admin/attendees", "Attendees"),
    (Section::Import, "/admin/import", "Import"),
];

/// The pages' policy: our own scripts, styles and images only.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A whole page: `title`, the signed-in organizer's email (none on the
/// sign-in page), and the page's own content.
pub fn page(
    status: StatusCode,
    title: &str,
    section: Section,
    email: Option<&str>,
    content: impl IntoView + 'static,
) -> Response {
    let title = format!("{title} · Hallpass organizers");
    let email = email.map(str::to_owned);
    let html = Owner::new().with(move || {
        view! {
            <!DOCTYPE html>
            <html lang="en">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="robots" content="noindex"/>
                    <title>{title}</title>
                    <link rel="stylesheet" href="/admin/assets/admin.css"/>
                    <link rel="icon" href="/icons/icon.svg" type="image/svg+xml"/>
                    <script src="/admin/assets/live.js" defer></script>
                </head>
                <body>
                    <a class="skip-link" href="#main">"Skip to content"</a>
                    <header class="top">
                        <a class="brand" href="/admin">
                            <span class="brand-mark" aria-hidden="true">"H"</span>
                            "Hallpass organizers"
                        </a>
                        {email.map(|email| view! {
                            <nav aria-label="Console">
                                <ul>
                                    {NAV.iter().map(|(s, href, label)| view! {
                                        <li>
                                            <a href=*href aria-current=(*s == section).then_some("page")>{*label}</a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </nav>
                            <form class="signout" method="post" action="/admin/signout">
                                <span class="who">{email}</span>
                                <button type="submit" class="link-button">"Sign out"</button>
                            </form>
                        })}
                    </header>
                    <main id="main" tabindex="-1">{content}</main>
                </body>
            </html>
        }
        .to_html()
    });
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `text` as a QR code, drawn as SVG squares on a white quiet zone.
#[component]
pub fn QrImage(text: String, class: &'static str, label: String) -> impl IntoView {
    let qr = app::components::badge_qr::encode(&text)
        .and_then(|modules| app::components::badge_qr::qr_path(&modules));
    qr.map(|(side, d)| {
        let outer = side + 8;
        view! {
            <svg class=class viewBox=format!("-4 -4 {outer} {outer}") role="img"
                aria-label=label shape-rendering="crispEdges">
                <rect x="-4" y="-4" width=outer.to_string() height=outer.to_string() fill="#fff"/>
                <path d=d fill="#000"/>
            </svg>
        }
    })
}

/// Percent-encodes everything but unreserved characters (and `/`), for a
/// value in a link.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A short page that says what went wrong, in the console's frame.
pub fn problem(status: StatusCode, email: Option<&str>, message: String) -> Response {
    page(
        status,
        "Something went wrong",
        Section::Overview,
        email,
        view! {
            <h1>"Something went wrong"</h1>
            <p role="alert">{message}</p>
            <p><a href="/admin">"Back to the overview"</a></p>
        },
    )
}

/// `1,234`.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `12.5 h` from minutes.
pub fn hours(minutes: i64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    format!("{}.{} h", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1500), "1,500");
        assert_eq!(count(1234567), "1,234,567");
    }

    #[test]
    fn hours_are_rounded_to_a_tenth() {
        assert_eq!(hours(90), "1.5 h");
        assert_eq!(hours(20), "0.3 h");
        assert_eq!(hours(0), "0.0 h");
    }

    #[test]
    fn text_on_a_page_is_escaped() {
        let response = problem(
            StatusCode::BAD_REQUEST,
            Some("a@b.org"),
            "<script>alert(1)</script>".into(),
        );
        let body = futures_body(response);
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{body}"
        );
        assert!(!body.contains("<script>alert"));
    }

    fn futures_body(response: Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            String::from_utf8(bytes.to_vec()).expect("utf-8")
        })
    }
}
