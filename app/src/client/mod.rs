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
