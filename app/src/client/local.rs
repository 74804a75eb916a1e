//! The device's side of the client: the local store opened and shown, the
//! sync loop in the tab holding the lock, the other tabs told, the service
//! worker registered.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::device::{AccountHint, Holder};
use crate::domain::roster::Roster;
use crate::protocol::{SessionData, listings};
use crate::state::{AppState, Room, SyncProblem};

use super::backoff::Backoff;
use super::idb::{self, LocalStore};
use super::{actions, sync};

/// After a good sync, look for changes this often.
const REFRESH_MS: u32 = 60 * 1000;
/// A burst of taps is sent as one push: sync waits this long after a wake.
const DEBOUNCE_MS: u32 = 200;
const LOCK_NAME: &str = "hallpass-sync";
const CHANNEL_NAME: &str = "hallpass";

thread_local! {
    static STORE: RefCell<Option<Rc<LocalStore>>> = const { RefCell::new(None) };
    /// While this page holds the sync lock: the function that releases it.
    static LEADING: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    static CHANNEL: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
}

pub(super) fn store() -> Option<Rc<LocalStore>> {
    STORE.with(|s| s.borrow().clone())
}

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks.request(name, callback)`; throws where the browser
    /// has no Web Locks.
    #[wasm_bindgen(js_namespace = ["navigator", "locks"], js_name = request, catch)]
    fn request_lock(name: &str, callback: &js_sys::Function) -> Result<js_sys::Promise, JsValue>;
}

/// Opens the local store, shows what it holds, then keeps it in sync (in
/// the one tab holding the sync lock).
pub fn start(state: AppState) {
    let server_program = use_context::<crate::state::ServerProgram>();
    spawn_local(async move {
        let store = match LocalStore::open().await {
            Ok(store) => Rc::new(store),
            Err(e) => {
                state
                    .sync
                    .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())));
                state.loaded.set(true);
                return;
            }
        };
        STORE.with(|s| *s.borrow_mut() = Some(Rc::clone(&store)));
        if let Some(program) = server_program
            && let Err(e) = store.keep_server_program(&program.0).await
        {
            leptos::logging::warn!("could not keep the page's program on this device: {e}");
        }
        show_local(&store, state).await;
        state.loaded.set(true);
        listen_to_other_tabs(state);
        listen_for_wake(state);
        if state.account.with_untracked(Option::is_some) {
            actions::ask_persistent_storage();
        }
        step_aside_when_hidden(Rc::clone(&store), state);
        lead_when_allowed(store, state);
    });
}

/// Runs the sync loop once this tab holds the sync lock (at once where the
/// browser has no Web Locks).
fn lead_when_allowed(store: Rc<LocalStore>, state: AppState) {
    let callback = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_lock| {
        // Settles when the page is put away (below): the lock is held for
        // as long as this page is alive and shown.
        let held = js_sys::Promise::new(&mut |resolve, _| {
            LEADING.with(|l| *l.borrow_mut() = Some(resolve));
        });
        spawn_local(lead(Rc::clone(&store), state));
        held
    });
    let requested = request_lock(LOCK_NAME, callback.as_ref().unchecked_ref());
    if requested.is_err() {
        let _ = callback
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .call1(&JsValue::NULL, &JsValue::NULL);
    }
    callback.forget(); // lives as long as the page
}

/// A page going into the back/forward cache keeps its JavaScript state but
/// runs nothing: holding the sync lock there would stop every other tab
/// (and the page that replaced it) from syncing. So the lock is given up on
/// `pagehide` and asked for again on `pageshow`.
fn step_aside_when_hidden(store: Rc<LocalStore>, state: AppState) {
    let on_hide = Closure::<dyn Fn()>::new(|| {
        if let Some(release) = LEADING.with(|l| l.borrow_mut().take()) {
            let _ = release.call0(&JsValue::NULL);
        }
    });
    let on_show = Closure::<dyn Fn(web_sys::PageTransitionEvent)>::new(
        move |event: web_sys::PageTransitionEvent| {
            if event.persisted() && !is_leading() {
                lead_when_allowed(Rc::clone(&store), state);
            }
        },
    );
    if let Some(window) = web_sys::window() {
        let _ =
            window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
        let _ =
            window.add_event_listener_with_callback("pageshow", on_show.as_ref().unchecked_ref());
    }
    on_hide.forget();
    on_show.forget();
}

fn is_leading() -> bool {
    LEADING.with(|l| l.borrow().is_some())
}

/// Syncs for as long as this page holds the sync lock. The sync's code
/// (push, pull, the verdicts settled, the log sent again) is a chunk of its
/// own (`cargo leptos build --split`), fetched once the page is already
/// interactive: the program a phone opens first does not wait for it
/// (BENCHMARKS.md). The service worker precaches it with every other
/// chunk. One that cannot be fetched (a first visit cut off before the
/// worker had it) is asked for again, as a failed sync would be.
async fn lead(store: Rc<LocalStore>, state: AppState) {
    let mut backoff = Backoff::default();
    while is_leading() {
        match sync_loop(Rc::clone(&store), state).await {
            Ok(()) => return,
            Err(e) => {
                leptos::logging::warn!("the sync's code could not be fetched: {e}");
                // Offline, it waits for the network like any round; online,
                // only a reload brings the code (it is still asked for
                // again, in case the network was at fault).
                let problem = if browser_offline() {
                    SyncProblem::Offline
                } else {
                    SyncProblem::Outdated
                };
                state.sync.update(|s| s.problem = Some(problem));
                sleep(backoff.after_failure(js_sys::Math::random())).await;
            }
        }
    }
}

/// The sync loop itself, until this page stops leading.
#[leptos::lazy(fallible)]
async fn sync_loop(
    store: Rc<LocalStore>,
    state: AppState,
) -> Result<(), leptos::wasm_split::SplitLoaderError> {
    let mut backoff = Backoff::default();
    while is_leading() {
        // Read before the round: a request made while it runs (a tap, a
        // pairing) must wake the next wait at once, not be lost in it.
        let seen = state.sync_requested.get_untracked();
        let wait = if sync_once(&store, state).await {
            backoff.reset();
            REFRESH_MS
        } else {
            backoff.after_failure(js_sys::Math::random())
        };
        if browser_offline() {
            // No network, by the browser's own word: a change made now
            // cannot be sent, so it does not start a round (each reads
            // the whole store; on a kiosk offline it ran after every scan,
            // in the middle of the next ones). Going online does, and the
            // backoff's timer still tries, in case the browser is wrong.
            wait_until(wait, || !browser_offline()).await;
        } else {
            wait_until(wait, || state.sync_requested.get_untracked() != seen).await;
        }
        sleep(DEBOUNCE_MS).await;
    }
    Ok(())
}

/// Coming back online, or back to the foreground (phones freeze background
/// tabs, and iOS has no Background Sync), syncs at once.
fn listen_for_wake(state: AppState) {
    let on_wake = Closure::<dyn Fn()>::new(move || state.sync_requested.update(|n| *n += 1));
    if let Some(window) = web_sys::window() {
        let callback = on_wake.as_ref().unchecked_ref();
        let _ = window.add_event_listener_with_callback("online", callback);
        let _ = window.add_event_listener_with_callback("visibilitychange", callback);
    }
    on_wake.forget(); // lives as long as the page
}

fn listen_to_other_tabs(state: AppState) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL_NAME) else {
        return;
    };
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| {
        spawn_local(async move {
            if let Some(store) = store() {
                store.mark_all_changed();
                show_local(&store, state).await;
            }
            state.sync_requested.update(|n| *n += 1);
        });
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    CHANNEL.with(|c| *c.borrow_mut() = Some(channel));
}

/// Tells the other tabs that the local store changed.
pub(super) fn tell_other_tabs() {
    CHANNEL.with(|c| {
        if let Some(channel) = c.borrow().as_ref() {
            let _ = channel.post_message(&JsValue::from_str("changed"));
        }
    });
}

/// Keeps the server's hint of whether this device holds an account
/// ([`AccountHint`]) in step with the store, which has the last word.
/// When it changes (signed in, paired, signed out), the service worker's
/// copies of the pages were rendered with the old hint: it fetches them
/// again, so that a kiosk paired since it last opened `/kiosk` online does
/// not open on the pairing form offline (public/sw.js, `account-changed`).
fn remember(hint: AccountHint) {
    let Ok(page) = document().dyn_into::<web_sys::HtmlDocument>() else {
        return;
    };
    let kept = page.cookie().map(|c| AccountHint::in_cookies(&c));
    if kept == Ok(hint) {
        return;
    }
    let _ = page.set_cookie(&hint.cookie());
    // `ready`, not the controller: a worker still installing (on a first
    // visit) cached its pages before the cookie changed.
    let Some(ready) = web_sys::window().and_then(|w| w.navigator().service_worker().ready().ok())
    else {
        return;
    };
    spawn_local(async move {
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
        if let Some(worker) = registration.active() {
            let _ = worker.post_message(&JsValue::from_str("account-changed"));
        }
    });
}

/// Reads everything the pages show from the local store into the signals.
pub(super) async fn show_local(store: &LocalStore, state: AppState) {
    let _turn = store.showing.lock().await;
    let problem = |e: idb::StoreError| {
        state
            .sync
            .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())))
    };
    let meta = store.meta().await;
    match store.sessions().await {
        Ok(sessions) => {
            set_if_changed(state.kiosk.rooms, to_rooms(&sessions));
            // A device that has never pulled may hold no program of its
            // own (the page's could not be kept, `keep_server_program`):
            // the one the server rendered into the page then stays until
            // the first pull brings the device's copy.
            let never_pulled = matches!(&meta, Ok(m) if m.cursor.is_none());
            if !(sessions.is_empty() && never_pulled) {
                set_if_changed(state.listings, listings(sessions));
            }
        }
        Err(e) => problem(e),
    }
    let kiosk = match store.account().await {
        Ok(account) => {
            let kiosk = matches!(&account, Some(a) if matches!(a.holder, Holder::Kiosk(_)));
            remember(AccountHint::of(account.as_ref()));
            set_if_changed(state.account, account);
            kiosk
        }
        Err(e) => {
            problem(e);
            false
        }
    };
    if kiosk {
        show_kiosk(store, state).await.unwrap_or_else(problem);
    } else {
        // A phone's own check-ins (for the growth record) and mentoring log.
        match store.checkins().await {
            Ok(rows) => set_if_changed(state.kiosk.checkins, rows),
            Err(e) => problem(e),
        }
        match store.mentoring().await {
            Ok(rows) => set_if_changed(state.entries, rows),
            Err(e) => problem(e),
        }
    }
    match store.registrations().await {
        Ok(rows) => set_if_changed(state.registrations, rows),
        Err(e) => problem(e),
    }
    match store.outbox().await {
        Ok(rows) => set_if_changed(state.outbox, rows),
        Err(e) => problem(e),
    }
    match store.rejected().await {
        Ok(rows) => set_if_changed(state.rejected, rows),
        Err(e) => problem(e),
    }
    if let Ok(meta) = meta {
        state
            .sync
            .update(|s| s.last_synced_ms = meta.last_synced_ms);
    }
}

/// A kiosk's roster and check-ins. The roster is indexed again only when
/// its rows changed: a kiosk holds thousands.
async fn show_kiosk(store: &LocalStore, state: AppState) -> Result<(), idb::StoreError> {
    // A failed read is tried again next time.
    let retry = |e| {
        store.mark_all_changed();
        e
    };
    if store.take_roster_changed() {
        let people = store.attendees().await.map_err(retry)?;
        if state
            .kiosk
            .roster
            .with_untracked(|r| !r.holds_exactly(&people))
        {
            state.kiosk.roster.set(Roster::new(people));
        }
    }
    if store.take_checkins_changed() {
        set_if_changed(state.kiosk.checkins, store.checkins().await.map_err(retry)?);
    }
    Ok(())
}

/// Who holds a seat and who waits, per session: kiosks get the lists on
/// the session rows; phones get none, and no rooms.
fn to_rooms(sessions: &[SessionData]) -> Vec<Room> {
    sessions
        .iter()
        .filter(|s| s.confirmed_attendees.is_some() || s.waitlisted_attendees.is_some())
        .map(|s| Room {
            session_id: s.id.clone(),
            confirmed: s.confirmed_attendees.clone().unwrap_or_default(),
            waitlisted: s.waitlisted_attendees.clone().unwrap_or_default(),
        })
        .collect()
}

/// Sets the signal only when the value differs, so that a sync that
/// brought nothing new does not redraw (and reset) what the person is using.
fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|current| *current != value) {
        signal.set(value);
    }
}

async fn sync_once(store: &LocalStore, state: AppState) -> bool {
    state.sync.update(|s| s.busy = true);
    let outcome = sync_round(store).await;
    let ok = outcome.is_ok();
    match outcome {
        Ok(changed) => {
            let now = js_sys::Date::now();
            if let Err(e) = store.mark_synced(now).await {
                leptos::logging::warn!("could not record the sync time: {e}");
            }
            state.sync.update(|s| {
                s.problem = None;
                s.last_synced_ms = Some(now);
            });
            if changed {
                tell_other_tabs();
            }
        }
        Err(problem) => state.sync.update(|s| s.problem = Some(problem)),
    }
    // Whatever happened, show what the store now holds (verdicts that
    // arrived before a later failure included).
    show_local(store, state).await;
    state.sync.update(|s| s.busy = false);
    ok
}

/// Push, then pull: the pull then already carries the effects of the push.
async fn sync_round(store: &LocalStore) -> Result<bool, SyncProblem> {
    let account = store
        .account()
        .await
        .map_err(|e| SyncProblem::Storage(e.to_string()))?;
    let mut changed = false;
    let active = account.as_ref().filter(|a| !a.token_refused);
    // A pull can find that the server lost part of this device's log (it
    // was restored): that part is queued again, so push and pull once more.
    for _ in 0..3 {
        if let Some(account) = active {
            changed |= sync::push_all(store, account).await?;
        }
        let pulled = sync::pull_all(store, active).await?;
        changed |= pulled.changed;
        if pulled.requeued == 0 {
            break;
        }
    }
    if account.is_some_and(|a| a.token_refused) {
        return Err(SyncProblem::SignedOut);
    }
    Ok(changed)
}

/// Waits `ms`, or less once `woken` says so (asked every 100 ms), or
/// until this tab stops leading.
async fn wait_until(ms: u32, woken: impl Fn() -> bool) {
    const TICK_MS: u32 = 100;
    let mut waited = 0;
    while waited < ms && !woken() && is_leading() {
        sleep(TICK_MS).await;
        waited += TICK_MS;
    }
}

/// Whether the browser says it has no network at all. (It can say it has
/// one when it does not: a venue's Wi-Fi without a way out.)
fn browser_offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

pub(super) async fn sleep(ms: u32) {
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
