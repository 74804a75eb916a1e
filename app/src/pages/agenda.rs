//! My agenda: the sessions I hold a place in, or have asked for, by day;
//! exported as an iCalendar file, offline too.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::register::{on_register_click, register_html, standing_key, standing_label};
use crate::domain::agenda::{Mine, Standing};
use crate::domain::ical::{self, Event};
use crate::domain::program::Listing;
use crate::domain::session::day_label;
use crate::domain::text::escape_html as escape;
use crate::state::AppState;

/// My registrations with their sessions, in time order.
fn entries(state: &AppState) -> Vec<(Mine, Listing)> {
    let mut rows: Vec<(Mine, Listing)> = state.mine.with(|mine| {
        state.listings.with(|listings| {
            mine.iter()
                .filter_map(|m| {
                    let l = listings.iter().find(|l| l.id == m.session_id.as_str())?;
                    Some((m.clone(), l.clone()))
                })
                .collect()
        })
    });
    rows.sort_by_key(|(_, l)| (l.session.slot.starts(), l.session.title.clone()));
    rows
}

/// The agenda as iCalendar: held places confirmed, the rest tentative;
/// cancellations in progress are left out.
pub fn agenda_ics(state: &AppState) -> String {
    let events: Vec<Event> = entries(state)
        .into_iter()
        .filter(|(m, _)| m.standing.holds_place())
        .map(|(m, l)| Event {
            uid: format!("{}@hallpass", m.id),
            summary: l.session.title.clone(),
            location: l.session.room.clone(),
            description: format!("{} · {}", standing_label(m.standing), l.session.description),
            starts: l.session.slot.starts(),
            ends: l.session.slot.ends(),
            tentative: m.standing != Standing::Confirmed,
        })
        .collect();
    ical::calendar("My Hallpass agenda", &events, crate::state::now())
}

/// The agenda by day as markup (register controls too), or why it is empty.
fn agenda_html(state: &AppState, rows: &[(Mine, Listing)], confirming_now: Option<&str>) -> String {
    if !state.loaded.get() {
        return r#"<p class="placeholder" role="status">Opening…</p>"#.to_owned();
    }
    if state.account.with(Option::is_none) {
        return r#"<p class="placeholder"><a href="/signin">Sign in</a> to register for sessions. Your agenda is kept on this device and works offline.</p>"#.to_owned();
    }
    if rows.is_empty() {
        return r#"<p class="placeholder">No sessions yet. Find some in the <a href="/">program</a>.</p>"#.to_owned();
    }
    let mut html = r#"<p class="agenda-actions"><button type="button" data-action="export">Download calendar (.ics)</button></p>"#.to_owned();
    let mut day = None;
    for (m, l) in rows {
        if day != Some(l.session.slot.day()) {
            if day.is_some() {
                html += "</ul></section>";
            }
            let label = day_label(l.session.slot.day());
            html += &format!(
                r#"<section class="agenda-day" aria-label="{label}"><h2 class="day-heading">{label}</h2><ul class="agenda-list">"#
            );
            day = Some(l.session.slot.day());
        }
        html += &format!(
            r#"<li class="agenda-item" data-standing="{}"><p class="agenda-time">{}</p><h3 class="session-title"><a href="/sessions/{}">{}</a></h3><p class="session-meta">{}</p>{}</li>"#,
            standing_key(m.standing),
            l.session.slot.time_range_label(),
            escape(&l.id),
            escape(&l.session.title),
            escape(&l.session.room),
            register_html(state, &l.id, true, confirming_now),
        );
    }
    html + "</ul></section>"
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    let state = AppState::get();
    let rows = Memo::new(move |_| entries(&state));
    let export_error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(None::<String>);
    let register_click = on_register_click(state, confirming);
    // One handler for the page: the export button and every register control.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let export = crate::components::clicked(&ev, "[data-action=export]").is_some();
        if !export {
            return register_click(ev);
        }
        let text = agenda_ics(&state);
        #[cfg(feature = "hydrate")]
        export_error.set(
            crate::client::actions::download("hallpass-agenda.ics", "text/calendar", &text).err(),
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = text;
    };
    // Drawn as markup with one handler (a view per item and per state cost
    // the bundle far more).
    view! {
        <Title text="My agenda"/>
        <section class="page agenda">
            <h1>"My agenda"</h1>
            <div on:click=on_click inner_html=move || rows.with(|r| agenda_html(&state, r, confirming.get().as_deref()))></div>
            <p class="form-error" role="alert">{move || export_error.get()}</p>
        </section>
    }
}
