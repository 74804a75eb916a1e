//! The client: what a page can change ([`actions`], on both sides: on the
//! server, where pages are rendered and never clicked, each action is
//! inert) and, in the browser only, the local store (IndexedDB), the sync
//! loop and the service worker's registration. Pages never talk to the
//! network; they read signals that this module fills from the local store,
//! and change things through [`actions`], which write the outbox first.
//!
//! Only one tab syncs at a time: each tab asks for the Web Lock
//! `hallpass-sync` and the one holding it runs the loop until it closes.
//! Tabs tell each other about local changes on the BroadcastChannel
//! `hallpass`; a tab hearing one re-reads the store, and the syncing tab
//! syncs.

pub mod actions;
#[cfg(any(feature = "browser", test))]
mod backoff;
#[cfg(feature = "browser")]
pub mod camera;
#[cfg(feature = "browser")]
mod idb;
#[cfg(feature = "browser")]
mod local;
#[cfg(feature = "browser")]
mod sync;

#[cfg(feature = "browser")]
pub use local::{register_service_worker, start};
#[cfg(feature = "browser")]
use local::{show_local, sleep, store, tell_other_tabs};

/// How long a request to the server may go unanswered before it counts as
/// failed, like a network error. A venue's Wi-Fi can take a request and
/// never answer it (an access point with no way out, a captive portal)
/// while the browser still says it is online: without a deadline the sync
/// would wait on that request until TCP gave up, many minutes later, and
/// send nothing meanwhile. Generous all the same: the server answers a push
/// in milliseconds, a page of a pull is at most a few hundred kilobytes
/// compressed, and the server gives up on a request itself after 30 s
/// (docs/PROTOCOL.md, `timeout`), an answer this one waits to hear.
#[cfg(feature = "browser")]
const ANSWER_MS: u32 = 40_000;

/// `request`, given up after [`ANSWER_MS`] (the wait for the answer's body
/// included): its `send()` or body then fails as if the network had. An
/// `AbortController` and a timer, not `AbortSignal.timeout()`, which
/// Safari has only since 16: the Web Locks the sync already needs came
/// in 15.4.
#[cfg(feature = "browser")]
fn in_time(request: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
    use wasm_bindgen::JsCast;
    let (Ok(controller), Some(window)) = (web_sys::AbortController::new(), web_sys::window())
    else {
        return request;
    };
    let signal = controller.signal();
    // Aborting a request that was answered in time does nothing.
    let give_up = wasm_bindgen::closure::Closure::once_into_js(move || controller.abort());
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        give_up.unchecked_ref(),
        ANSWER_MS as i32,
    );
    request.abort_signal(Some(&signal))
}
