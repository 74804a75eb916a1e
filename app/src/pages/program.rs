//! The program: every session by day and time, with filters and search.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::register::on_register_click;
use crate::components::session_card::card_html;
use crate::domain::program::{self, ProgramFilter};
use crate::domain::session::{SessionKind, day_label, short_day_label};
use crate::domain::{CareerFamily, Standard};
use crate::state::{AppState, SyncProblem};

#[component]
pub fn ProgramPage() -> impl IntoView {
    let state = AppState::get();
    view! {
        <Title text="Program"/>
        <section class="page program">
            <h1>"Program"</h1>
            <Filters/>
            {move || {
                if !state.loaded.get() {
                    view! { <p class="placeholder" role="status">"Loading the program…"</p> }.into_any()
                } else if state.listings.with(Vec::is_empty) {
                    view! { <EmptyProgram/> }.into_any()
                } else {
                    view! { <ProgramList/> }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn EmptyProgram() -> impl IntoView {
    let state = AppState::get();
    let message = move || match state.sync.with(|s| s.problem.clone()) {
        Some(SyncProblem::Offline) => {
            "The program has not been downloaded to this device yet. Connect to the internet once and it will be \
             here, even offline."
        }
        _ if state.sync.with(|s| s.busy) => "Downloading the program…",
        _ => "The program is empty.",
    };
    view! { <p class="placeholder" role="status">{message}</p> }
}

/// The program by day and start time, drawn as markup with one handler for
/// every register control (a view per card cost the bundle far more).
#[component]
fn ProgramList() -> impl IntoView {
    let state = AppState::get();
    let confirming = RwSignal::new(None::<String>);
    let days = Memo::new(move |_| {
        let filter = state.filter.get();
        state.listings.with(|l| program::group(l, &filter))
    });
    let count = move || {
        days.with(|d| {
            d.iter()
                .flat_map(|d| &d.slots)
                .map(|s| s.listings.len())
                .sum::<usize>()
        })
    };
    let list = move || {
        let confirming = confirming.get();
        days.with(|days| {
            let mut html = String::new();
            for day in days {
                let label = day_label(day.day);
                html += &format!(
                    r#"<section class="program-day" aria-label="{label}"><h2 class="day-heading">{label}</h2>"#
                );
                for slot in &day.slots {
                    html += &format!(
                        r#"<section class="program-slot"><h3 class="slot-heading">{}</h3><div class="slot-sessions">"#,
                        crate::domain::session::clock_label(slot.starts)
                    );
                    for listing in &slot.listings {
                        html += &card_html(&state, listing, confirming.as_deref());
                    }
                    html += "</div></section>";
                }
                html += "</section>";
            }
            html
        })
    };
    view! {
        <p class="result-count" role="status" aria-live="polite">
            {move || match count() {
                0 => "No sessions match these filters.".to_owned(),
                1 => "1 session".to_owned(),
                n => format!("{n} sessions"),
            }}
        </p>
        <div on:click=on_register_click(state, confirming) inner_html=list></div>
    }
}

/// Search, day, Universal Standard, career family, kind.
#[component]
fn Filters() -> impl IntoView {
    let state = AppState::get();
    let filter = state.filter;
    let days = Memo::new(move |_| state.listings.with(|l| program::days(l)));
    let set = move |f: fn(&mut ProgramFilter, String), value: String| {
        filter.update(|current| f(current, value))
    };

    view! {
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <div class="field search">
                <label for="program-search">"Search"</label>
                <input
                    id="program-search"
                    type="search"
                    placeholder="Title, presenter, room…"
                    autocomplete="off"
                    prop:value=move || filter.with(|f| f.text.clone())
                    on:input=move |ev| set(|f, v| f.text = v, event_target_value(&ev))
                />
            </div>
            <fieldset class="field days">
                <legend>"Day"</legend>
                <div class="chips">
                    <button
                        type="button"
                        class="chip"
                        aria-pressed=move || filter.with(|f| f.day.is_none()).to_string()
                        on:click=move |_| filter.update(|f| f.day = None)
                    >
                        "All days"
                    </button>
                    <For each=move || days.get() key=|d| *d let:day>
                        <button
                            type="button"
                            class="chip"
                            aria-pressed=move || filter.with(|f| f.day == Some(day)).to_string()
                            on:click=move |_| filter.update(|f| f.day = Some(day))
                        >
                            {short_day_label(day)}
                        </button>
                    </For>
                </div>
            </fieldset>
            <details class="more-filters">
                <summary>
                    {move || match filter.with(|f| [f.standard.is_some(), f.family.is_some(), f.kind.is_some()].iter().filter(|on| **on).count()) {
                        0 => "More filters".to_owned(),
                        n => format!("More filters ({n} on)"),
                    }}
                </summary>
                <div class="more-filters-body">
            <div class="field">
                <label for="filter-standard">"Universal Standard"</label>
                <select
                    id="filter-standard"
                    prop:value=move || filter.with(|f| f.standard.map(|s| s.as_str().to_owned()).unwrap_or_default())
                    on:change=move |ev| set(|f, v| f.standard = Standard::parse(&v).ok(), event_target_value(&ev))
                >
                    <option value="">"Any standard"</option>
                    {Standard::ALL.map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).to_vec()}
                </select>
            </div>
            <div class="field">
                <label for="filter-family">"Career family"</label>
                <select
                    id="filter-family"
                    prop:value=move || filter.with(|f| f.family.map(|s| s.as_str().to_owned()).unwrap_or_default())
                    on:change=move |ev| set(|f, v| f.family = CareerFamily::parse(&v).ok(), event_target_value(&ev))
                >
                    <option value="">"Any career family"</option>
                    {CareerFamily::ALL.map(|c| view! { <option value=c.as_str()>{c.as_str()}</option> }).to_vec()}
                </select>
            </div>
            <div class="field">
                <label for="filter-kind">"Kind"</label>
                <select
                    id="filter-kind"
                    prop:value=move || filter.with(|f| f.kind.map(|k| k.as_str().to_owned()).unwrap_or_default())
                    on:change=move |ev| set(|f, v| f.kind = SessionKind::parse(&v).ok(), event_target_value(&ev))
                >
                    <option value="">"Any kind"</option>
                    {SessionKind::ALL.map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).to_vec()}
                </select>
            </div>
                </div>
            </details>
            <button
                type="button"
                class="clear-filters"
                disabled=move || filter.with(ProgramFilter::is_empty)
                on:click=move |_| filter.set(ProgramFilter::default())
            >
                "Clear filters"
            </button>
        </form>
    }
}
