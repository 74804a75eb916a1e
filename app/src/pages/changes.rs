//! Sync and changes: what is waiting on this device, what the server
//! refused and why, and the account (with sign-out, which warns first when
//! changes have not reached the server).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::sync_badge::{changes_label, time_label};
use crate::device::Holder;
use crate::domain::ops::Operation;
use crate::domain::text::escape_html as escape;
use crate::protocol::Mutation;
use crate::state::{AccountView, AppState};

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

/// Who is signed in, and the sign-out flow (`confirming`: asked to be sure).
fn account_html(state: &AppState, confirming: bool) -> String {
    match state.account.get() {
        None => r#"<p><a href="/signin">Sign in</a> to register for sessions.</p>"#.to_owned(),
        Some(AccountView {
            holder: Holder::Kiosk(k),
            ..
        }) => format!(
            r#"<p>This device is the check-in kiosk <strong>{}</strong>. <a href="/kiosk">Unpair it on the check-in page</a>.</p>"#,
            escape(&k.name)
        ),
        Some(AccountView {
            holder: Holder::Attendee(a),
            ..
        }) => {
            let mut html = format!(
                "<p>Signed in as <strong>{} {}</strong> (badge {}).</p>",
                escape(&a.first_name),
                escape(&a.last_name),
                escape(&a.badge_code)
            );
            if confirming {
                let waiting = state.outbox.with(Vec::len);
                let warning = if waiting > 0 {
                    format!(
                        "{} on this device have not reached the server. Signing out deletes them for good.",
                        changes_label(waiting)
                    )
                } else {
                    "Signing out removes your agenda from this device. It stays on the server."
                        .to_owned()
                };
                html += &format!(
                    r#"<div class="warning" role="alert"><p>{warning}</p><button type="button" class="danger" data-action="confirm-sign-out">Sign out and delete</button><button type="button" data-action="stay">Stay signed in</button></div>"#
                );
            } else {
                html += r#"<button type="button" data-action="sign-out">Sign out</button>"#;
            }
            html
        }
    }
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let state = AppState::get();
    let confirm_sign_out = RwSignal::new(false);
    let sign_out_error = RwSignal::new(None::<String>);
    // One handler for every button of the page, by its data attributes.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = crate::components::clicked(&ev, "button") else {
            return;
        };
        if let Some(seq) = button
            .get_attribute("data-dismiss")
            .and_then(|seq| seq.parse::<u64>().ok())
        {
            state.dismiss(seq);
            return;
        }
        match button.get_attribute("data-action").as_deref() {
            Some("sync-now") => state.sync_now(),
            Some("sign-out") => confirm_sign_out.set(true),
            Some("stay") => confirm_sign_out.set(false),
            Some("confirm-sign-out") => {
                confirm_sign_out.set(false);
                #[cfg(feature = "hydrate")]
                leptos::task::spawn_local(async move {
                    sign_out_error.set(crate::client::actions::sign_out(state).await.err());
                });
            }
            _ => {}
        }
    };
    // Drawn as escaped markup: one string view per region costs the bundle
    // far less than a view per row or per state (see BENCHMARKS.md).
    let lists = move || {
        if !state.loaded.get() {
            return r#"<p class="placeholder" role="status">Opening…</p>"#.to_owned();
        }
        let last = state
            .sync
            .with(|s| s.last_synced_ms)
            .map(|ms| time_label(ms, &state));
        format!(
            r#"<p class="sync-summary">{}<button type="button" data-action="sync-now">Sync now</button></p>{}{}"#,
            match last {
                Some(t) => format!("Last synced at {t}. "),
                None => "Not synced yet. ".to_owned(),
            },
            pending_html(&state),
            rejected_html(&state)
        )
    };
    view! {
        <Title text="Sync and changes"/>
        <section class="page changes" on:click=on_click>
            <h1>"Sync and changes"</h1>
            <div inner_html=lists></div>
            <h2>"Account"</h2>
            <div inner_html=move || account_html(&state, confirm_sign_out.get())></div>
            <p class="form-error" role="alert">{move || sign_out_error.get()}</p>
        </section>
    }
}
