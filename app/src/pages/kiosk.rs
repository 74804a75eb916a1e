//! The check-in kiosk: pairing, then the desk where people are checked in
//! by badge scan (a keyboard-wedge scanner types the code and Enter into
//! the always-focused field; a camera where the browser has
//! `BarcodeDetector`) or by name. Everything works from the kiosk's own
//! copy of the roster, offline; each check-in goes to the outbox first.
//!
//! `/kiosk` checks people into the conference; `/kiosk/sessions/:id` into
//! one session, showing who is confirmed, waitlisted or walking in, and the
//! room count against capacity.

use std::collections::HashMap;
use std::time::Duration;

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::components::camera::CameraScan;
use crate::device::{AccountHint, Holder};
use crate::domain::checkin::{self, Known, RoomStanding};
use crate::domain::ops::Operation;
use crate::domain::program::Listing;
use crate::domain::session::{clock_label, day_label, short_day_label};
use crate::domain::{BadgeCode, StateCode};
use crate::protocol::AttendeeData;
use crate::state::AppState;

/// How long a verdict stays up before the desk is ready for the next person.
const VERDICT_MS: u64 = 5_000;

#[component]
pub fn KioskPage() -> impl IntoView {
    view! { <Kiosk session_id=Signal::derive(|| None)/> }
}

#[component]
pub fn KioskSessionPage() -> impl IntoView {
    let params = use_params_map();
    let session_id = Signal::derive(move || params.with(|p| p.get("id")));
    view! { <Kiosk session_id/> }
}

#[component]
fn Kiosk(session_id: Signal<Option<String>>) -> impl IntoView {
    let state = AppState::get();
    // What the page shows: `None` while the store is being read, then who
    // the device works for (`Some(None)`: nobody). A memo: a sync that
    // changed nothing here must not redraw the desk (and empty the scan
    // field under a scanner's fingers).
    let hint = use_context::<AccountHint>();
    let screen = Memo::new(move |_| {
        if state.loaded.get() {
            Some(state.account.with(|a| a.as_ref().map(|a| a.standing())))
        } else {
            // The server's screen: the pairing form on an empty device,
            // kept (not redrawn) once the store agrees.
            (hint == Some(AccountHint::Absent)).then_some(None)
        }
    });
    view! {
        <Title text="Check-in"/>
        <section class="page kiosk">
            {move || {
                let Some(holder) = screen.get() else {
                    return EitherOf4::A(view! { <p class="placeholder" role="status">"Opening…"</p> });
                };
                match holder {
                    None => EitherOf4::B(view! {
                        <h1>"Set up a check-in kiosk"</h1>
                        <PairForm/>
                    }),
                    Some((Holder::Attendee(a), _)) => EitherOf4::C(view! {
                        <h1>"Check-in kiosk"</h1>
                        <p>
                            {format!("This device is signed in as {} {}. ", a.first_name, a.last_name)}
                            "To use it as a kiosk, sign out on the "<a href="/sync">"Changes"</a>
                            " page first, then pair it with a code from the organizers."
                        </p>
                    }),
                    Some((Holder::Kiosk(k), refused)) => EitherOf4::D(view! {
                        {refused.then(|| view! {
                            <div class="warning" role="alert">
                                <p>
                                    "This kiosk's pairing was revoked: call an organizer. Keep checking people in: \
                                     the check-ins are kept here and sent once the kiosk is paired again."
                                </p>
                                <PairForm/>
                            </div>
                        })}
                        <Desk kiosk=k.name session_id/>
                    }),
                }
            }}
        </section>
    }
}

