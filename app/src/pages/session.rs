//! One session in full.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::register::RegisterControl;
use crate::components::session_card::seats_label;
use crate::domain::session::day_label;
use crate::state::AppState;

#[component]
pub fn SessionPage() -> impl IntoView {
    let state = AppState::get();
    let params = use_params_map();
    // Read only once loaded: until then the markup must not depend on the id,
    // so the cached page of one session serves them all offline.
    let listing = Memo::new(move |_| {
        let id = params.with(|p| p.get("id"))?;
        state
            .listings
            .with(|l| l.iter().find(|l| l.id == id).cloned())
    });
    view! {
        <Title text="Session"/>
        <section class="page session-detail">
            <p class="back"><A href="/">"← Program"</A></p>
            {move || {
                if !state.loaded.get() {
                    return view! { <p class="placeholder" role="status">"Loading the session…"</p> }.into_any();
                }
                let Some(listing) = listing.get() else {
                    return view! {
                        <h1>"Session not found"</h1>
                        <p class="placeholder">
                            "This session is not in the program on this device. It may have been removed, or the \
                             program has not been downloaded yet."
                        </p>
                    }
                    .into_any();
                };
                let s = listing.session.clone();
                let id = listing.id.clone();
                let seats = seats_label(&listing);
                let capacity = s.capacity.as_option().map_or("No limit".to_owned(), |c| format!("{c} seats"));
                let families = if s.career_families.is_empty() {
                    "All career families".to_owned()
                } else {
                    s.career_families.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
                };
                view! {
                    <h1>{s.title.clone()}</h1>
                    <p class="session-tags">
                        <span class="tag kind">{s.kind.label()}</span>
                        {s.standard.map(|st| view! { <span class="tag standard">{st.as_str()}</span> })}
                    </p>
                    <RegisterControl session_id=id/>
                    <dl class="facts">
                        <dt>"When"</dt>
                        <dd>{format!("{}, {}", day_label(s.slot.day()), s.slot.time_range_label())}</dd>
                        <dt>"Where"</dt>
                        <dd>{s.room.clone()}</dd>
                        <dt>"Presenter"</dt>
                        <dd>{if s.presenter.is_empty() { "To be announced".to_owned() } else { s.presenter.clone() }}</dd>
                        <dt>"Topic"</dt>
                        <dd>{if s.topic.is_empty() { "—".to_owned() } else { s.topic.clone() }}</dd>
                        <dt>"For"</dt>
                        <dd>{families}</dd>
                        <dt>"Capacity"</dt>
                        <dd>{capacity}" · "<span class="seats">{seats}</span></dd>
                        <dt>"Code"</dt>
                        <dd>{s.code.to_string()}</dd>
                    </dl>
                    <div class="description">
                        {s.description.split("\n\n").map(|p| view! { <p>{p.to_owned()}</p> }).collect_view()}
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
