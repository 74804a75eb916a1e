//! My growth record: hours toward each ESP Universal Standard from the
//! sessions I attended (check-ins × session length) and from mentoring
//! (confirmed and unconfirmed apart), against the 15-hour micro-credential
//! benchmark; and a certificate of attendance to print, offline. Drawn as
//! escaped markup, like the log.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::logbook::{self, Attended, BENCHMARK_MINUTES, duration_label};
use crate::domain::program::Listing;
use crate::domain::session::day_label;
use crate::domain::text::escape_html as escape;
use crate::state::AppState;

/// The sessions I checked in to, once each, in time order.
fn attended(state: &AppState) -> Vec<Listing> {
    let mut ids: Vec<String> = state.kiosk.checkins.with(|c| {
        c.iter()
            .filter(|c| c.kind == crate::domain::checkin::CheckinKind::Entry)
            .filter_map(|c| c.session_id.clone())
            .collect()
    });
    ids.sort();
    ids.dedup();
    let mut sessions: Vec<Listing> = state.listings.with(|l| {
        l.iter()
            .filter(|l| ids.binary_search(&l.id).is_ok())
            .cloned()
            .collect()
    });
    sessions.sort_by_key(|l| l.session.slot.starts());
    sessions
}

fn minutes_of(l: &Listing) -> u32 {
    u32::try_from(l.session.slot.minutes()).unwrap_or(0)
}

fn record_html(state: &AppState) -> String {
    let sessions = attended(state);
    let attended: Vec<Attended> = sessions
        .iter()
        .map(|l| Attended {
            standard: l.session.standard,
            minutes: minutes_of(l),
        })
        .collect();
    let growth = state.log.with(|log| logbook::growth(log, &attended));
    let mut html = format!(
        r#"<p>A micro-credential asks for about {} of work on one standard. A mentoring entry counts toward each standard it focused on; unconfirmed hours count once your partner confirms.</p><ul class="growth-list">"#,
        duration_label(BENCHMARK_MINUTES)
    );
    for (standard, t) in growth {
        html += &format!(
            r#"<li data-standard="{0}" data-minutes="{1}"><p class="growth-head"><strong>{0}</strong> {2} of {3}</p><progress max="{4}" value="{5}" aria-label="{0}: {2} of {3}"></progress><p class="growth-parts">Sessions {6} · mentoring confirmed {7} · not yet confirmed {8}</p></li>"#,
            standard.as_str(),
            t.total(),
            duration_label(t.total()),
            duration_label(BENCHMARK_MINUTES),
            BENCHMARK_MINUTES,
            t.total().min(BENCHMARK_MINUTES),
            duration_label(t.sessions),
            duration_label(t.confirmed),
            duration_label(t.unconfirmed),
        );
    }
    html + "</ul>"
}

fn certificate_html(state: &AppState) -> String {
    let name = state
        .account
        .with(|a| {
            a.as_ref()
                .and_then(|a| a.attendee())
                .map(|a| format!("{} {}", a.first_name, a.last_name))
        })
        .unwrap_or_default();
    let sessions = attended(state);
    let total: u32 = sessions.iter().map(minutes_of).sum();
    let mentoring: u32 = state.log.with(|log| {
        log.iter()
            .filter(|e| e.data.confirmed_at.is_some() && !e.pending)
            .map(|e| u32::from(e.data.minutes))
            .sum()
    });
    let mut html = format!(
        r#"<h2>Certificate of attendance</h2><p class="certificate-name">{}</p><p>attended the following sessions, {} in all.</p>"#,
        escape(&name),
        duration_label(total)
    );
    if sessions.is_empty() {
        html += r#"<p class="placeholder">No session check-ins yet: they appear here after the kiosks at the door have synced and this phone has too.</p>"#;
    } else {
        html += r#"<table class="certificate-sessions"><thead><tr><th scope="col">Date</th><th scope="col">Session</th><th scope="col">Hours</th><th scope="col">Standard</th></tr></thead><tbody>"#;
        for l in &sessions {
            html += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&day_label(l.session.slot.day())),
                escape(&l.session.title),
                duration_label(minutes_of(l)),
                l.session.standard.map_or("", |s| s.as_str()),
            );
        }
        html += "</tbody></table>";
    }
    html + &format!(
        "<p>Peer mentoring confirmed by a partner: {}.</p>",
        duration_label(mentoring)
    )
}

fn page_html(state: &AppState) -> String {
    if !state.loaded.get() {
        return r#"<p class="placeholder" role="status">Opening…</p>"#.to_owned();
    }
    if state
        .account
        .with(|a| a.as_ref().and_then(|a| a.attendee()).is_none())
    {
        return r#"<p class="placeholder"><a href="/signin">Sign in</a> to see your growth record.</p>"#.to_owned();
    }
    format!(
        r#"<div class="growth-record">{}</div><p class="log-actions"><a href="/mentoring">Mentoring log</a> <button type="button" data-action="print">Print certificate</button></p><article class="certificate">{}</article>"#,
        record_html(state),
        certificate_html(state)
    )
}

#[component]
pub fn GrowthPage() -> impl IntoView {
    let state = AppState::get();
    let print = move |ev: leptos::ev::MouseEvent| {
        let wants_print = crate::components::clicked(&ev, "[data-action=print]").is_some();
        #[cfg(feature = "hydrate")]
        if wants_print && let Some(w) = leptos::web_sys::window() {
            let _ = w.print();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = wants_print;
    };
    view! {
        <Title text="My growth record"/>
        <section class="page growth" on:click=print>
            <h1>"My growth record"</h1>
            <div inner_html=move || page_html(&state)></div>
        </section>
    }
}
