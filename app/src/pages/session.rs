//! One session in full.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::register::RegisterControl;
use crate::components::session_card::seats_label;
use crate::domain::program::Listing;
use crate::domain::session::day_label;
use crate::domain::text::escape_html as escape;
use crate::state::AppState;

/// The session's heading (`head`) or its facts and description (not `head`).
fn session_html(listing: Option<&Listing>, head: bool) -> String {
    let Some(listing) = listing else {
        return if head {
            r#"<h1>Session not found</h1><p class="placeholder">This session is not in the program on this device. It may have been removed, or the program has not been downloaded yet.</p>"#.to_owned()
        } else {
            String::new()
        };
    };
    let s = &listing.session;
    if head {
        return format!(
            r#"<h1>{}</h1><p class="session-tags"><span class="tag kind">{}</span>{}</p>"#,
            escape(&s.title),
            s.kind.label(),
            s.standard
                .map(|st| format!(r#"<span class="tag standard">{}</span>"#, st.as_str()))
                .unwrap_or_default()
        );
    }
    let or = |text: &str, none: &str| {
        if text.is_empty() {
            none.to_owned()
        } else {
            escape(text)
        }
    };
    let capacity = s
        .capacity
        .as_option()
        .map_or("No limit".to_owned(), |c| format!("{c} seats"));
    let families = s
        .career_families
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut html = format!(
        r#"<dl class="facts"><dt>When</dt><dd>{}, {}</dd><dt>Where</dt><dd>{}</dd><dt>Presenter</dt><dd>{}</dd><dt>Topic</dt><dd>{}</dd><dt>For</dt><dd>{}</dd><dt>Capacity</dt><dd>{capacity} · <span class="seats">{}</span></dd><dt>Code</dt><dd>{}</dd></dl><div class="description">"#,
        day_label(s.slot.day()),
        s.slot.time_range_label(),
        escape(&s.room),
        or(&s.presenter, "To be announced"),
        or(&s.topic, "—"),
        or(&families, "All career families"),
        seats_label(listing),
        escape(&s.code.to_string()),
    );
    for p in s.description.split("\n\n") {
        html += &format!("<p>{}</p>", escape(p));
    }
    html + "</div>"
}

#[component]
pub fn SessionPage() -> impl IntoView {
    let state = AppState::get();
    let params = use_params_map();
    // Read only once loaded: until then the markup must not depend on the id,
    // so the cached page of one session serves them all offline.
    let listing = Memo::new(move |_| {
        if !state.loaded.get() {
            return None;
        }
        let id = params.with(|p| p.get("id"))?;
        state
            .listings
            .with(|l| l.iter().find(|l| l.id == id).cloned())
    });
    let region = move |head: bool| {
        if !state.loaded.get() {
            return if head {
                r#"<p class="placeholder" role="status">Loading the session…</p>"#.to_owned()
            } else {
                String::new()
            };
        }
        listing.with(|l| session_html(l.as_ref(), head))
    };
    // Drawn as markup around the one component (BENCHMARKS.md).
    view! {
        <Title text="Session"/>
        <section class="page session-detail">
            <p class="back"><A href="/">"← Program"</A></p>
            <div inner_html=move || region(true)></div>
            {move || listing.with(|l| l.as_ref().map(|l| view! { <RegisterControl session_id=l.id.clone()/> }))}
            <div inner_html=move || region(false)></div>
        </section>
    }
}
