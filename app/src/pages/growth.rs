//! My growth record: hours toward each ESP Universal Standard from the
//! sessions I attended (check-ins × session length) and from mentoring
//! (confirmed and unconfirmed apart), against the 15-hour micro-credential
//! benchmark; and a certificate of attendance to print, offline.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::WhenSignedIn;
use crate::domain::logbook::{self, Attended, BENCHMARK_MINUTES, duration_label};
use crate::domain::program::Listing;
use crate::domain::session::day_label;
use crate::state::AppState;

/// The sessions I checked in to, once each, in time order.
fn attended(state: &AppState) -> Vec<Listing> {
    let mut ids: Vec<String> = state.kiosk.checkins.with(|c| {
        c.iter()
            .filter(|c| c.kind == crate::domain::checkin::CheckinKind::Entry)
            .filter_map(|c| c.session_id.clone())
            .collect()
    });
    crate::sorting::sort(&mut ids);
    ids.dedup();
    let mut sessions: Vec<Listing> = state.listings.with(|l| {
        l.iter()
            .filter(|l| ids.binary_search(&l.id).is_ok())
            .cloned()
            .collect()
    });
    crate::sorting::sort_by_key(&mut sessions, |l| l.session.slot.starts());
    sessions
}

fn minutes_of(l: &Listing) -> u32 {
    u32::try_from(l.session.slot.minutes()).unwrap_or(0)
}

/// Hours toward each standard, sessions and mentoring apart.
#[component]
fn Record(sessions: Memo<Vec<Listing>>) -> impl IntoView {
    let state = AppState::get();
    let growth = Memo::new(move |_| {
        let attended: Vec<Attended> = sessions.with(|s| {
            s.iter()
                .map(|l| Attended {
                    standard: l.session.standard,
                    minutes: minutes_of(l),
                })
                .collect()
        });
        state.log.with(|log| logbook::growth(log, &attended))
    });
    let benchmark = duration_label(BENCHMARK_MINUTES);
    let rows = move || {
        growth
            .get()
            .into_iter()
            .map(|(standard, t)| {
                let name = standard.as_str();
                let total = duration_label(t.total());
                let of = format!("{total} of {}", duration_label(BENCHMARK_MINUTES));
                view! {
                    <li data-standard=name data-minutes=t.total()>
                        <p class="growth-head"><strong>{name}</strong> " " {of.clone()}</p>
                        <progress
                            max=BENCHMARK_MINUTES
                            value=t.total().min(BENCHMARK_MINUTES)
                            aria-label=format!("{name}: {of}")
                        ></progress>
                        <p class="growth-parts">
                            "Sessions " {duration_label(t.sessions)}
                            " · mentoring confirmed " {duration_label(t.confirmed)}
                            " · not yet confirmed " {duration_label(t.unconfirmed)}
                        </p>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="growth-record">
            <p>
                "A micro-credential asks for about " {benchmark}
                " of work on one standard. A mentoring entry counts toward each standard it focused on; unconfirmed hours count once your partner confirms."
            </p>
            <ul class="growth-list">{rows}</ul>
        </div>
    }
}

/// The certificate of attendance, which prints alone.
#[component]
fn Certificate(sessions: Memo<Vec<Listing>>) -> impl IntoView {
    let state = AppState::get();
    let name = move || {
        state
            .account
            .with(|a| {
                a.as_ref()
                    .and_then(|a| a.attendee())
                    .map(|a| format!("{} {}", a.first_name, a.last_name))
            })
            .unwrap_or_default()
    };
    let total = move || duration_label(sessions.with(|s| s.iter().map(minutes_of).sum()));
    let mentoring = move || {
        duration_label(state.log.with(|log| {
            log.iter()
                .filter(|e| e.data.confirmed_at.is_some() && !e.pending)
                .map(|e| u32::from(e.data.minutes))
                .sum()
        }))
    };
    let table = move || {
        if sessions.with(Vec::is_empty) {
            return Either::Left(view! {
                <p class="placeholder">
                    "No session check-ins yet: they appear here after the kiosks at the door have synced and this phone has too."
                </p>
            });
        }
        let rows = sessions
            .get()
            .into_iter()
            .map(|l| {
                view! {
                    <tr>
                        <td>{day_label(l.session.slot.day())}</td>
                        <td>{l.session.title.clone()}</td>
                        <td>{duration_label(minutes_of(&l))}</td>
                        <td>{l.session.standard.map_or("", |s| s.as_str())}</td>
                    </tr>
                }
            })
            .collect_view();
        Either::Right(view! {
            <table class="certificate-sessions">
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Session"</th>
                        <th scope="col">"Hours"</th>
                        <th scope="col">"Standard"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };
    view! {
        <article class="certificate">
            <h2>"Certificate of attendance"</h2>
            <p class="certificate-name">{name}</p>
            <p>"attended the following sessions, " {total} " in all."</p>
            {table}
            <p>"Peer mentoring confirmed by a partner: " {mentoring} "."</p>
        </article>
    }
}

#[component]
pub fn GrowthPage() -> impl IntoView {
    let state = AppState::get();
    let sessions = Memo::new(move |_| attended(&state));
    let signed_in = move || {
        state
            .account
            .with(|a| a.as_ref().and_then(|a| a.attendee()).is_some())
    };
    let print = move |_| {
        #[cfg(feature = "browser")]
        if let Some(w) = leptos::web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <Title text="My growth record"/>
        <section class="page growth">
            <h1>"My growth record"</h1>
            <WhenSignedIn signed_in=signed_in to=" to see your growth record.">
                <Record sessions/>
                <p class="log-actions">
                    <a href="/mentoring">"Mentoring log"</a>
                    " "
                    <button type="button" data-action="print" on:click=print>
                        "Print certificate"
                    </button>
                </p>
                <Certificate sessions/>
            </WhenSignedIn>
        </section>
    }
}
