//! My badge: the badge code and its QR code, for a kiosk to scan when the
//! printed badge is lost or out of reach. Works offline: the code came with
//! the sign-in and lives in IndexedDB.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::badge_qr::QrPicture;
use crate::domain::attendee::StateCode;
use crate::protocol::AttendeeData;
use crate::state::AppState;

/// The badge as a kiosk reads it, with who it belongs to.
#[component]
fn BadgeCard(attendee: AttendeeData) -> impl IntoView {
    let a = attendee;
    let state_name = StateCode::parse(&a.state)
        .map(|s| s.name().to_owned())
        .unwrap_or(a.state.clone());
    let label = format!("QR code of badge {}", a.badge_code);
    let qr = match a.badge_qr {
        Some(modules) => Either::Left(view! { <QrPicture modules label/> }),
        None => Either::Right(view! {
            <p class="placeholder">"The QR code arrives with the next sync."</p>
        }),
    };
    view! {
        <div class="badge-card">
            <p class="badge-name">{a.first_name} " " {a.last_name}</p>
            {qr}
            <p class="badge-code">{a.badge_code}</p>
            <p class="badge-meta">{a.career_family.as_str()} " · " {a.local}</p>
            <p class="badge-meta">{state_name}</p>
        </div>
        <p class="help">
            "Hold the screen up to the kiosk's camera or scanner. Turn the brightness up if it does not read."
        </p>
    }
}

#[component]
pub fn BadgePage() -> impl IntoView {
    let state = AppState::get();
    let attendee = move || {
        state
            .account
            .with(|a| a.as_ref().and_then(|a| a.attendee().cloned()))
    };
    view! {
        <Title text="My badge"/>
        <section class="page my-badge">
            <h1>"My badge"</h1>
            <Show
                when=move || state.loaded.get()
                fallback=|| view! { <p class="placeholder" role="status">"Opening…"</p> }
            >
                {move || match attendee() {
                    Some(attendee) => Either::Left(view! { <BadgeCard attendee/> }),
                    None => Either::Right(view! {
                        <p class="placeholder">
                            <a href="/signin">"Sign in"</a>
                            " to show your badge's QR code here, offline too."
                        </p>
                    }),
                }}
            </Show>
        </section>
    }
}
