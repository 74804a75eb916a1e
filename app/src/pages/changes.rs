//! Sync and changes: what is waiting on this device, what the server
//! refused and why, and the account (with sign-out, which warns first when
//! changes have not reached the server).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::sync_badge::{changes_label, time_label};
use crate::domain::ops::Operation;
use crate::domain::text::escape_html as escape;
use crate::protocol::Mutation;
use crate::state::{AccountView, AppState, Holder};

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

fn pending_html(state: &AppState) -> String {
    let pending = state.outbox.get();
    let mut html = "<h2>Waiting to sync</h2>".to_owned();
    if pending.is_empty() {
        html += r#"<p class="placeholder">Nothing waiting: the server has every change made on this device.</p>"#;
        return html;
    }
    html += &format!(
        r#"<p>{} saved on this device, sent when the network allows.</p><ul class="change-list pending-list">"#,
        changes_label(pending.len())
    );
    for m in &pending {
        html += &format!(
            r#"<li data-seq="{}">{}</li>"#,
            m.seq,
            escape(&describe(state, m))
        );
    }
    html + "</ul>"
}

fn rejected_html(state: &AppState) -> String {
    let rejected = state.rejected.get();
    let mut html = "<h2>Not accepted</h2>".to_owned();
    if rejected.is_empty() {
        html += r#"<p class="placeholder">The server has accepted every change so far.</p>"#;
        return html;
    }
    html += r#"<ul class="change-list rejected-list">"#;
    for r in &rejected {
        html += &format!(
            r#"<li data-seq="{seq}" data-code="{}"><strong>{}</strong>: {} <button type="button" class="link-button" data-dismiss="{seq}">Dismiss</button></li>"#,
            escape(&r.code),
            escape(&describe(state, &r.mutation)),
            escape(&r.message),
            seq = r.mutation.seq,
        );
    }
    html + "</ul>"
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let state = AppState::get();
    let dismiss = move |ev: leptos::ev::MouseEvent| {
        let seq = event_target::<leptos::web_sys::Element>(&ev)
            .closest("button[data-dismiss]")
            .ok()
            .flatten()
            .and_then(|b| b.get_attribute("data-dismiss"))
            .and_then(|seq| seq.parse::<u64>().ok());
        if let Some(seq) = seq {
            state.dismiss(seq);
        }
    };
    let confirm_sign_out = RwSignal::new(false);
    let sign_out_error = RwSignal::new(None::<String>);
    let sign_out = move |_| {
        confirm_sign_out.set(false);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            sign_out_error.set(crate::client::actions::sign_out(state).await.err());
        });
    };
    view! {
        <Title text="Sync and changes"/>
        <section class="page changes">
            <h1>"Sync and changes"</h1>
            {move || {
                if !state.loaded.get() {
                    return view! { <p class="placeholder" role="status">"Opening…"</p> }.into_any();
                }
                let last = state.sync.with(|s| s.last_synced_ms).map(|ms| time_label(ms, &state));
                view! {
                    <p class="sync-summary">
                        {match last {
                            Some(t) => format!("Last synced at {t}. "),
                            None => "Not synced yet. ".to_owned(),
                        }}
                        <button type="button" on:click=move |_| state.sync_now()>"Sync now"</button>
                    </p>
                    // The two lists are drawn as escaped markup: one string
                    // view each costs the bundle far less than a view per
                    // row (see BENCHMARKS.md). Dismiss buttons carry their
                    // seq; one handler serves them all.
                    <div inner_html=move || pending_html(&state)></div>
                    <div on:click=dismiss inner_html=move || rejected_html(&state)></div>
                }
                .into_any()
            }}
            <h2>"Account"</h2>
            {move || match state.account.get() {
                None => view! { <p><A href="/signin">"Sign in"</A>" to register for sessions."</p> }.into_any(),
                Some(AccountView { holder: Holder::Kiosk(k), .. }) => view! {
                    <p>
                        "This device is the check-in kiosk "<strong>{k.name}</strong>". "
                        <A href="/kiosk">"Unpair it on the check-in page"</A>"."
                    </p>
                }.into_any(),
                Some(AccountView { holder: Holder::Attendee(a), .. }) => {
                    let waiting = state.outbox.with(Vec::len);
                    view! {
                        <p>
                            "Signed in as "<strong>{format!("{} {}", a.first_name, a.last_name)}</strong>
                            {format!(" (badge {}).", a.badge_code)}
                        </p>
                        {move || if confirm_sign_out.get() {
                            view! {
                                <div class="warning" role="alert">
                                    <p>
                                        {if waiting > 0 {
                                            format!("{} on this device have not reached the server. Signing out deletes them for good.", changes_label(waiting))
                                        } else {
                                            "Signing out removes your agenda from this device. It stays on the server.".to_owned()
                                        }}
                                    </p>
                                    <button type="button" class="danger" data-action="confirm-sign-out" on:click=sign_out>"Sign out and delete"</button>
                                    <button type="button" on:click=move |_| confirm_sign_out.set(false)>"Stay signed in"</button>
                                </div>
                            }.into_any()
                        } else {
                            view! { <button type="button" data-action="sign-out" on:click=move |_| confirm_sign_out.set(true)>"Sign out"</button> }.into_any()
                        }}
                        <p class="form-error" role="alert">{move || sign_out_error.get()}</p>
                    }.into_any()
                }
            }}
        </section>
    }
}