#[component]
fn PairForm() -> impl IntoView {
    #[cfg(feature = "browser")]
    let state = AppState::get();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Typed, or read from the QR code on the organizer's screen.
    let pair = move |typed: String| {
        if busy.get_untracked() {
            return;
        }
        if typed.trim().is_empty() {
            error.set(Some(
                "Enter the pairing code the organizers gave you, like K7QM-3XRP.".into(),
            ));
        } else {
            #[cfg(feature = "browser")]
            {
                busy.set(true);
                error.set(None);
                leptos::task::spawn_local(async move {
                    let result = crate::client::actions::pair_kiosk(state, typed).await;
                    busy.set(false);
                    if let Err(message) = result {
                        error.set(Some(message));
                    }
                });
            }
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pair(code.get_untracked());
    };
    let scanned = Callback::new(move |read: String| {
        code.set(read.clone());
        pair(read);
    });
    // The server's copy (an empty device's first screen) is inert until the
    // app replaces it: what was typed into it would be lost, and submitting
    // it would put the code in the address bar.
    let inert = !cfg!(feature = "browser");
    view! {
        <form class="pair-form" on:submit=submit novalidate>
            <p>"Organizers make a one-time code with "<code>"hallpass kiosk pair NAME"</code>
               ". Pair once while online; the kiosk then works without a connection."</p>
            <div class="field">
                <label for="pairing-code">"Pairing code"</label>
                <input
                    id="pairing-code"
                    name="pairing_code"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    required
                    readonly=inert
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                />
            </div>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || inert || busy.get()>
                {move || if busy.get() { "Pairing…" } else { "Pair this kiosk" }}
            </button>
            <CameraScan on_code=scanned/>
        </form>
    }
}

/// What the desk shows after a scan.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    In {
        person: Box<AttendeeData>,
        /// "at 9:02 (Kiosk B)" when this person had already come in here.
        earlier: Option<String>,
        standing: Option<RoomStanding>,
    },
    NotFound {
        typed: String,
    },
    Failed(String),
}

