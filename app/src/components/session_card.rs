//! One session in a list: what, when, where, seats.

use super::register::register_html;
use crate::domain::program::Listing;
use crate::domain::text::escape_html as escape;
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

/// A session's card in a list, drawn as markup (its register control too);
/// `confirming`: the session whose cancellation is being confirmed.
pub fn card_html(state: &AppState, listing: &Listing, confirming: Option<&str>) -> String {
    let s = &listing.session;
    format!(
        r#"<article class="session-card" data-code="{}"><h3 class="session-title"><a href="/sessions/{}">{}</a></h3><p class="session-meta"><span class="session-time">{}</span><span class="session-room">{}</span></p><p class="session-tags"><span class="tag kind">{}</span>{}<span class="tag seats{}">{}</span></p>{}</article>"#,
        escape(&s.code.to_string()),
        escape(&listing.id),
        escape(&s.title),
        s.slot.time_range_label(),
        escape(&s.room),
        s.kind.label(),
        s.standard
            .map(|st| format!(r#"<span class="tag standard">{}</span>"#, st.as_str()))
            .unwrap_or_default(),
        if listing.is_full() { " full" } else { "" },
        seats_label(listing),
        register_html(state, &listing.id, true, confirming),
    )
}
