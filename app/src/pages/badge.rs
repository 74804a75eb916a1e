//! My badge: the badge code and its QR code, for a kiosk to scan when the
//! printed badge is lost or out of reach. Works offline: the code came with
//! the sign-in and lives in IndexedDB.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::badge_qr::BadgeQr;
use crate::domain::attendee::StateCode;
use crate::state::AppState;

#[component]
pub fn BadgePage() -> impl IntoView {
    let state = AppState::get();
    let account = Memo::new(move |_| state.account.get());
    view! {
        <Title text="My badge"/>
        <section class="page my-badge">
            <h1>"My badge"</h1>
            {move || {
                if !state.loaded.get() {
                    return view! { <p class="placeholder" role="status">"Opening…"</p> }.into_any();
                }
                let Some(a) = account.get().and_then(|a| a.attendee().cloned()) else {
                    return view! {
                        <p class="placeholder"><A href="/signin">"Sign in"</A>" to show your badge's QR code here, offline too."</p>
                    }
                    .into_any();
                };
                let state_name = StateCode::parse(&a.state).map(|s| s.name().to_owned()).unwrap_or(a.state.clone());
                let label = format!("QR code of badge {}", a.badge_code);
                view! {
                    <div class="badge-card">
                        <p class="badge-name">{format!("{} {}", a.first_name, a.last_name)}</p>
                        {match a.badge_qr.clone() {
                            Some(modules) => view! { <BadgeQr modules label/> }.into_any(),
                            None => view! {
                                <p class="placeholder">"The QR code arrives with the next sync."</p>
                            }
                            .into_any(),
                        }}
                        <p class="badge-code">{a.badge_code.clone()}</p>
                        <p class="badge-meta">{format!("{} · {}", a.career_family, a.local)}</p>
                        <p class="badge-meta">{state_name}</p>
                    </div>
                    <p class="help">"Hold the screen up to the kiosk's camera or scanner. Turn the brightness up if it does not read."</p>
                }
                .into_any()
            }}
        </section>
    }
}
