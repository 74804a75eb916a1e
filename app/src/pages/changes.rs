//! Sync and changes: what is waiting on this device, what the server
//! refused and why, and the account (with sign-out, which warns first when
//! changes have not reached the server).

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::client::actions;
use crate::components::sync_badge::{changes_label, time_label};
use crate::device::Holder;
use crate::domain::ops::Operation;
use crate::protocol::Mutation;
use crate::state::AppState;

/// `Register for “Beat Privatization”`, in words.
fn describe(state: &AppState, m: &Mutation) -> String {
    let title = |session_id: &str| {
        state
            .listings
            .with(|l| {
                l.iter()
                    .find(|l| l.id == session_id)
                    .map(|l| l.session.title.clone())
            })
            .unwrap_or_else(|| format!("session {session_id}"))
    };
    match Operation::parse(&m.op, &m.args) {
        Ok(Operation::RegistrationCreate { session_id, .. }) => {
            format!("Register for “{}”", title(session_id.as_str()))
        }
        Ok(Operation::RegistrationCancel { registration_id }) => {
            let session = state.registrations.with(|r| {
                r.iter()
                    .find(|r| r.id == registration_id.as_str())
                    .map(|r| r.session_id.clone())
            });
            match session {
                Some(id) => format!("Cancel “{}”", title(&id)),
                None => "Cancel a registration".to_owned(),
            }
        }
        Ok(Operation::CheckinRecord {
            badge_code,
            session_id,
            ..
        }) => {
            let who = state
                .kiosk
                .roster
                .with(|r| {
                    r.by_badge(badge_code.as_str())
                        .map(|p| format!("{} {} (badge {badge_code})", p.first_name, p.last_name))
                })
                .unwrap_or_else(|| format!("badge {badge_code}"));
            match session_id {
                Some(id) => format!("Check in {who} at “{}”", title(id.as_str())),
                None => format!("Check in {who}"),
            }
        }
        Ok(Operation::MentoringLog { entry, .. }) => format!(
            "Log {} min of mentoring on {}",
            entry.minutes.get(),
            entry.date
        ),
        Ok(Operation::MentoringUpdate { .. }) => "Edit a mentoring entry".to_owned(),
        Ok(Operation::MentoringDelete { .. }) => "Delete a mentoring entry".to_owned(),
        Ok(Operation::MentoringConfirm { seen, .. }) => format!(
            "Confirm {} min of mentoring on {}",
            seen.minutes.get(),
            seen.date
        ),
        Err(_) => m.op.clone(),
    }
}

/// What waits in the outbox, each change in words.
#[component]
fn Pending() -> impl IntoView {
    let state = AppState::get();
    let count = move || state.outbox.with(Vec::len);
    view! {
        <h2>"Waiting to sync"</h2>
        <Show
            when=move || count() != 0
            fallback=|| {
                view! {
                    <p class="placeholder">
                        "Nothing waiting: the server has every change made on this device."
                    </p>
                }
            }
        >
            <p>{move || changes_label(count())} " saved on this device, sent when the network allows."</p>
            <ul class="change-list pending-list">
                <For each=move || state.outbox.get() key=|m| m.seq let(m)>
                    <li data-seq=m.seq>{describe(&state, &m)}</li>
                </For>
            </ul>
        </Show>
    }
}

/// What the server refused and why, each with its Dismiss.
#[component]
fn Refused() -> impl IntoView {
    let state = AppState::get();
    view! {
        <h2>"Not accepted"</h2>
        <Show
            when=move || state.rejected.with(|r| !r.is_empty())
            fallback=|| {
                view! {
                    <p class="placeholder">"The server has accepted every change so far."</p>
                }
            }
        >
            <ul class="change-list rejected-list">
                <For
                    each=move || state.rejected.get()
                    key=|r| (r.device_id.clone(), r.mutation.seq)
                    children=move |r| {
                        let (seq, code, message) = (r.mutation.seq, r.code.clone(), r.message.clone());
                        let what = describe(&state, &r.mutation);
                        view! {
                            <li data-seq=seq data-code=code>
                                <strong>{what}</strong>
                                ": "
                                {message}
                                " "
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| actions::dismiss(state, r.clone())
                                >
                                    "Dismiss"
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
        </Show>
    }
}

/// Who is signed in, and signing out, which asks first.
#[component]
fn AccountPart() -> impl IntoView {
    let state = AppState::get();
    let confirming = RwSignal::new(false);
    let sign_out_error = RwSignal::new(None::<String>);
    let sign_out = move |_| {
        confirming.set(false);
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            sign_out_error.set(actions::sign_out(state).await.err());
        });
    };
    let warning = move || {
        let waiting = state.outbox.with(Vec::len);
        if waiting > 0 {
            format!(
                "{} on this device have not reached the server. Signing out deletes them for good.",
                changes_label(waiting)
            )
        } else {
            "Signing out removes your agenda from this device. It stays on the server.".to_owned()
        }
    };
    // A memo: the confirmation below must not be redrawn by a change that
    // only moved the account's seq.
    let holder = Memo::new(move |_| state.account.with(|a| a.as_ref().map(|a| a.holder.clone())));
    view! {
        <h2>"Account"</h2>
        {move || match holder.get() {
            None => {
                EitherOf3::A(
                    view! {
                        <p><a href="/signin">"Sign in"</a> " to register for sessions."</p>
                    },
                )
            }
            Some(Holder::Kiosk(k)) => {
                EitherOf3::B(
                    view! {
                        <p>
                            "This device is the check-in kiosk " <strong>{k.name}</strong> ". "
                            <a href="/kiosk">"Unpair it on the check-in page"</a> "."
                        </p>
                    },
                )
            }
            Some(Holder::Attendee(a)) => {
                EitherOf3::C(
                    view! {
                        <p>
                            "Signed in as " <strong>{a.first_name} " " {a.last_name}</strong>
                            " (badge " {a.badge_code} ")."
                        </p>
                        <Show
                            when=move || confirming.get()
                            fallback=move || {
                                view! {
                                    <button type="button" on:click=move |_| confirming.set(true)>
                                        "Sign out"
                                    </button>
                                }
                            }
                        >
                            <div class="warning" role="alert">
                                <p>{warning}</p>
                                <button type="button" class="danger" on:click=sign_out>
                                    "Sign out and delete"
                                </button>
                                <button type="button" on:click=move |_| confirming.set(false)>
                                    "Stay signed in"
                                </button>
                            </div>
                        </Show>
                    },
                )
            }
        }}
        <p class="form-error" role="alert">{move || sign_out_error.get()}</p>
    }
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let state = AppState::get();
    let last_synced = move || match state
        .sync
        .with(|s| s.last_synced_ms)
        .map(|ms| time_label(ms, &state))
    {
        Some(t) => format!("Last synced at {t}. "),
        None => "Not synced yet. ".to_owned(),
    };
    view! {
        <Title text="Sync and changes"/>
        <section class="page changes">
            <h1>"Sync and changes"</h1>
            <Show
                when=move || state.loaded.get()
                fallback=|| view! { <p class="placeholder" role="status">"Opening…"</p> }
            >
                <p class="sync-summary">
                    {last_synced}
                    <button type="button" on:click=move |_| actions::sync_now(state)>
                        "Sync now"
                    </button>
                </p>
                <Pending/>
                <Refused/>
            </Show>
            <AccountPart/>
        </section>
    }
}
