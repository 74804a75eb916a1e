//! The program: every session by day and time, with filters and search.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

use time::{Date, OffsetDateTime};

use crate::components::session_card::SessionCard;
use crate::domain::program::{self, ProgramFilter};
use crate::domain::session::{SessionKind, clock_label, day_label, short_day_label};
use crate::domain::{CareerFamily, SessionId, Standard};
use crate::state::{AppState, SyncProblem};

/// What the program page shows: it changes only when this does, so a sync
/// that brings new seat counts leaves the list (and the focus) in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shows {
    Loading,
    Empty,
    Program,
}

#[component]
pub fn ProgramPage() -> impl IntoView {
    let state = AppState::get();
    // The program shows as soon as there is one: the server's, in the
    // page, before the device's own copy has been read.
    let shows = Memo::new(move |_| {
        if !state.listings.with(Vec::is_empty) {
            Shows::Program
        } else if !state.loaded.get() {
            Shows::Loading
        } else {
            Shows::Empty
        }
    });
    view! {
        <Title text="Program"/>
        <section class="page program">
            <h1>"Program"</h1>
            <Filters/>
            {move || match shows.get() {
                Shows::Loading => EitherOf3::A(view! {
                    <p class="placeholder" role="status">"Loading the program…"</p>
                }),
                Shows::Empty => EitherOf3::B(view! { <EmptyProgram/> }),
                Shows::Program => EitherOf3::C(view! { <ProgramList/> }),
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

/// The program's shape: its days and their start times, with the
/// sessions at each by id. The lists follow it; each card reads its own
/// session.
type Shape = Vec<(Date, Vec<Slot>)>;

#[derive(Debug, Clone, PartialEq)]
struct Slot {
    starts: OffsetDateTime,
    /// How many cards come before this start time's, in the whole list.
    first: usize,
    ids: Vec<SessionId>,
}

/// The app's first draw of the server's program, in slices: provided
/// with how many cards the server's first screen shows, when the app
/// starts on the program the server painted, with the page not scrolled.
/// The program whole is one long task on a mid-range phone (BENCHMARKS.md)
/// while the server's copy already shows it. The app is drawn off screen
/// (`takeover::Takeover`): the page without cards, then the cards a few
/// per task; once the first screen's cards are drawn, the list shows the
/// app in place of the server's copy (it claims `takeover::ShowOnceDrawn`),
/// and the rest follow a slice per task, the page answering taps
/// meanwhile. A program drawn again later (back from a session, where the
/// browser restores the scroll position) finds the showing done and is
/// drawn whole at once, so the page keeps its height and the reader their
/// place.
#[cfg(feature = "browser")]
#[derive(Clone, Copy)]
pub struct SliceFirstDraw(pub usize);

/// How many cards the first screen shows, and the showing to do once they
/// are drawn.
#[cfg(feature = "browser")]
struct FirstScreen {
    cards: usize,
    show: crate::takeover::ShowOnceDrawn,
}

/// The program by day and start time, as the filter has it.
#[component]
fn ProgramList() -> impl IntoView {
    let state = AppState::get();
    let shape = Memo::new(move |_| {
        let filter = state.filter.get();
        let mut drawn = 0;
        state.listings.with(|l| {
            program::group(l, &filter)
                .into_iter()
                .map(|d| {
                    let slots = d.slots.into_iter().map(|s| {
                        let ids: Vec<_> = s
                            .listings
                            .iter()
                            .filter_map(|l| SessionId::parse(&l.id).ok())
                            .collect();
                        let first = drawn;
                        drawn += ids.len();
                        Slot {
                            starts: s.starts,
                            first,
                            ids,
                        }
                    });
                    (d.day, slots.collect())
                })
                .collect::<Shape>()
        })
    });
    let count = Memo::new(move |_| {
        shape.with(|d| {
            d.iter()
                .flat_map(|(_, slots)| slots)
                .map(|s| s.ids.len())
                .sum::<usize>()
        })
    });
    // How many cards are drawn: all of them, but for a first draw in
    // slices (`SliceFirstDraw`), which starts from none.
    let drawn = RwSignal::new(usize::MAX);
    #[cfg(feature = "browser")]
    if let Some(SliceFirstDraw(cards)) = use_context()
        && let Some(show) = crate::takeover::ShowOnceDrawn::claim()
    {
        drawn.set(0);
        // A list that goes before its first screen is drawn (the device's
        // own program, read meanwhile, is empty) leaves the page that
        // replaces it to show.
        on_cleanup(move || show.show_claimed_later());
        draw_rest(drawn, count, None, Some(FirstScreen { cards, show }));
    }
    let days = move || {
        let drawn = drawn.get();
        shape.with(|d| {
            d.iter()
                .filter(|(_, slots)| slots.first().is_some_and(|s| s.first < drawn))
                .map(|(day, _)| *day)
                .collect::<Vec<_>>()
        })
    };
    let slots = move |day: Date| {
        move || {
            let drawn = drawn.get();
            shape.with(|d| {
                d.iter()
                    .find(|(d, _)| *d == day)
                    .map(|(_, slots)| {
                        slots
                            .iter()
                            .filter(|s| s.first < drawn)
                            .map(|s| s.starts)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        }
    };
    let sessions = move |day: Date, starts: OffsetDateTime| {
        move || {
            let drawn = drawn.get();
            shape.with(|d| {
                d.iter()
                    .find(|(d, _)| *d == day)
                    .and_then(|(_, slots)| slots.iter().find(|s| s.starts == starts))
                    .map(|s| {
                        let n = drawn.saturating_sub(s.first);
                        s.ids.iter().take(n).cloned().collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        }
    };
    view! {
        <p class="result-count" role="status" aria-live="polite">
            {move || match count.get() {
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

/// Main-thread time one slice of cards may take: a fifth of the 50 ms
/// that makes a task long, so that with the frame around it the page
/// stays responsive on a phone several times slower than the device that
/// measured it.
#[cfg(feature = "browser")]
const SLICE_MS: f64 = 10.0;

/// Draws the program's cards a slice per task until all are drawn,
/// showing the app once the first screen's are (`first`). Each slice is
/// sized from what the last one cost per card on this device, so a fast
/// laptop takes few steps and a slow phone stays responsive. Stops when
/// the list goes away.
#[cfg(feature = "browser")]
fn draw_rest(
    drawn: RwSignal<usize>,
    count: Memo<usize>,
    last: Option<(f64, usize)>,
    first: Option<FirstScreen>,
) {
    crate::components::run_later(
        move || {
            let now = now_ms();
            // Gone: the list's cleanup saw to the showing.
            let (Some(n), Some(all)) = (drawn.try_get_untracked(), count.try_get_untracked())
            else {
                return;
            };
            let first = match first {
                Some(first) if n >= first.cards.min(all) => {
                    // Scrolled while the app was drawn: every card at once,
                    // for the reader's place to be found (`takeover`).
                    if first.show.show_claimed() {
                        drawn.set(usize::MAX);
                        return;
                    }
                    None
                }
                first => first,
            };
            if n >= all && first.is_none() {
                // Everything from now on: sessions a sync adds included.
                drawn.set(usize::MAX);
                return;
            }
            // Until a slice has been timed, two cards.
            let cards = last.map_or(2, |(started, cards)| {
                let per_card = (now - started) / cards.max(1) as f64;
                (SLICE_MS / per_card.max(0.05)) as usize
            });
            let cards = cards.clamp(1, 64);
            drawn.set(n + cards);
            draw_rest(drawn, count, Some((now, cards)), first);
        },
        std::time::Duration::ZERO,
    );
}

#[cfg(feature = "browser")]
fn now_ms() -> f64 {
    leptos::web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Search, day, Universal Standard, career family, kind. Every control
/// shows what the filter holds and changes it; the search field is set only
/// to what it already says while someone types, so the caret stays.
#[component]
fn Filters() -> impl IntoView {
    let state = AppState::get();
    let filter = state.filter;
    let days = Memo::new(move |_| state.listings.with(|l| program::days(l)));
    let chip = move |day: Option<Date>, label: String| {
        view! {
            <button
                type="button"
                class="chip"
                data-day=day.map(|d| d.to_string()).unwrap_or_default()
                aria-pressed=move || filter.with(|f| f.day == day).to_string()
                on:click=move |_| filter.update(|f| f.day = day)
            >
                {label}
            </button>
        }
    };
    let selects = SELECT_FILTERS
        .iter()
        .map(|select| {
            let SelectFilter { id, label, any, options, value, choose } = *select;
            // Each option's mark follows this select's value alone: typing
            // in the search field or picking a day leaves them be.
            let current = Memo::new(move |_| filter.with(value));
            let options = options()
                .into_iter()
                .map(|(option, text)| {
                    view! { <option value=option prop:selected=move || current.get() == option>{text}</option> }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for=id>{label}</label>
                    <select
                        id=id
                        on:change=move |ev| {
                            let picked = event_target_value(&ev);
                            filter.update(|f| choose(f, &picked));
                        }
                    >
                        <option value="" prop:selected=move || current.get().is_empty()>{any}</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();
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
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        filter.update(|f| f.text = text);
                    }
                />
            </div>
            <fieldset class="field days">
                <legend>"Day"</legend>
                <div class="chips">
                    {chip(None, "All days".to_owned())}
                    <For each=move || days.get() key=|day| *day let(day)>
                        {chip(Some(day), short_day_label(day))}
                    </For>
                </div>
            </fieldset>
            <details class="more-filters">
                <summary>{move || filter.with(more_label)}</summary>
                <div class="more-filters-body">{selects}</div>
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

/// One of the filters behind "More filters": a select of every value.
#[derive(Clone, Copy)]
struct SelectFilter {
    id: &'static str,
    label: &'static str,
    /// The option that turns the filter off.
    any: &'static str,
    /// (value, text) for each option.
    options: fn() -> Vec<(&'static str, &'static str)>,
    /// The value the filter holds; empty when off.
    value: fn(&ProgramFilter) -> &'static str,
    /// Sets the filter from a picked value; an unknown one turns it off.
    choose: fn(&mut ProgramFilter, &str),
}

const SELECT_FILTERS: [SelectFilter; 3] = [
    SelectFilter {
        id: "filter-standard",
        label: "Universal Standard",
        any: "Any standard",
        options: || {
            Standard::ALL
                .iter()
                .map(|s| (s.as_str(), s.as_str()))
                .collect()
        },
        value: |f| f.standard.map_or("", Standard::as_str),
        choose: |f, value| f.standard = Standard::parse(value).ok(),
    },
    SelectFilter {
        id: "filter-family",
        label: "Career family",
        any: "Any career family",
        options: || {
            CareerFamily::ALL
                .iter()
                .map(|c| (c.as_str(), c.as_str()))
                .collect()
        },
        value: |f| f.family.map_or("", CareerFamily::as_str),
        choose: |f, value| f.family = CareerFamily::parse(value).ok(),
    },
    SelectFilter {
        id: "filter-kind",
        label: "Kind",
        any: "Any kind",
        options: || {
            SessionKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect()
        },
        value: |f| f.kind.map_or("", SessionKind::as_str),
        choose: |f, value| f.kind = SessionKind::parse(value).ok(),
    },
];
