//! Browser-only: the local store (IndexedDB), the sync loop, and the service
//! worker's registration. Pages never talk to the network; they read signals
//! that this module fills from the local store.

mod idb;
mod sync;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::domain::program::Listing;
use crate::protocol::SessionData;
use crate::state::{AppState, SyncProblem};

use idb::LocalStore;

/// After a failed sync, wait this long, doubling up to the ceiling.
const RETRY_FIRST_MS: u32 = 2_000;
const RETRY_MAX_MS: u32 = 5 * 60 * 1000;
/// After a good sync, look for program changes this often.
const REFRESH_MS: u32 = 2 * 60 * 1000;

/// Opens the local store, shows what it holds, then keeps it in sync:
/// at once, when the browser comes back online, on demand, and on a timer
/// that backs off (with jitter) while the server cannot be reached.
pub fn start(state: AppState) {
    spawn_local(async move {
        let store = match LocalStore::open().await {
            Ok(store) => store,
            Err(e) => {
                state
                    .sync
                    .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())));
                state.loaded.set(true);
                return;
            }
        };
        show_local(&store, state).await;
        state.loaded.set(true);

        // Coming back online, or back to the foreground (phones freeze
        // background tabs, and iOS has no Background Sync), syncs at once.
        let wake = RwSignal::new(0u32);
        let on_wake = Closure::<dyn Fn()>::new(move || wake.update(|n| *n += 1));
        if let Some(window) = web_sys::window() {
            let callback = on_wake.as_ref().unchecked_ref();
            let _ = window.add_event_listener_with_callback("online", callback);
            let _ = window.add_event_listener_with_callback("visibilitychange", callback);
        }
        on_wake.forget(); // lives as long as the page

        let mut backoff = RETRY_FIRST_MS;
        loop {
            let wait = if sync_once(&store, state).await {
                backoff = RETRY_FIRST_MS;
                REFRESH_MS
            } else {
                let wait = jitter(backoff);
                backoff = (backoff * 2).min(RETRY_MAX_MS);
                wait
            };
            wait_for_wake(wait, wake, state.sync_requested).await;
        }
    });
}

async fn show_local(store: &LocalStore, state: AppState) {
    match store.sessions().await {
        Ok(sessions) => state.listings.set(to_listings(sessions)),
        Err(e) => state
            .sync
            .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string()))),
    }
    if let Ok(meta) = store.meta().await {
        state
            .sync
            .update(|s| s.last_synced_ms = meta.last_synced_ms);
    }
}

fn to_listings(sessions: Vec<SessionData>) -> Vec<Listing> {
    // A row the domain refuses would be a server bug; skip it rather than
    // hide the whole program.
    sessions
        .into_iter()
        .filter_map(|data| Listing::try_from(data).ok())
        .collect()
}

async fn sync_once(store: &LocalStore, state: AppState) -> bool {
    state.sync.update(|s| s.busy = true);
    let outcome = sync::pull_all(store).await;
    let ok = outcome.is_ok();
    match outcome {
        Ok(changed) => {
            if changed {
                show_local(store, state).await;
            }
            let now = js_sys::Date::now();
            if let Err(e) = store.mark_synced(now).await {
                leptos::logging::warn!("could not record the sync time: {e}");
            }
            state.sync.update(|s| {
                s.problem = None;
                s.last_synced_ms = Some(now);
            });
        }
        Err(sync::SyncError::Offline) => state
            .sync
            .update(|s| s.problem = Some(SyncProblem::Offline)),
        Err(sync::SyncError::Server(message)) => state
            .sync
            .update(|s| s.problem = Some(SyncProblem::Server(message))),
        Err(sync::SyncError::Storage(message)) => state
            .sync
            .update(|s| s.problem = Some(SyncProblem::Storage(message))),
    }
    state.sync.update(|s| s.busy = false);
    ok
}

fn jitter(ms: u32) -> u32 {
    let spread = (js_sys::Math::random() * f64::from(ms) * 0.3) as u32;
    ms - ms * 15 / 100 + spread
}

/// Resolves after `ms`, or earlier when the browser comes back online or
/// the person asks for a sync.
async fn wait_for_wake(ms: u32, wake: RwSignal<u32>, requested: RwSignal<u32>) {
    const TICK_MS: u32 = 250;
    let start = (wake.get_untracked(), requested.get_untracked());
    let mut waited = 0;
    while waited < ms && (wake.get_untracked(), requested.get_untracked()) == start {
        sleep(TICK_MS).await;
        waited += TICK_MS;
    }
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Installs the service worker that keeps the app usable offline. Failure
/// only costs offline use, so it is logged, not shown.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let promise = container.register("/sw.js");
    spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            leptos::logging::warn!("service worker not registered: {e:?}");
        }
    });
}
