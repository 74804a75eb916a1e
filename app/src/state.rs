//! What the pages show, held in signals: the program and my registrations
//! as the device knows them, the outbox, the filters, and the state of
//! sync. On the server, and in the browser until the app has mounted and
//! read the local store, nothing of the device is loaded: pages show the
//! program the server rendered into the page ([`ServerProgram`]) and a
//! placeholder for everything else.
//!
//! Signals and what is read off them, nothing else: pages change things
//! through `client::actions`.

use leptos::prelude::*;
use time::{OffsetDateTime, UtcOffset};

use crate::device::{Account, Rejected, me_of};
use crate::domain::agenda::{self, Known, Mine};
use crate::domain::ids::{RegistrationId, SessionId};
use crate::domain::logbook::{self, LogEntry};
use crate::domain::ops::Operation;
use crate::domain::program::{Listing, ProgramFilter};
use crate::domain::registration::{self, Held, Placement, Refusal, Target};
use crate::domain::roster::Roster;
use crate::protocol::{CheckinData, MentoringEntryData, Mutation, RegistrationData, SessionData};

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
    /// The server no longer accepts this device's sign-in.
    SignedOut,
    /// The sync's own code (a chunk of the bundle) could not be fetched
    /// while the browser was online: this tab runs a build the server and
    /// the service worker have since replaced, or the worker had not
    /// saved it yet. Reloading runs the build installed now.
    Outdated,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncView {
    pub busy: bool,
    /// Milliseconds since 1970 of the last complete sync.
    pub last_synced_ms: Option<f64>,
    pub problem: Option<SyncProblem>,
}

/// Who holds a seat in a session and who waits, for session-room check-in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Room {
    pub session_id: String,
    pub confirmed: Vec<String>,
    pub waitlisted: Vec<String>,
}

/// What a kiosk holds besides the program: empty on attendees' phones
/// but for their own check-ins.
#[derive(Clone, Copy)]
pub struct KioskState {
    pub roster: RwSignal<Roster>,
    /// Check-ins as last pulled (every kiosk's on a kiosk, my own on a
    /// phone), and a kiosk's own once the server has answered for them.
    pub checkins: RwSignal<Vec<CheckinData>>,
    pub rooms: RwSignal<Vec<Room>>,
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
    pub account: RwSignal<Option<Account>>,
    pub registrations: RwSignal<Vec<RegistrationData>>,
    pub outbox: RwSignal<Vec<Mutation>>,
    pub rejected: RwSignal<Vec<Rejected>>,
    /// My registrations: the server's word with the outbox laid over it.
    pub mine: Memo<Vec<Mine>>,
    /// A message about the last thing the person tried, if it failed.
    pub notice: RwSignal<Option<String>>,
    pub kiosk: KioskState,
    /// Mentoring entries as last pulled.
    pub entries: RwSignal<Vec<MentoringEntryData>>,
    /// My mentoring log: the entries with the outbox laid over them.
    pub log: Memo<Vec<LogEntry>>,
}

/// The program as the server had it when it rendered the page: the public
/// scope a pull without a token returns. The server renders the program
/// and the session pages with it, so they paint before any code runs; the
/// browser starts from the same rows (read from the page), so the first
/// frame the app draws is the page the server sent, until the device's own
/// copy is read. Shared, not copied: the rendering, the app's state and a
/// device's first store all read the one list.
#[derive(Debug, Clone, Default)]
pub struct ServerProgram(pub std::sync::Arc<[SessionData]>);