#[component]
fn Desk(kiosk: String, session_id: Signal<Option<String>>) -> impl IntoView {
    let state = AppState::get();
    let typed = RwSignal::new(String::new());
    let verdict = RwSignal::new(None::<Verdict>);
    // Each verdict's number: a timer only clears the verdict it was set for.
    let shown = StoredValue::new(0u32);
    let field = NodeRef::<leptos::html::Input>::new();
    let kiosk_name = StoredValue::new(kiosk);
    let queued = QueuedCheckins::default();

    let focus_field = move || {
        if let Some(input) = field.get_untracked() {
            let _ = input.focus();
        }
    };
    let show = move |v: Verdict| {
        let number = shown.get_value() + 1;
        shown.set_value(number);
        verdict.set(Some(v));
        typed.set(String::new());
        crate::components::run_later(
            move || {
                if shown.get_value() == number {
                    verdict.set(None);
                    focus_field();
                }
            },
            Duration::from_millis(VERDICT_MS),
        );
        focus_field();
    };

    let session = Memo::new(move |_| {
        let id = session_id.get()?;
        state
            .listings
            .with(|l| l.iter().find(|l| l.id == id).cloned())
    });
    let count = Memo::new(move |_| {
        let place = session_id.get();
        with_known(state, &kiosk_name.get_value(), queued, |known| {
            checkin::people_in(known, place.as_deref())
        })
    });
    let matches = Memo::new(move |_| {
        typed.with(|t| {
            timed("hallpass:name-search", || {
                state
                    .kiosk
                    .roster
                    .with(|r| r.search(t).into_iter().cloned().collect::<Vec<_>>())
            })
        })
    });

    // Records the check-in, then says so: the verdict shows only once the
    // check-in is durable on this kiosk.
    let admit = move |person: AttendeeData| {
        let place = session_id.get_untracked();
        let earlier = with_known(state, &kiosk_name.get_value(), queued, |known| {
            checkin::first_entry(known, &person.id, place.as_deref())
                .map(|first| earlier_label(state, &first))
        });
        let standing = place.as_ref().map(|id| {
            state.kiosk.rooms.with_untracked(|rooms| {
                rooms
                    .iter()
                    .find(|r| &r.session_id == id)
                    .map_or(RoomStanding::NotRegistered, |r| {
                        checkin::room_standing(&r.confirmed, &r.waitlisted, &person.id)
                    })
            })
        });
        let badge_code = person.badge_code.clone();
        record(state, &badge_code, place, move |result| match result {
            Ok(()) => show(Verdict::In {
                person: Box::new(person),
                earlier,
                standing,
            }),
            Err(message) => show(Verdict::Failed(message)),
        });
    };

    let scan = move |code: String| {
        let code = code.trim().to_owned();
        if code.is_empty() {
            return;
        }
        let found = timed("hallpass:badge-lookup", || {
            state
                .kiosk
                .roster
                .with_untracked(|r| r.by_badge(&code).cloned())
        });
        match found {
            Some(person) => admit(person),
            None => {
                // Someone typed a name and pressed Enter: one match is them.
                let named = matches.with_untracked(|m| (m.len() == 1).then(|| m[0].clone()));
                match named {
                    Some(person) => admit(person),
                    None if matches.with_untracked(|m| !m.is_empty()) => {}
                    None => show(Verdict::NotFound { typed: code }),
                }
            }
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        scan(typed.get_untracked());
    };
    // The scanner types into whatever has focus: keep it on the field
    // unless the person moved it to another control on purpose.
    let keep_focus = move |_| {
        crate::components::run_later(
            move || {
                if crate::components::focus::lost() {
                    focus_field();
                }
            },
            Duration::from_millis(0),
        );
    };
    // A tap on a name.
    let pick = Callback::new(admit);
    view! {
        <DeskHeader session wanted=session_id kiosk=kiosk_name.get_value() count/>
        <form class="scan-form" on:submit=on_submit autocomplete="off">
            <label for="scan">"Scan a badge, or type a name or badge code"</label>
            <input
                id="scan"
                name="scan"
                node_ref=field
                autofocus
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                enterkeyhint="go"
                aria-describedby="scan-help"
                prop:value=move || typed.get()
                on:input=move |ev| {
                    if verdict.with_untracked(Option::is_some) {
                        verdict.set(None);
                    }
                    typed.set(event_target_value(&ev));
                }
                on:blur=keep_focus
            />
            <p id="scan-help" class="help">"A scanner checks in at once. For a name, pick the person below."</p>
            <CameraScan on_code=Callback::new(scan)/>
        </form>
        <ul class="name-matches" aria-label="People matching the name">
            <For each=move || matches.get() key=|p| p.badge_code.clone() let(person)>
                <NameMatch person pick/>
            </For>
        </ul>
        <div class="verdict-area" role="status" aria-live="assertive">
            {move || verdict.get().map(|v| view! { <VerdictCard verdict=v/> })}
        </div>
        <footer class="desk-footer">
            <label for="place">"Checking in for"</label>
            <Places chosen=session_id/>
            <Unpair/>
        </footer>
    }
}

/// Runs `f` and leaves its duration as the User Timing measure `name`
/// (the latest one only), for `bench/kiosk.mjs` and the browser's profiler.
fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    #[cfg(feature = "browser")]
    {
        use leptos::wasm_bindgen::{JsCast, JsValue};
        let Some(performance) = leptos::web_sys::window().and_then(|w| w.performance()) else {
            return f();
        };
        // Only the two clock readings surround `f`: creating the entry
        // allocates, and a collection it set off must not count.
        let start = performance.now();
        let out = f();
        let end = performance.now();
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"start".into(), &JsValue::from_f64(start));
        let _ = js_sys::Reflect::set(&options, &"end".into(), &JsValue::from_f64(end));
        if let Ok(measure) = js_sys::Reflect::get(&performance, &"measure".into())
            .and_then(|m| m.dyn_into::<js_sys::Function>())
        {
            performance.clear_measures_with_measure_name(name);
            let _ = measure.call2(&performance, &name.into(), &options);
        }
        out
    }
    #[cfg(not(feature = "browser"))]
    {
        let _ = name;
        f()
    }
}

