//! Always visible: whether what the device shows is current, and since when.

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::domain::session::clock_label;
use crate::state::{AppState, SyncProblem};

/// `10:42 AM` on the conference clock for a time in milliseconds since 1970.
pub fn time_label(ms: f64, state: &AppState) -> String {
    let nanos = (ms * 1_000_000.0) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .map(|t| clock_label(t.to_offset(state.conference_offset())))
        .unwrap_or_default()
}

#[component]
pub fn SyncBadge() -> impl IntoView {
    let state = AppState::get();
    let text = move || {
        if !state.loaded.get() {
            return ("loading", "Opening…".to_owned());
        }
        let sync = state.sync.get();
        let since = sync
            .last_synced_ms
            .map(|ms| format!("Last synced {}", time_label(ms, &state)));
        if sync.busy {
            return ("busy", "Syncing…".to_owned());
        }
        match (sync.problem, since) {
            (Some(SyncProblem::Offline), Some(since)) => ("offline", format!("Offline · {since}")),
            (Some(SyncProblem::Offline), None) => {
                ("offline", "Offline · not synced yet".to_owned())
            }
            (Some(SyncProblem::Server(message)), _) => {
                ("error", format!("Sync problem: {message}"))
            }
            (Some(SyncProblem::Storage(message)), _) => {
                ("error", format!("Cannot save on this device: {message}"))
            }
            (None, Some(since)) => ("ok", format!("Saved on this device · {since}")),
            (None, None) => ("ok", "Saved on this device".to_owned()),
        }
    };
    view! {
        <button
            type="button"
            class="sync-badge"
            data-state=move || text().0
            aria-live="polite"
            title="Sync now"
            on:click=move |_| state.sync_requested.update(|n| *n += 1)
        >
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-text">{move || text().1}</span>
        </button>
    }
}
