//! One session in a list: what, when, where, seats.

use leptos::prelude::*;
use leptos_router::components::A;

use super::register::RegisterControl;
use crate::domain::program::Listing;

/// `12 seats left`, `Full · 3 on waitlist`, `Open seating`.
pub fn seats_label(listing: &Listing) -> String {
    match listing.seats_left() {
        None => "Open seating".to_owned(),
        Some(0) if listing.waitlisted > 0 => format!("Full · {} on waitlist", listing.waitlisted),
        Some(0) => "Full · waitlist open".to_owned(),
        Some(1) => "1 seat left".to_owned(),
        Some(n) => format!("{n} seats left"),
    }
}

#[component]
pub fn SessionCard(listing: Listing) -> impl IntoView {
    let href = format!("/sessions/{}", listing.id);
    let id = listing.id.clone();
    let full = listing.is_full();
    let seats = seats_label(&listing);
    let s = listing.session;
    let standard = s.standard.map(|st| st.as_str());
    view! {
        <article class="session-card" data-code=s.code.to_string()>
            <h3 class="session-title">
                <A href=href>{s.title.clone()}</A>
            </h3>
            <p class="session-meta">
                <span class="session-time">{s.slot.time_range_label()}</span>
                <span class="session-room">{s.room.clone()}</span>
            </p>
            <p class="session-tags">
                <span class="tag kind">{s.kind.label()}</span>
                {standard.map(|st| view! { <span class="tag standard">{st}</span> })}
                <span class="tag seats" class:full=full>{seats}</span>
            </p>
            <RegisterControl session_id=id compact=true/>
        </article>
    }
}