/// Queues the check-in; `then` runs once it is durable (or could not be
/// saved). On the server, nothing happens.
fn record(
    state: AppState,
    badge_code: &str,
    session_id: Option<String>,
    then: impl FnOnce(Result<(), String>) + 'static,
) {
    let code = match BadgeCode::parse(badge_code) {
        Ok(code) => code,
        Err(e) => return then(Err(e.to_string())),
    };
    #[cfg(feature = "browser")]
    leptos::task::spawn_local(async move {
        let session = match session_id
            .map(|id| crate::domain::SessionId::parse(&id))
            .transpose()
        {
            Ok(session) => session,
            Err(e) => return then(Err(e.to_string())),
        };
        let result = crate::client::actions::check_in(state, code, session).await;
        then(result.map(|_| ()));
    });
    #[cfg(not(feature = "browser"))]
    let _ = (state, code, session_id, then);
}

/// What and where the desk checks in for, and how many came.
#[component]
fn DeskHeader(
    session: Memo<Option<Listing>>,
    wanted: Signal<Option<String>>,
    kiosk: String,
    count: Memo<usize>,
) -> impl IntoView {
    let state = AppState::get();
    let part = move |f: fn(&Listing) -> String| {
        move || session.with(|l| l.as_ref().map(f).unwrap_or_default())
    };
    let found = Memo::new(move |_| session.with(Option::is_some));
    let kiosk = StoredValue::new(kiosk);
    let kiosk_name = move || view! { <span class="kiosk-name">{kiosk.get_value()}</span> };
    view! {
        <header
            class="desk-header"
            data-roster=move || state.kiosk.roster.with(|r| r.len())
            data-count=move || count.get()
        >
            {move || {
                if found.get() {
                    Either::Left(view! {
                        <h1>"Check-in: " {part(|l| l.session.title.clone())}</h1>
                        <p class="desk-meta">
                            {kiosk_name()}
                            " · "
                            {part(|l| l.session.room.clone())}
                            " · "
                            {part(|l| {
                                format!(
                                    "{}, {}",
                                    day_label(l.session.slot.day()),
                                    l.session.slot.time_range_label(),
                                )
                            })}
                        </p>
                        <p class="desk-count">
                            {move || count.get()}
                            " in the room"
                            {part(|l| {
                                l.session
                                    .capacity
                                    .as_option()
                                    .map(|seats| format!(" · {seats} seats"))
                                    .unwrap_or_default()
                            })}
                            " · "
                            {part(|l| l.confirmed.to_string())}
                            " registered"
                        </p>
                    })
                } else {
                    let title = if wanted.with(Option::is_some) {
                        "Check-in: session not found"
                    } else {
                        "Conference check-in"
                    };
                    Either::Right(view! {
                        <h1>{title}</h1>
                        <p class="desk-meta">{kiosk_name()}</p>
                        <p class="desk-count">{move || count.get()} " checked in"</p>
                    })
                }
            }}
        </header>
    }
}

/// What the desk says about the last scan.
#[component]
fn VerdictCard(verdict: Verdict) -> impl IntoView {
    let (kind, headline, name, lines, standing) = match &verdict {
        Verdict::In {
            person,
            earlier,
            standing,
        } => {
            let state_name = StateCode::parse(&person.state)
                .map_or(person.state.clone(), |s| s.name().to_owned());
            let (kind, headline) = match (earlier, standing) {
                (Some(_), _) => ("again", "Already checked in"),
                (None, Some(RoomStanding::NotRegistered)) => ("walk-in", "Walk-in"),
                (None, _) => ("in", "Checked in"),
            };
            let mut lines = vec![format!(
                "{state_name} · {} · {}",
                person.local, person.career_family
            )];
            lines.extend(
                earlier
                    .as_ref()
                    .map(|at| format!("Already checked in {at}.")),
            );
            (
                kind,
                headline,
                Some(format!("{} {}", person.first_name, person.last_name)),
                lines,
                *standing,
            )
        }
        Verdict::NotFound { typed } => (
            "not-found",
            "Not found",
            None,
            vec![
                format!("No one on this kiosk's list has badge “{typed}”."),
                "Try their name, or send them to the registration desk.".to_owned(),
            ],
            None,
        ),
        Verdict::Failed(message) => ("failed", "Not recorded", None, vec![message.clone()], None),
    };
    view! {
        <div class=format!("verdict {kind}") data-verdict=kind>
            <p class="verdict-headline">{headline}</p>
            {name.map(|name| view! { <p class="verdict-name">{name}</p> })}
            {lines
                .into_iter()
                .map(|line| view! { <p class="verdict-line">{line}</p> })
                .collect_view()}
            {standing.map(|s| {
                view! {
                    <p class="verdict-standing" data-standing=standing_code(s)>
                        {standing_label(s)}
                    </p>
                }
            })}
        </div>
    }
}

