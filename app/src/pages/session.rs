//! One session in full.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::register::RegisterControl;
use crate::components::session_card::{listing_text, seats_label, standard_tag};
use crate::domain::SessionId;
use crate::domain::program::Listing;
use crate::domain::session::day_label;
use crate::state::AppState;

/// `text`, or what to say when it is empty.
fn or(text: &str, none: &str) -> String {
    if text.is_empty() {
        none.to_owned()
    } else {
        text.to_owned()
    }
}

/// The session's heading, facts and description. Each part reads the
/// session as the device knows it now, so a sync changes text in place.
#[component]
fn SessionDetail(listing: Memo<Option<Listing>>, session_id: SessionId) -> impl IntoView {
    let part = move |f| listing_text(listing, f);
    let description = Memo::new(move |_| {
        listing.with(|l| {
            l.as_ref()
                .map(|l| l.session.description.clone())
                .unwrap_or_default()
        })
    });
    let paragraphs = move || {
        description.with(|d| {
            d.split("\n\n")
                .map(|p| view! { <p>{p.to_owned()}</p> })
                .collect_view()
        })
    };
    view! {
        <h1>{part(|l| l.session.title.clone())}</h1>
        <p class="session-tags">
            <span class="tag kind">{part(|l| l.session.kind.label().to_owned())}</span>
            {standard_tag(listing)}
        </p>
        <RegisterControl session_id/>
        <dl class="facts">
            <dt>"When"</dt>
            <dd>
                {part(|l| {
                    format!("{}, {}", day_label(l.session.slot.day()), l.session.slot.time_range_label())
                })}
            </dd>
            <dt>"Where"</dt>
            <dd>{part(|l| l.session.room.clone())}</dd>
            <dt>"Presenter"</dt>
            <dd>{part(|l| or(&l.session.presenter, "To be announced"))}</dd>
            <dt>"Topic"</dt>
            <dd>{part(|l| or(&l.session.topic, "—"))}</dd>
            <dt>"For"</dt>
            <dd>
                {part(|l| {
                    let families: Vec<&str> =
                        l.session.career_families.iter().map(|f| f.as_str()).collect();
                    or(&families.join(", "), "All career families")
                })}
            </dd>
            <dt>"Capacity"</dt>
            <dd>
                {part(|l| {
                    l.session
                        .capacity
                        .as_option()
                        .map_or("No limit".to_owned(), |c| format!("{c} seats"))
                })}
                " · "
                <span class="seats">{part(seats_label)}</span>
            </dd>
            <dt>"Code"</dt>
            <dd>{part(|l| l.session.code.to_string())}</dd>
        </dl>
        <div class="description">{paragraphs}</div>
    }
}

#[component]
pub fn SessionPage() -> impl IntoView {
    let state = AppState::get();
    let params = use_params_map();
    // The server renders a session it has, and a placeholder for one it
    // has not (`/sessions/_`, the copy the service worker keeps for every
    // session); the app, mounted in its place, reads the device's copy.
    let listing = Memo::new(move |_| {
        let id = params.with(|p| p.get("id"))?;
        state
            .listings
            .with(|l| l.iter().find(|l| l.id == id).cloned())
    });
    let shown =
        Memo::new(move |_| listing.with(|l| l.as_ref().and_then(|l| SessionId::parse(&l.id).ok())));
    view! {
        <Title text="Session"/>
        <section class="page session-detail">
            <p class="back">
                <a href="/">"← Program"</a>
            </p>
            <Show
                when=move || state.loaded.get() || listing.with(Option::is_some)
                fallback=|| {
                    view! { <p class="placeholder" role="status">"Loading the session…"</p> }
                }
            >
                {move || match shown.get() {
                    Some(session_id) => Either::Left(view! { <SessionDetail listing session_id/> }),
                    None => Either::Right(view! {
                        <h1>"Session not found"</h1>
                        <p class="placeholder">
                            "This session is not in the program on this device. It may have been removed, or the program has not been downloaded yet."
                        </p>
                    }),
                }}
            </Show>
        </section>
    }
}
