//! My badge: the badge code and its QR code, for a kiosk to scan when the
//! printed badge is lost or out of reach. Works offline: the code came with
//! the sign-in and lives in IndexedDB.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::badge_qr::qr_svg;
use crate::domain::attendee::StateCode;
use crate::domain::text::escape_html as escape;
use crate::state::AppState;

fn badge_html(state: &AppState) -> String {
    if !state.loaded.get() {
        return r#"<p class="placeholder" role="status">Opening…</p>"#.to_owned();
    }
    let Some(a) = state
        .account
        .with(|a| a.as_ref().and_then(|a| a.attendee().cloned()))
    else {
        return r#"<p class="placeholder"><a href="/signin">Sign in</a> to show your badge's QR code here, offline too.</p>"#.to_owned();
    };
    let state_name = StateCode::parse(&a.state)
        .map(|s| s.name().to_owned())
        .unwrap_or(a.state.clone());
    let qr = a
        .badge_qr
        .as_deref()
        .and_then(|m| qr_svg(m, &format!("QR code of badge {}", a.badge_code)))
        .unwrap_or_else(|| {
            r#"<p class="placeholder">The QR code arrives with the next sync.</p>"#.to_owned()
        });
    format!(
        r#"<div class="badge-card"><p class="badge-name">{} {}</p>{qr}<p class="badge-code">{}</p><p class="badge-meta">{} · {}</p><p class="badge-meta">{}</p></div><p class="help">Hold the screen up to the kiosk's camera or scanner. Turn the brightness up if it does not read.</p>"#,
        escape(&a.first_name),
        escape(&a.last_name),
        escape(&a.badge_code),
        escape(&a.career_family),
        escape(&a.local),
        escape(&state_name),
    )
}

#[component]
pub fn BadgePage() -> impl IntoView {
    let state = AppState::get();
    view! {
        <Title text="My badge"/>
        <section class="page my-badge">
            <h1>"My badge"</h1>
            <div inner_html=move || badge_html(&state)></div>
        </section>
    }
}