/// A person the typed name matches: a tap checks them in.
#[component]
fn NameMatch(person: AttendeeData, pick: Callback<AttendeeData>) -> impl IntoView {
    let detail = format!(
        "{} · {} · {}",
        person.badge_code, person.state, person.career_family
    );
    let name = format!("{} {}", person.first_name, person.last_name);
    view! {
        <li>
            <button type="button" class="match" on:click=move |_| pick.run(person.clone())>
                <span class="match-name">{name}</span>
                <span class="match-detail">{detail}</span>
            </button>
        </li>
    }
}

/// The place picker: the conference, then every session by time. Choosing
/// one opens its desk.
#[component]
fn Places(chosen: Signal<Option<String>>) -> impl IntoView {
    let state = AppState::get();
    let navigate = use_navigate();
    let choose = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let to = if id.is_empty() {
            "/kiosk".to_owned()
        } else {
            format!("/kiosk/sessions/{id}")
        };
        navigate(&to, Default::default());
    };
    let places = Memo::new(move |_| {
        let mut sorted: Vec<(String, String)> = state.listings.with(|l| {
            let mut by_time: Vec<&Listing> = l.iter().collect();
            crate::sorting::sort_by_key(&mut by_time, |l| {
                (l.session.slot.starts(), l.session.title.clone())
            });
            by_time
                .into_iter()
                .map(|l| {
                    let label = format!(
                        "{} {} · {}",
                        short_day_label(l.session.slot.day()),
                        clock_label(l.session.slot.starts()),
                        l.session.title
                    );
                    (l.id.clone(), label)
                })
                .collect()
        });
        sorted.insert(0, (String::new(), "The conference".to_owned()));
        sorted
    });
    view! {
        <select id="place" on:change=choose>
            <For each=move || places.get() key=|place| place.clone() let((id, label))>
                <option value=id.clone() prop:selected=move || chosen.with(|c| c.as_deref().unwrap_or("") == id)>
                    {label}
                </option>
            </For>
        </select>
    }
}

fn standing_code(s: RoomStanding) -> &'static str {
    match s {
        RoomStanding::Confirmed => "confirmed",
        RoomStanding::Waitlisted(_) => "waitlisted",
        RoomStanding::NotRegistered => "not-registered",
    }
}

fn standing_label(s: RoomStanding) -> String {
    match s {
        RoomStanding::Confirmed => "Registered: has a seat.".to_owned(),
        RoomStanding::Waitlisted(n) => format!("On the waitlist (#{n}): no seat yet."),
        RoomStanding::NotRegistered => "Not registered: recorded as a walk-in.".to_owned(),
    }
}

/// "at 9:02 AM (Kiosk B)", in the conference's time zone.
fn earlier_label(state: AppState, first: &Known<'_>) -> String {
    let time = OffsetDateTime::parse(first.at, &Rfc3339)
        .map(|at| clock_label(at.to_offset(state.conference_offset())))
        .unwrap_or_else(|_| first.at.to_owned());
    match first.kiosk {
        Some(kiosk) => format!("at {time} ({kiosk})"),
        None => format!("at {time}"),
    }
}

/// The check-ins in this kiosk's outbox, each mutation's JSON read once.
/// Every scan reads all of them (the count, the person's earlier entry),
/// and a kiosk offline for a morning queues thousands: reading them again
/// at every scan cost 20 ms a scan per thousand queued with the CPU slowed
/// 4× (BENCHMARKS.md, 2026-12-07, "queued check-ins read once").
#[derive(Clone, Copy, Default)]
struct QueuedCheckins(StoredValue<HashMap<u64, Queued>>);