impl AppState {
    pub fn provide() -> Self {
        let listings = RwSignal::new(
            use_context::<ServerProgram>()
                .map(|program| crate::protocol::listings(program.0.iter().cloned()))
                .unwrap_or_default(),
        );
        let registrations = RwSignal::new(Vec::<RegistrationData>::new());
        let outbox = RwSignal::new(Vec::<Mutation>::new());
        let mine = Memo::new(move |_| {
            let known: Vec<Known> =
                registrations.with(|rows| rows.iter().filter_map(known).collect());
            let queued: Vec<Operation> = outbox.with(|q| {
                q.iter()
                    .filter_map(|m| Operation::parse(&m.op, &m.args).ok())
                    .collect()
            });
            listings.with(|l| agenda::overlay(&known, &queued, |id| expected(l, id)))
        });
        let entries = RwSignal::new(Vec::<MentoringEntryData>::new());
        let account = RwSignal::new(None::<Account>);
        let log = Memo::new(move |_| {
            let Some(me) = account.with(|a| a.as_ref().and_then(|a| a.attendee().map(me_of)))
            else {
                return Vec::new();
            };
            let queued: Vec<(Operation, String)> = outbox.with(|q| {
                q.iter()
                    .filter(|m| m.op.starts_with("mentoring."))
                    .filter_map(|m| Some((Operation::parse(&m.op, &m.args).ok()?, m.at.clone())))
                    .collect()
            });
            entries.with(|rows| logbook::overlay(rows, &queued, &me))
        });
        let state = AppState {
            listings,
            loaded: RwSignal::new(false),
            filter: RwSignal::new(ProgramFilter::default()),
            sync: RwSignal::new(SyncView::default()),
            sync_requested: RwSignal::new(0),
            account,
            registrations,
            outbox,
            rejected: RwSignal::new(Vec::new()),
            mine,
            notice: RwSignal::new(None),
            kiosk: KioskState {
                roster: RwSignal::new(Roster::default()),
                checkins: RwSignal::new(Vec::new()),
                rooms: RwSignal::new(Vec::new()),
            },
            entries,
            log,
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

    /// What the server will most likely say to registering for `session_id`
    /// now, by the same rules it uses, on what this device last synced.
    pub fn check_register(&self, session_id: &str) -> Result<Placement, Refusal> {
        let Ok(id) = SessionId::parse(session_id) else {
            return Err(Refusal::UnknownSession);
        };
        self.listings.with(|listings| {
            let target = listings
                .iter()
                .find(|l| l.id == session_id)
                .map(|l| Target {
                    id: id.clone(),
                    title: l.session.title.clone(),
                    slot: l.session.slot,
                    capacity: l.session.capacity,
                    confirmed: l.confirmed,
                    waitlisted: l.waitlisted,
                });
            let held: Vec<Held> = self.mine.with(|mine| {
                mine.iter()
                    .filter(|m| m.standing.holds_place())
                    .filter_map(|m| {
                        let l = listings.iter().find(|l| l.id == m.session_id.as_str())?;
                        Some(Held {
                            session_id: m.session_id.clone(),
                            title: l.session.title.clone(),
                            slot: l.session.slot,
                        })
                    })
                    .collect()
            });
            registration::decide_create(target.as_ref(), &held, now())
        })
    }

    /// The latest refusal of registering for this session, if nothing
    /// since has placed me in it.
    pub fn refusal_for(&self, session_id: &str) -> Option<Rejected> {
        self.rejected.with(|r| {
            r.iter()
                .rev()
                .find(|r| {
                    matches!(
                        Operation::parse(&r.mutation.op, &r.mutation.args),
                        Ok(Operation::RegistrationCreate { session_id: s, .. }) if s.as_str() == session_id
                    )
                })
                .cloned()
        })
    }
}

fn known(row: &RegistrationData) -> Option<Known> {
    Some(Known {
        id: RegistrationId::parse(&row.id).ok()?,
        session_id: SessionId::parse(&row.session_id).ok()?,
        status: row.status,
        position: row.position,
    })
}

fn expected(listings: &[Listing], id: &SessionId) -> Placement {
    listings
        .iter()
        .find(|l| l.id == id.as_str())
        .map_or(Placement::Confirmed, |l| {
            registration::placement(l.session.capacity, l.confirmed, l.waitlisted)
        })
}

/// The device's clock, for the rules that depend on time.
pub fn now() -> OffsetDateTime {
    #[cfg(feature = "browser")]
    {
        let ms = js_sys::Date::now();
        OffsetDateTime::from_unix_timestamp_nanos((ms * 1_000_000.0) as i128)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
    #[cfg(not(feature = "browser"))]
    OffsetDateTime::now_utc()
}
