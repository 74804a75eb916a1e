//! Always visible: whether what the device shows is current, and since when.

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::client::actions;
use crate::domain::session::clock_label;
use crate::state::{AppState, SyncProblem};

/// `10:42 AM` on the conference clock for a time in milliseconds since 1970.
pub fn time_label(ms: f64, state: &AppState) -> String {
    let nanos = (ms * 1_000_000.0) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .map(|t| clock_label(t.to_offset(state.conference_offset())))
        .unwrap_or_default()
}

/// `1 change`, `3 changes`.
pub fn changes_label(n: usize) -> String {
    if n == 1 {
        "1 change".to_owned()
    } else {
        format!("{n} changes")
    }
}

/// The badge's state (for styling) and words.
fn describe(state: &AppState) -> (&'static str, String) {
    if !state.loaded.get() {
        return ("loading", "Opening…".to_owned());
    }
    let sync = state.sync.get();
    let waiting = state.outbox.with(Vec::len);
    let since = sync
        .last_synced_ms
        .map(|ms| format!("Last synced {}", time_label(ms, state)));
    if sync.busy && waiting > 0 {
        return ("busy", format!("Sending {}…", changes_label(waiting)));
    }
    if sync.busy {
        return ("busy", "Syncing…".to_owned());
    }
    match (sync.problem, since) {
        (Some(SyncProblem::Storage(message)), _) => {
            ("error", format!("Cannot save on this device: {message}"))
        }
        (Some(SyncProblem::SignedOut), _) => (
            "error",
            if waiting > 0 {
                format!("Sign in again · {} waiting", changes_label(waiting))
            } else {
                "Sign in again".to_owned()
            },
        ),
        (Some(SyncProblem::Outdated), _) => (
            "error",
            if waiting > 0 {
                format!(
                    "Reload Hallpass to sync · {} waiting",
                    changes_label(waiting)
                )
            } else {
                "Reload Hallpass to sync".to_owned()
            },
        ),
        (Some(SyncProblem::Offline), _) if waiting > 0 => (
            "offline",
            format!(
                "Offline · {} waiting, saved on this device",
                changes_label(waiting)
            ),
        ),
        (Some(SyncProblem::Offline), Some(since)) => ("offline", format!("Offline · {since}")),
        (Some(SyncProblem::Offline), None) => ("offline", "Offline · not synced yet".to_owned()),
        (Some(SyncProblem::Server(message)), _) => ("error", format!("Sync problem: {message}")),
        (None, _) if waiting > 0 => (
            "pending",
            format!("{} waiting · saved on this device", changes_label(waiting)),
        ),
        (None, Some(since)) => ("ok", format!("Saved on this device · {since}")),
        (None, None) => ("ok", "Saved on this device".to_owned()),
    }
}

/// Always visible in the header; a tap syncs now (or reloads, when only
/// a reload can bring the sync's code).
#[component]
pub fn SyncBadge() -> impl IntoView {
    let state = AppState::get();
    let text = Memo::new(move |_| describe(&state));
    // The sync's code is missing: only a reload brings it.
    let reloads = move || {
        state
            .sync
            .with(|s| s.problem == Some(SyncProblem::Outdated))
    };
    view! {
        <button
            type="button"
            class="sync-badge"
            data-state=move || text.get().0
            aria-live="polite"
            title=move || if reloads() { "Reload Hallpass" } else { "Sync now" }
            on:click=move |_| {
                if reloads() {
                    actions::reload();
                } else {
                    actions::sync_now(state);
                }
            }
        >
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-text">{move || text.get().1}</span>
        </button>
    }
}