/// One outbox mutation as `with_known` needs it; `checkin` is `None` for
/// any other operation. Kept with the args it was read from, so a
/// mutation with the same `seq` and other args (after a new pairing) is
/// read again.
struct Queued {
    args: String,
    checkin: Option<(BadgeCode, Option<String>, checkin::CheckinKind)>,
}

impl QueuedCheckins {
    /// The outbox's mutations by `seq`, reading only those not seen
    /// before, and forgetting those no longer queued.
    fn refresh(self, outbox: &[crate::protocol::Mutation]) {
        self.0.update_value(|seen| {
            let mut now = HashMap::with_capacity(outbox.len());
            for m in outbox {
                let known = seen.remove(&m.seq).filter(|q| q.args == m.args.get());
                let queued = known.unwrap_or_else(|| Queued {
                    args: m.args.get().to_owned(),
                    checkin: match Operation::parse(&m.op, &m.args) {
                        Ok(Operation::CheckinRecord {
                            badge_code,
                            session_id,
                            kind,
                            ..
                        }) => Some((badge_code, session_id.map(|s| s.as_str().to_owned()), kind)),
                        _ => None,
                    },
                });
                now.insert(m.seq, queued);
            }
            *seen = now;
        });
    }
}

/// Runs `f` over every check-in this kiosk knows: the server's, and its
/// own still in the outbox (placed by the roster).
fn with_known<R>(
    state: AppState,
    kiosk: &str,
    queued: QueuedCheckins,
    f: impl FnOnce(&[Known<'_>]) -> R,
) -> R {
    state.kiosk.checkins.with(|pulled| {
        state.outbox.with(|outbox| {
            queued.refresh(outbox);
            state.kiosk.roster.with(|roster| {
                queued.0.with_value(|parsed| {
                    let mut known: Vec<Known<'_>> = pulled
                        .iter()
                        .map(|c| Known {
                            attendee_id: &c.attendee_id,
                            session_id: c.session_id.as_deref(),
                            kind: c.kind,
                            at: &c.at,
                            kiosk: c.kiosk.as_deref(),
                            queued: false,
                            duplicate: c.duplicate_of.is_some(),
                        })
                        .collect();
                    known.extend(outbox.iter().filter_map(|m| {
                        let (badge_code, session_id, kind) =
                            parsed.get(&m.seq)?.checkin.as_ref()?;
                        let person = roster.by_badge(badge_code.as_str())?;
                        Some(Known {
                            attendee_id: &person.id,
                            session_id: session_id.as_deref(),
                            kind: *kind,
                            at: &m.at,
                            kiosk: Some(kiosk),
                            queued: true,
                            duplicate: false,
                        })
                    }));
                    f(&known)
                })
            })
        })
    })
}

/// Unpairing wipes the kiosk; check-ins not yet sent would be lost, so it
/// says how many first.
#[component]
fn Unpair() -> impl IntoView {
    let state = AppState::get();
    let asking = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let unpair = move || {
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            match crate::client::actions::sign_out(state).await {
                Ok(()) => asking.set(false),
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let warning = move || match state.outbox.with(Vec::len) {
        0 => "Unpairing deletes the roster and check-ins from this kiosk. They stay on the server."
            .to_owned(),
        1 => "1 check-in on this kiosk has not reached the server. Unpairing deletes it for good."
            .to_owned(),
        n => format!(
            "{n} check-ins on this kiosk have not reached the server. Unpairing deletes them for good."
        ),
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class="link-button"
                        data-action="unpair"
                        on:click=move |_| asking.set(true)
                    >
                        "Unpair this kiosk"
                    </button>
                }
            }
        >
            <div class="warning" role="alert">
                <p>{warning}</p>
                <button type="button" class="danger" data-action="confirm-unpair" on:click=move |_| unpair()>
                    "Unpair and delete"
                </button>
                <button type="button" data-action="keep-paired" on:click=move |_| asking.set(false)>
                    "Keep paired"
                </button>
            </div>
        </Show>
        <p class="form-error" role="alert">{move || error.get()}</p>
    }
}
