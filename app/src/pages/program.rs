//! The program: every session by day and time, with filters and search.

use leptos::prelude::*;
use leptos_meta::Title;

use time::{Date, OffsetDateTime};

use crate::components::session_card::SessionCard;
use crate::domain::program::{self, ProgramFilter};
use crate::domain::session::{SessionKind, clock_label, day_label, short_day_label};
use crate::domain::text::escape_html as escape;
use crate::domain::{CareerFamily, SessionId, Standard};
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

/// The program's shape: its days, their start times and the sessions at
/// each, by id. The lists follow it; each card reads its own session.
type Shape = Vec<(Date, Vec<(OffsetDateTime, Vec<SessionId>)>)>;

/// The program by day and start time, as the filter has it.
#[component]
fn ProgramList() -> impl IntoView {
    let state = AppState::get();
    let shape = Memo::new(move |_| {
        let filter = state.filter.get();
        state.listings.with(|l| {
            program::group(l, &filter)
                .into_iter()
                .map(|d| {
                    let slots = d.slots.into_iter().map(|s| {
                        let ids = s
                            .listings
                            .iter()
                            .filter_map(|l| SessionId::parse(&l.id).ok());
                        (s.starts, ids.collect())
                    });
                    (d.day, slots.collect())
                })
                .collect::<Shape>()
        })
    });
    let count = move || {
        shape.with(|d| {
            d.iter()
                .flat_map(|(_, slots)| slots)
                .map(|(_, ids)| ids.len())
                .sum::<usize>()
        })
    };
    let days = move || shape.with(|d| d.iter().map(|(day, _)| *day).collect::<Vec<_>>());
    let slots = move |day: Date| {
        move || {
            shape.with(|d| {
                d.iter()
                    .find(|(d, _)| *d == day)
                    .map(|(_, slots)| slots.iter().map(|(starts, _)| *starts).collect::<Vec<_>>())
                    .unwrap_or_default()
            })
        }
    };
    let sessions = move |day: Date, starts: OffsetDateTime| {
        move || {
            shape.with(|d| {
                d.iter()
                    .find(|(d, _)| *d == day)
                    .and_then(|(_, slots)| slots.iter().find(|(s, _)| *s == starts))
                    .map(|(_, ids)| ids.clone())
                    .unwrap_or_default()
            })
        }
    };
    view! {
        <p class="result-count" role="status" aria-live="polite">
            {move || match count() {
                0 => "No sessions match these filters.".to_owned(),
                1 => "1 session".to_owned(),
                n => format!("{n} sessions"),
            }}
        </p>
        <For each=days key=|day| *day let(day)>
            <section class="program-day" aria-label=day_label(day)>
                <h2 class="day-heading">{day_label(day)}</h2>
                <For each=slots(day) key=|starts| *starts let(starts)>
                    <section class="program-slot">
                        <h3 class="slot-heading">{clock_label(starts)}</h3>
                        <div class="slot-sessions">
                            <For each=sessions(day, starts) key=|id| id.clone() let(session_id)>
                                <SessionCard session_id/>
                            </For>
                        </div>
                    </section>
                </For>
            </section>
        </For>
    }
}

/// Search, day, Universal Standard, career family, kind. Drawn as markup
/// with one handler per kind of event (as views, this form cost the bundle
/// 19 KB: BENCHMARKS.md). The markup is redrawn only when the program's
/// days change; the controls then follow the filter through one effect, so
/// nothing is redrawn under someone typing or with "More filters" open.
#[component]
fn Filters() -> impl IntoView {
    let state = AppState::get();
    let filter = state.filter;
    let days = Memo::new(move |_| state.listings.with(|l| program::days(l)));
    Effect::new(move |_| filter.with(show_filter));
    let typed = move |ev: leptos::ev::Event| {
        if event_target::<leptos::web_sys::Element>(&ev).id() == "program-search" {
            let text = event_target_value(&ev);
            filter.update(|f| f.text = text);
        }
    };
    let chosen = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        match event_target::<leptos::web_sys::Element>(&ev).id().as_str() {
            "filter-standard" => filter.update(|f| f.standard = Standard::parse(&value).ok()),
            "filter-family" => filter.update(|f| f.family = CareerFamily::parse(&value).ok()),
            "filter-kind" => filter.update(|f| f.kind = SessionKind::parse(&value).ok()),
            _ => {}
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = crate::components::clicked(&ev, "button") else {
            return;
        };
        if let Some(day) = button.get_attribute("data-day") {
            let day = days.with_untracked(|d| d.iter().find(|d| d.to_string() == day).copied());
            filter.update(|f| f.day = day);
        } else if button.class_name() == "clear-filters" {
            filter.set(ProgramFilter::default());
        }
    };
    view! {
        <form
            class="filters"
            role="search"
            on:submit=|ev| ev.prevent_default()
            on:input=typed
            on:change=chosen
            on:click=on_click
            inner_html=move || days.with(|d| filters_html(d, &filter.get_untracked()))
        ></form>
    }
}

