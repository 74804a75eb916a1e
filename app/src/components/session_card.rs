//! One session in a list: what, when, where, seats.

use leptos::prelude::*;

use super::register::RegisterControl;
use crate::domain::SessionId;
use crate::domain::program::Listing;
use crate::state::AppState;

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

/// One text of a session, as the device knows it now (empty while it is
/// not known): for parts of a view that follow the session in place.
pub fn listing_text(
    listing: Memo<Option<Listing>>,
    f: fn(&Listing) -> String,
) -> impl Fn() -> String + Copy {
    move || listing.with(|l| l.as_ref().map(f).unwrap_or_default())
}

/// The session's Universal Standard as a tag, if it has one.
pub fn standard_tag(listing: Memo<Option<Listing>>) -> impl IntoView {
    move || {
        listing
            .with(|l| l.as_ref().and_then(|l| l.session.standard))
            .map(|st| view! { <span class="tag standard">{st.as_str()}</span> })
    }
}

/// A session's card in a list, with its register control. Each part reads
/// the session as the device knows it now: a sync that changes the seats
/// left changes that text and nothing else.
#[component]
pub fn SessionCard(session_id: SessionId) -> impl IntoView {
    let state = AppState::get();
    let href = format!("/sessions/{}", session_id.as_str());
    let listing = {
        let id = session_id.clone();
        Memo::new(move |_| {
            state
                .listings
                .with(|l| l.iter().find(|l| l.id == id.as_str()).cloned())
        })
    };
    let part = move |f| listing_text(listing, f);
    let seats_class = move || {
        if listing.with(|l| l.as_ref().is_some_and(Listing::is_full)) {
            "tag seats full"
        } else {
            "tag seats"
        }
    };
    view! {
        <article class="session-card" data-code=part(|l| l.session.code.to_string())>
            <h3 class="session-title">
                <a href=href>{part(|l| l.session.title.clone())}</a>
            </h3>
            <p class="session-meta">
                <span class="session-time">{part(|l| l.session.slot.time_range_label())}</span>
                <span class="session-room">{part(|l| l.session.room.clone())}</span>
            </p>
            <p class="session-tags">
                <span class="tag kind">{part(|l| l.session.kind.label().to_owned())}</span>
                {standard_tag(listing)}
                <span class=seats_class>{part(seats_label)}</span>
            </p>
            <RegisterControl session_id compact=true/>
        </article>
    }
}
