//! What the pages show, held in signals: the program as the device knows it,
//! the filters, and the state of sync. On the server, and in the browser
//! until the app has mounted and read the local store, nothing is loaded;
//! pages then render a placeholder that is the same for every URL, which is
//! what lets one cached page serve every session offline.

use leptos::prelude::*;
use time::UtcOffset;

use crate::domain::program::{Listing, ProgramFilter};

/// Why the last sync did not finish.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncProblem {
    /// No connection (or the server did not answer): everything is kept on
    /// the device and sync resumes when the network returns.
    Offline,
    /// The server answered with an error.
    Server(String),
    /// The browser could not open or write its local store.
    Storage(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncView {
    pub busy: bool,
    /// Milliseconds since 1970 of the last complete sync.
    pub last_synced_ms: Option<f64>,
    pub problem: Option<SyncProblem>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub listings: RwSignal<Vec<Listing>>,
    /// False until the local store has been read in the browser.
    pub loaded: RwSignal<bool>,
    pub filter: RwSignal<ProgramFilter>,
    pub sync: RwSignal<SyncView>,
    /// Asks the sync loop to run now.
    pub sync_requested: RwSignal<u32>,
}

impl AppState {
    pub fn provide() -> Self {
        let state = AppState {
            listings: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            filter: RwSignal::new(ProgramFilter::default()),
            sync: RwSignal::new(SyncView::default()),
            sync_requested: RwSignal::new(0),
        };
        provide_context(state);
        state
    }

    pub fn get() -> Self {
        expect_context::<AppState>()
    }

    /// The conference's own clock: the offset the program's times carry.
    pub fn conference_offset(&self) -> UtcOffset {
        self.listings
            .with(|l| l.first().map(|l| l.session.slot.starts().offset()))
            .unwrap_or(UtcOffset::UTC)
    }
}