/// "More filters", with how many of them are on.
fn more_label(f: &ProgramFilter) -> String {
    match [f.standard.is_some(), f.family.is_some(), f.kind.is_some()]
        .iter()
        .filter(|on| **on)
        .count()
    {
        0 => "More filters".to_owned(),
        n => format!("More filters ({n} on)"),
    }
}

/// The three select filters: id, label, the "any" option, the options
/// (value, text), and the value `f` holds. The markup and the effect that
/// keeps the controls in step both read this one table.
type SelectFilter = (
    &'static str,
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
    &'static str,
);

fn select_filters(f: &ProgramFilter) -> [SelectFilter; 3] {
    [
        (
            "filter-standard",
            "Universal Standard",
            "Any standard",
            Standard::ALL
                .iter()
                .map(|s| (s.as_str(), s.as_str()))
                .collect(),
            f.standard.map_or("", |s| s.as_str()),
        ),
        (
            "filter-family",
            "Career family",
            "Any career family",
            CareerFamily::ALL
                .iter()
                .map(|c| (c.as_str(), c.as_str()))
                .collect(),
            f.family.map_or("", |c| c.as_str()),
        ),
        (
            "filter-kind",
            "Kind",
            "Any kind",
            SessionKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            f.kind.map_or("", |k| k.as_str()),
        ),
    ]
}

/// The filter form's controls, set as `f` says.
fn filters_html(days: &[time::Date], f: &ProgramFilter) -> String {
    let chip = |day: &str, label: &str, pressed: bool| {
        format!(
            r#"<button type="button" class="chip" data-day="{day}" aria-pressed="{pressed}">{label}</button>"#
        )
    };
    let mut html = format!(
        r#"<div class="field search"><label for="program-search">Search</label><input id="program-search" type="search" placeholder="Title, presenter, room…" autocomplete="off" value="{}"></div><fieldset class="field days"><legend>Day</legend><div class="chips">"#,
        escape(&f.text)
    );
    html += &chip("", "All days", f.day.is_none());
    for day in days {
        html += &chip(
            &day.to_string(),
            &short_day_label(*day),
            f.day == Some(*day),
        );
    }
    html += &format!(
        r#"</div></fieldset><details class="more-filters"><summary>{}</summary><div class="more-filters-body">"#,
        more_label(f)
    );
    for (id, label, any, options, current) in select_filters(f) {
        html += &format!(
            r#"<div class="field"><label for="{id}">{label}</label><select id="{id}"><option value="">{any}</option>"#
        );
        for (value, text) in options {
            let selected = if value == current { " selected" } else { "" };
            html += &format!(r#"<option value="{value}"{selected}>{text}</option>"#);
        }
        html += "</select></div>";
    }
    html + &format!(
        r#"</div></details><button type="button" class="clear-filters"{}>Clear filters</button>"#,
        if f.is_empty() { " disabled" } else { "" }
    )
}

/// Sets the drawn controls to `f` (see [`Filters`]). The search field is set
/// only when it says something else, so the caret never jumps under a
/// typist.
fn show_filter(f: &ProgramFilter) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        let doc = document();
        let set = |id: &str, value: &str| {
            if let Some(element) = doc.get_element_by_id(id) {
                let now = js_sys::Reflect::get(&element, &"value".into())
                    .ok()
                    .and_then(|v| v.as_string());
                if now.as_deref() != Some(value) {
                    let _ = js_sys::Reflect::set(&element, &"value".into(), &value.into());
                }
            }
        };
        set("program-search", &f.text);
        for (id, _, _, _, value) in select_filters(f) {
            set(id, value);
        }
        let day = f.day.map(|d| d.to_string()).unwrap_or_default();
        let mut chip = doc
            .query_selector(".filters .chips")
            .ok()
            .flatten()
            .and_then(|chips| chips.first_element_child());
        while let Some(c) = chip {
            let pressed = c.get_attribute("data-day").as_deref() == Some(day.as_str());
            let _ = c.set_attribute("aria-pressed", if pressed { "true" } else { "false" });
            chip = c.next_element_sibling();
        }
        if let Ok(Some(summary)) = doc.query_selector(".more-filters summary") {
            summary.set_text_content(Some(&more_label(f)));
        }
        if let Ok(Some(clear)) = doc.query_selector(".filters .clear-filters") {
            let _ = js_sys::Reflect::set(
                &clear,
                &"disabled".into(),
                &JsValue::from_bool(f.is_empty()),
            );
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}
