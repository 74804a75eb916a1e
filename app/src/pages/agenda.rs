//! My agenda: the sessions I hold a place in, or have asked for, by day;
//! exported as an iCalendar file, offline too.

use leptos::prelude::*;
use leptos_meta::Title;
use time::Date;

use crate::components::WhenSignedIn;
use crate::components::register::{RegisterControl, standing_key, standing_label};
use crate::domain::RegistrationId;
use crate::domain::agenda::{Mine, Standing};
use crate::domain::ical::{self, Event};
use crate::domain::program::Listing;
use crate::domain::session::day_label;
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
    crate::sorting::sort_by_key(&mut rows, |(_, l)| {
        (l.session.slot.starts(), l.session.title.clone())
    });
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

/// One registration of my agenda. Its parts follow it in place: the
/// standing changes from pending to registered under the person's eyes,
/// with the focus where it was.
#[component]
fn AgendaItem(rows: Memo<Vec<(Mine, Listing)>>, id: RegistrationId) -> impl IntoView {
    let row = Memo::new(move |_| rows.with(|r| r.iter().find(|(m, _)| m.id == id).cloned()));
    let part = move |f: fn(&(Mine, Listing)) -> String| {
        move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    let session = row.with_untracked(|r| r.as_ref().map(|(m, _)| m.session_id.clone()));
    let href = session
        .as_ref()
        .map(|s| format!("/sessions/{}", s.as_str()))
        .unwrap_or_default();
    view! {
        <li class="agenda-item" data-standing=part(|(m, _)| standing_key(m.standing).to_owned())>
            <p class="agenda-time">{part(|(_, l)| l.session.slot.time_range_label())}</p>
            <h3 class="session-title">
                <a href=href>{part(|(_, l)| l.session.title.clone())}</a>
            </h3>
            <p class="session-meta">{part(|(_, l)| l.session.room.clone())}</p>
            {session.map(|session_id| view! { <RegisterControl session_id compact=true/> })}
        </li>
    }
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    let state = AppState::get();
    let rows = Memo::new(move |_| entries(&state));
    let export_error = RwSignal::new(None::<String>);
    let export = move |_| {
        let text = agenda_ics(&state);
        #[cfg(feature = "browser")]
        export_error.set(
            crate::client::actions::download("hallpass-agenda.ics", "text/calendar", &text).err(),
        );
        #[cfg(not(feature = "browser"))]
        let _ = text;
    };
    // The days, and the registrations of each in time order.
    let shape = Memo::new(move |_| {
        let mut days: Vec<(Date, Vec<RegistrationId>)> = Vec::new();
        rows.with(|rows| {
            for (m, l) in rows {
                let day = l.session.slot.day();
                match days.last_mut() {
                    Some((d, ids)) if *d == day => ids.push(m.id.clone()),
                    _ => days.push((day, vec![m.id.clone()])),
                }
            }
        });
        days
    });
    let days = move || shape.with(|d| d.iter().map(|(day, _)| *day).collect::<Vec<_>>());
    let items = move |day: Date| {
        move || {
            shape.with(|d| {
                d.iter()
                    .find(|(d, _)| *d == day)
                    .map(|(_, ids)| ids.clone())
                    .unwrap_or_default()
            })
        }
    };
    view! {
        <Title text="My agenda"/>
        <section class="page agenda">
            <h1>"My agenda"</h1>
            <WhenSignedIn signed_in=move || state.account.with(Option::is_some) to=" to register for sessions. Your agenda is kept on this device and works offline.">
                <Show
                    when=move || rows.with(|r| !r.is_empty())
                    fallback=|| {
                        view! {
                            <p class="placeholder">
                                "No sessions yet. Find some in the " <a href="/">"program"</a> "."
                            </p>
                        }
                    }
                >
                    <p class="agenda-actions">
                        <button type="button" data-action="export" on:click=export>
                            "Download calendar (.ics)"
                        </button>
                    </p>
                    <For each=days key=|day| *day let(day)>
                        <section class="agenda-day" aria-label=day_label(day)>
                            <h2 class="day-heading">{day_label(day)}</h2>
                            <ul class="agenda-list">
                                <For each=items(day) key=|id| id.clone() let(id)>
                                    <AgendaItem rows id/>
                                </For>
                            </ul>
                        </section>
                    </For>
                </Show>
            </WhenSignedIn>
            <p class="form-error" role="alert">{move || export_error.get()}</p>
        </section>
    }
}
