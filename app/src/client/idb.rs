//! The device's durable store: IndexedDB, never localStorage. One database,
//! `hallpass`, with one object store per kind of row:
//!
//! - `sessions`, `registrations`: the server's rows as last pulled;
//! - `attendees`: the same, on kiosks only (the roster);
//! - `checkins`: every kiosk's check-ins on a kiosk, my own on a phone;
//! - `mentoring`: my mentoring entries and those naming me, as last
//!   pulled (or as the server acknowledged them since);
//! - `outbox`: mutations not yet acknowledged, keyed by zero-padded seq so
//!   that key order is seq order;
//! - `sent`: every mutation the server acknowledged, keyed by device id and
//!   zero-padded seq. This is the device's log: when the server turns out
//!   to hold fewer of them (restored from an older copy), they go back to
//!   the outbox and are sent again (spec §4). Only signing out or
//!   unpairing deletes it;
//! - `rejected`: mutations the server refused, kept until dismissed;
//! - `meta`: the pull cursor and sync times (`sync`) and the device's
//!   account (an attendee or a kiosk) with the next seq (`account`).
//!
//! A change the person makes is written to the outbox, in one transaction
//! with the seq counter, before anything shows it. Transactions only ever
//! wait on IndexedDB requests: awaiting anything else inside one would let
//! the browser commit it early.

use std::cell::Cell;

use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use crate::device::{Account, Holder, Rejected, me_of};
use crate::domain::logbook;
use crate::domain::registration::Status;
use crate::domain::settle::{Settled, Signer, settle};
use crate::protocol::{
    AttendeeData, Change, CheckinData, Entity, MentoringEntryData, Mutation, MutationResult,
    PullResponse, RegistrationData, SessionData,
};

const DB_NAME: &str = "hallpass";
const DB_VERSION: u32 = 6;
const SESSIONS: &str = "sessions";
const REGISTRATIONS: &str = "registrations";
const ATTENDEES: &str = "attendees";
const CHECKINS: &str = "checkins";
const MENTORING: &str = "mentoring";
/// Everything that belongs to the signed-in holder, wiped with it.
const HOLDER_DATA: [&str; 5] = [REGISTRATIONS, ATTENDEES, CHECKINS, MENTORING, REJECTED];
const OUTBOX: &str = "outbox";
const SENT: &str = "sent";
const REJECTED: &str = "rejected";
const META: &str = "meta";
const SYNC_KEY: &str = "sync";
const ACCOUNT_KEY: &str = "account";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncMeta {
    pub cursor: Option<String>,
    pub last_synced_ms: Option<f64>,
}

/// One acknowledged mutation of the device's log, with the device id it
/// was sent as (a new sign-in is a new device with seqs from 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Logged {
    device_id: String,
    mutation: Mutation,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Idb(String),
    #[error("nobody is signed in on this device")]
    SignedOut,
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError::Idb(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError::Idb(e.to_string())
    }
}

/// Rows are kept as JSON text. The wire format needs `serde_json` in the
/// bundle anyway; storing JS objects would add a second serializer for
/// every row type (serde-wasm-bindgen), which the bundle budget cannot
/// afford.
fn encode<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Idb(e.to_string()))
}

/// One record by key; `None` when absent.
async fn read<T: for<'de> Deserialize<'de>>(
    store: &ObjectStore<'_>,
    key: &str,
) -> Result<Option<T>, StoreError> {
    let text: Option<String> = store.get(key).primitive()?.await?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Idb(e.to_string())))
        .transpose()
}

/// Every row of `store`, in the caller's transaction (so that what is read
/// and what is then written are one step for every other tab).
async fn read_all<T: for<'de> Deserialize<'de>>(
    store: &ObjectStore<'_>,
) -> Result<Vec<T>, StoreError> {
    let rows = store.get_all::<String>().primitive()?.await?;
    // A row this version cannot read is skipped, not fatal: the next
    // pull brings the server's copy.
    Ok(rows
        .filter_map(Result::ok)
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect())
}

/// The rows of `store` whose keys fall in `range`, in key order.
async fn read_range<T: for<'de> Deserialize<'de>>(
    store: &ObjectStore<'_>,
    range: std::ops::Range<String>,
) -> Result<Vec<T>, StoreError> {
    let rows = store
        .get_all::<String>()
        .with_query(range)
        .primitive()?
        .await?;
    Ok(rows
        .filter_map(Result::ok)
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect())
}

fn seq_key(seq: u64) -> String {
    format!("{seq:016}")
}

/// The key of a `rejected` row: its device's and seq's, as a `sent` row's,
/// so a device signed in again (its changes numbered from 1 again) cannot
/// replace an unread refusal with a new one. A refusal kept before rows
/// named their device keeps the key it was stored under, its seq alone.
fn rejected_key(r: &Rejected) -> String {
    if r.device_id.is_empty() {
        seq_key(r.mutation.seq)
    } else {
        sent_key(&r.device_id, r.mutation.seq)
    }
}

/// The key of a `sent` row: by device, then in seq order.
fn sent_key(device_id: &str, seq: u64) -> String {
    format!("{device_id}/{seq:016}")
}

/// The keys of `device_id`'s `sent` rows from seq `from` on: `0` sorts
/// right after `/`, so `{device_id}0` bounds them all.
fn sent_from(device_id: &str, from: u64) -> std::ops::Range<String> {
    sent_key(device_id, from)..format!("{device_id}0")
}

pub struct LocalStore {
    db: Database,
    /// The kiosk's roster, and its check-ins, may differ from what the page
    /// last read. A kiosk holds thousands of both; re-reading them after
    /// every sync that changed neither would stall the desk between scans.
    roster_changed: Cell<bool>,
    checkins_changed: Cell<bool>,
    /// Held while the page reads the store into its signals: two readings
    /// interleaved could finish out of order and leave the older rows
    /// showing.
    pub(super) showing: futures_util::lock::Mutex<()>,
}

impl LocalStore {
    pub async fn open() -> Result<Self, StoreError> {
        let db = Database::open(DB_NAME)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // Versions 1–3 stored rows as JS objects and never left
                // development; from 4 on, rows are JSON text (`encode`).
                // Later versions only move forward, adding what they need.
                if event.old_version() < 4.0 {
                    for name in db.object_store_names() {
                        db.delete_object_store(&name)?;
                    }
                    for name in [
                        SESSIONS,
                        META,
                        REGISTRATIONS,
                        OUTBOX,
                        REJECTED,
                        ATTENDEES,
                        CHECKINS,
                    ] {
                        db.create_object_store(name).build()?;
                    }
                }
                if event.old_version() < 5.0 {
                    db.create_object_store(MENTORING).build()?;
                }
                if event.old_version() < 6.0 {
                    db.create_object_store(SENT).build()?;
                }
                Ok(())
            })
            .await?;
        Ok(LocalStore {
            db,
            roster_changed: Cell::new(true),
            checkins_changed: Cell::new(true),
            showing: futures_util::lock::Mutex::new(()),
        })
    }

    /// Whether the kiosk's roster may have changed since the last call.
    pub fn take_roster_changed(&self) -> bool {
        self.roster_changed.replace(false)
    }

    /// Whether the kiosk's check-ins may have changed since the last call.
    pub fn take_checkins_changed(&self) -> bool {
        self.checkins_changed.replace(false)
    }

    /// Another tab (or a new sign-in) wrote to the store: read it all again.
    pub fn mark_all_changed(&self) {
        self.roster_changed.set(true);
        self.checkins_changed.set(true);
    }

    async fn all<T: for<'de> Deserialize<'de>>(&self, name: &str) -> Result<Vec<T>, StoreError> {
        let tx = self.db.transaction(name).build()?;
        read_all(&tx.object_store(name)?).await
    }

    pub async fn sessions(&self) -> Result<Vec<SessionData>, StoreError> {
        self.all(SESSIONS).await
    }

    /// Keeps the program the server rendered into the page as the device's
    /// own until its first pull, so that a device whose first pull has not
    /// come (offline since the page loaded) still shows what it registered
    /// for after a restart. Only while the device has never pulled and
    /// holds no sessions: any pulled row is newer. The first pull replaces
    /// them ([`LocalStore::apply_pull`]). `Ok(true)` when they were kept.
    pub async fn keep_server_program(&self, program: &[SessionData]) -> Result<bool, StoreError> {
        if program.is_empty() {
            return Ok(false);
        }
        let tx = self
            .db
            .transaction([SESSIONS, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let sessions = tx.object_store(SESSIONS)?;
        let meta: SyncMeta = read(&tx.object_store(META)?, SYNC_KEY)
            .await?
            .unwrap_or_default();
        if meta.cursor.is_some() || sessions.count().primitive()?.await? > 0 {
            // Nothing written: the transaction ends here rather than being
            // aborted when dropped.
            tx.commit().await?;
            return Ok(false);
        }
        for row in program {
            sessions
                .put(encode(row)?)
                .with_key(row.id.clone())
                .build()?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn registrations(&self) -> Result<Vec<RegistrationData>, StoreError> {
        self.all(REGISTRATIONS).await
    }

    /// The kiosk's roster.
    pub async fn attendees(&self) -> Result<Vec<AttendeeData>, StoreError> {
        self.all(ATTENDEES).await
    }

    pub async fn checkins(&self) -> Result<Vec<CheckinData>, StoreError> {
        self.all(CHECKINS).await
    }

    /// Unacknowledged mutations, oldest first.
    pub async fn mentoring(&self) -> Result<Vec<MentoringEntryData>, StoreError> {
        self.all(MENTORING).await
    }

    pub async fn outbox(&self) -> Result<Vec<Mutation>, StoreError> {
        self.all(OUTBOX).await
    }

    /// Refused changes, oldest first: by when they were made, as their
    /// keys order them by device before seq (`rejected_key`).
    pub async fn rejected(&self) -> Result<Vec<Rejected>, StoreError> {
        let mut rows: Vec<Rejected> = self.all(REJECTED).await?;
        crate::sorting::sort_by(&mut rows, |a, b| a.mutation.at.cmp(&b.mutation.at));
        Ok(rows)
    }

    pub async fn meta(&self) -> Result<SyncMeta, StoreError> {
        let tx = self.db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        let meta: Option<SyncMeta> = read(&store, SYNC_KEY).await?;
        Ok(meta.unwrap_or_default())
    }

    pub async fn account(&self) -> Result<Option<Account>, StoreError> {
        let tx = self.db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        read(&store, ACCOUNT_KEY).await
    }

    /// Records when the device last finished a sync. The read and the write
    /// are one transaction: a sign-in committed between them (a kiosk paired
    /// while a public pull finished) resets the cursor, and writing back the
    /// cursor read before it would make the new token pull from where the
    /// public pull stopped, so a kiosk would never receive its roster.
    pub async fn mark_synced(&self, at_ms: f64) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(META)?;
        let meta = SyncMeta {
            last_synced_ms: Some(at_ms),
            ..read(&store, SYNC_KEY).await?.unwrap_or_default()
        };
        store
            .put(encode(&meta)?)
            .with_key(SYNC_KEY.to_owned())
            .build()?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a signed-in life on this device. Mutations left in the outbox
    /// from an earlier sign-in of the same attendee, or from this kiosk's
    /// earlier pairing (whose token the server stopped accepting), are
    /// renumbered for the new device from seq 1, so they are sent again;
    /// anyone else's are dropped with the rest of their data. When the
    /// server is not the database that acknowledged the device's log (its
    /// epoch differs: restored from an older copy, or replaced), the whole
    /// log goes first, since ids make every replay harmless. The pull
    /// cursor is reset: the new scope holds more.
    pub async fn sign_in(&self, mut account: Account) -> Result<(), StoreError> {
        // One transaction reads the outbox and rewrites it: a change another
        // tab queues meanwhile waits for it, and is never cleared unread.
        let tx = self
            .db
            .transaction([
                OUTBOX,
                SENT,
                REGISTRATIONS,
                ATTENDEES,
                CHECKINS,
                MENTORING,
                REJECTED,
                META,
            ])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let previous: Option<Account> = read(&meta, ACCOUNT_KEY).await?;
        let keep = previous
            .as_ref()
            .is_some_and(|p| match (&p.holder, &account.holder) {
                (Holder::Attendee(a), Holder::Attendee(b)) => a.id == b.id,
                // Check-ins scanned here are real whoever re-paired the kiosk.
                (Holder::Kiosk(_), Holder::Kiosk(_)) => true,
                _ => false,
            });
        let same_server = previous
            .as_ref()
            .is_some_and(|p| p.epoch.is_some() && p.epoch == account.epoch);
        let outbox = tx.object_store(OUTBOX)?;
        let sent = tx.object_store(SENT)?;
        let mut queued: Vec<Mutation> = Vec::new();
        if keep && !same_server {
            queued = in_order(read_all(&sent).await?);
        }
        if keep {
            queued.extend(read_all::<Mutation>(&outbox).await?);
        }
        // Kept only while the server that acknowledged it still has it
        // (as the old device's history); otherwise it is in `queued` now,
        // or someone else's.
        if !(keep && same_server) {
            sent.clear()?;
        }
        outbox.clear()?;
        account.next_seq = 1;
        for mut m in queued {
            m.seq = account.next_seq;
            account.next_seq += 1;
            outbox
                .put(encode(&m.clone())?)
                .with_key(seq_key(m.seq))
                .build()?;
        }
        if !keep {
            for name in HOLDER_DATA {
                tx.object_store(name)?.clear()?;
            }
        }
        meta.put(encode(&account)?)
            .with_key(ACCOUNT_KEY.to_owned())
            .build()?;
        meta.put(encode(&SyncMeta::default())?)
            .with_key(SYNC_KEY.to_owned())
            .build()?;
        tx.commit().await?;
        self.mark_all_changed();
        Ok(())
    }

    /// Forgets the person or kiosk: the account, outbox, log, rejections
    /// and everything pulled for it (a kiosk's roster and check-ins). The
    /// program stays (it is public).
    pub async fn sign_out(&self) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([
                OUTBOX,
                SENT,
                REGISTRATIONS,
                ATTENDEES,
                CHECKINS,
                MENTORING,
                REJECTED,
                META,
            ])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(OUTBOX)?.clear()?;
        tx.object_store(SENT)?.clear()?;
        for name in HOLDER_DATA {
            tx.object_store(name)?.clear()?;
        }
        let meta = tx.object_store(META)?;
        meta.delete(ACCOUNT_KEY.to_owned()).build()?;
        meta.put(encode(&SyncMeta::default())?)
            .with_key(SYNC_KEY.to_owned())
            .build()?;
        tx.commit().await?;
        self.mark_all_changed();
        Ok(())
    }

    /// Notes that the server refused `token`; the outbox stays. Read and
    /// written in one transaction, and only while `token` is still the
    /// account's: a refusal that arrives after signing in again must not
    /// put the old account back over the new one.
    pub async fn refuse_token(&self, token: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let account: Option<Account> = read(&meta, ACCOUNT_KEY).await?;
        let Some(mut account) = account.filter(|a| a.token == token) else {
            return Ok(());
        };
        account.token_refused = true;
        meta.put(encode(&account)?)
            .with_key(ACCOUNT_KEY.to_owned())
            .build()?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts a new mutation in the outbox with the next seq, in one
    /// transaction with the counter, and returns it once durable.
    pub async fn enqueue(
        &self,
        op: &str,
        args: crate::protocol::Json,
        at: String,
    ) -> Result<Mutation, StoreError> {
        let tx = self
            .db
            .transaction([OUTBOX, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let account: Option<Account> = read(&meta, ACCOUNT_KEY).await?;
        let mut account = account.ok_or(StoreError::SignedOut)?;
        let mutation = Mutation {
            seq: account.next_seq,
            op: op.to_owned(),
            args,
            at,
        };
        account.next_seq += 1;
        tx.object_store(OUTBOX)?
            .put(encode(&mutation)?)
            .with_key(seq_key(mutation.seq))
            .build()?;
        meta.put(encode(&account)?)
            .with_key(ACCOUNT_KEY.to_owned())
            .build()?;
        tx.commit().await?;
        Ok(mutation)
    }

    /// The server holds this device's mutations only up to `last_seq`
    /// (restored from an older copy, or told by a `seq_gap`). What the log
    /// holds after it goes back to the outbox ahead of what was still
    /// queued, numbered on from `last_seq + 1`, and the refusals of those
    /// are forgotten (the server decides again). Returns how many
    /// acknowledged mutations were queued again; nothing changes when the
    /// server lacks nothing.
    pub async fn resend_after(&self, device_id: &str, last_seq: u64) -> Result<usize, StoreError> {
        // Read and rewritten in one transaction, as in `sign_in`.
        let tx = self
            .db
            .transaction([OUTBOX, SENT, REJECTED, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let account: Option<Account> = read(&meta, ACCOUNT_KEY).await?;
        let mut account = account.ok_or(StoreError::SignedOut)?;
        // `last_seq` counts another device's log if this one signed in
        // again since the pull: the next pull tells the new one's.
        if account.device_id != device_id {
            return Ok(0);
        }
        let sent = tx.object_store(SENT)?;
        let lost_keys = sent_from(&account.device_id, last_seq + 1);
        let lost: Vec<Logged> = read_range(&sent, lost_keys.clone()).await?;
        let outbox = tx.object_store(OUTBOX)?;
        let queued: Vec<Mutation> = read_all(&outbox).await?;
        let behind = queued.first().is_some_and(|m| m.seq > last_seq + 1);
        if lost.is_empty() && !behind {
            return Ok(0);
        }
        sent.delete(lost_keys).build()?;
        let rejected = tx.object_store(REJECTED)?;
        let refusals: Vec<Rejected> = read_all(&rejected).await?;
        for r in refusals {
            if lost.iter().any(|l| l.mutation == r.mutation) {
                rejected.delete(rejected_key(&r)).build()?;
            }
        }
        let resent = lost.len();
        outbox.clear()?;
        account.next_seq = last_seq + 1;
        for mut m in lost.into_iter().map(|l| l.mutation).chain(queued) {
            m.seq = account.next_seq;
            account.next_seq += 1;
            outbox
                .put(encode(&m.clone())?)
                .with_key(seq_key(m.seq))
                .build()?;
        }
        meta.put(encode(&account)?)
            .with_key(ACCOUNT_KEY.to_owned())
            .build()?;
        tx.commit().await?;
        Ok(resent)
    }

    /// Takes the server's verdicts on outbox entries: each leaves the
    /// outbox for the log; an acknowledged registration's or check-in's
    /// outcome is written at once, so it shows before the next pull, and a
    /// refused one is also kept in `rejected`. Results for seqs no longer
    /// in the outbox are ignored, and so are all of them once the device
    /// signed in again (the outbox was renumbered for the new device).
    /// `Ok(true)` when anything changed.
    pub async fn settle(
        &self,
        results: &[MutationResult],
        account: &Account,
    ) -> Result<bool, StoreError> {
        if results.is_empty() {
            return Ok(false);
        }
        let tx = self
            .db
            .transaction([
                OUTBOX,
                SENT,
                REJECTED,
                REGISTRATIONS,
                CHECKINS,
                MENTORING,
                META,
            ])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let stored: Option<Account> = read(&tx.object_store(META)?, ACCOUNT_KEY).await?;
        if stored.is_none_or(|a| a.device_id != account.device_id) {
            return Ok(false);
        }
        let outbox = tx.object_store(OUTBOX)?;
        let queued: Vec<Mutation> = read_all(&outbox).await?;
        let settled: Vec<(&Mutation, &MutationResult)> = results
            .iter()
            .filter_map(|r| queued.iter().find(|m| m.seq == r.seq).map(|m| (m, r)))
            .collect();
        if settled.is_empty() {
            return Ok(false);
        }
        let sent = tx.object_store(SENT)?;
        let rejected = tx.object_store(REJECTED)?;
        let registrations = tx.object_store(REGISTRATIONS)?;
        let checkins = tx.object_store(CHECKINS)?;
        let mentoring = tx.object_store(MENTORING)?;
        let mut settled_checkin = false;
        let signer = match &account.holder {
            Holder::Attendee(a) => Signer::Attendee { attendee_id: &a.id },
            Holder::Kiosk(k) => Signer::Kiosk { name: &k.name },
        };
        for (mutation, result) in settled {
            outbox.delete(seq_key(mutation.seq)).build()?;
            let logged = Logged {
                device_id: account.device_id.clone(),
                mutation: mutation.clone(),
            };
            sent.put(encode(&logged)?)
                .with_key(sent_key(&account.device_id, mutation.seq))
                .build()?;
            match settle(mutation, result, &account.device_id, signer) {
                Settled::Refused { code, message } => {
                    let row = Rejected {
                        device_id: account.device_id.clone(),
                        mutation: mutation.clone(),
                        code,
                        message,
                    };
                    rejected
                        .put(encode(&row)?)
                        .with_key(rejected_key(&row))
                        .build()?;
                }
                Settled::Registration(row) => {
                    registrations.put(encode(&row)?).with_key(row.id).build()?;
                }
                Settled::Cancelled { registration_id } => {
                    let row: Option<RegistrationData> =
                        read(&registrations, &registration_id).await?;
                    if let Some(mut row) = row {
                        row.status = Status::Cancelled;
                        row.position = None;
                        registrations
                            .put(encode(&row)?)
                            .with_key(registration_id)
                            .build()?;
                    }
                }
                Settled::Checkin(row) => {
                    settled_checkin = true;
                    checkins.put(encode(&row)?).with_key(row.id).build()?;
                }
                Settled::Mentoring { entry_id, op } => {
                    let Holder::Attendee(a) = &account.holder else {
                        continue;
                    };
                    let stored: Option<MentoringEntryData> = read(&mentoring, &entry_id).await?;
                    let mut rows: Vec<MentoringEntryData> = stored.into_iter().collect();
                    logbook::apply(&mut rows, &op, &me_of(a), &mutation.at);
                    match rows.pop() {
                        Some(row) => {
                            mentoring.put(encode(&row)?).with_key(entry_id).build()?;
                        }
                        None => {
                            mentoring.delete(entry_id).build()?;
                        }
                    }
                }
                Settled::Nothing => {}
            }
        }
        tx.commit().await?;
        if settled_checkin {
            self.checkins_changed.set(true);
        }
        Ok(true)
    }

    pub async fn dismiss_rejected(&self, refusal: &Rejected) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(REJECTED)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(REJECTED)?
            .delete(rejected_key(refusal))
            .build()?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies one pull page and records its cursor, in one transaction.
    /// A reset (the server's database was replaced) drops the cached rows
    /// but never the outbox. `pulled_with` is the token the page was asked
    /// with: if the device signed in (or out) while the page was on its way,
    /// the page belongs to the old scope and its cursor would skip the new
    /// one's older rows, so it is dropped (`Ok(false)`) and the next sync
    /// pulls again.
    pub async fn apply_pull(
        &self,
        page: &PullResponse,
        pulled_with: Option<&str>,
    ) -> Result<bool, StoreError> {
        let tx = self
            .db
            .transaction([
                SESSIONS,
                REGISTRATIONS,
                ATTENDEES,
                CHECKINS,
                MENTORING,
                META,
            ])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let mentoring = tx.object_store(MENTORING)?;
        let sessions = tx.object_store(SESSIONS)?;
        let registrations = tx.object_store(REGISTRATIONS)?;
        let attendees = tx.object_store(ATTENDEES)?;
        let checkins = tx.object_store(CHECKINS)?;
        let meta = tx.object_store(META)?;
        let holder: Option<Account> = read(&meta, ACCOUNT_KEY).await?;
        // Read in this transaction, like the holder: what another one wrote
        // since is not overwritten with an older copy.
        let previous: SyncMeta = read(&meta, SYNC_KEY).await?.unwrap_or_default();
        let current = holder
            .as_ref()
            .filter(|a| !a.token_refused)
            .map(|a| a.token.as_str());
        if current != pulled_with {
            return Ok(false);
        }
        // What this page changed, told to the page only once committed: a
        // read that begins before the commit sees the old rows, and a flag
        // raised earlier would be taken by that read and lost.
        let (mut roster_touched, mut checkins_touched) = (false, false);
        // A reset is the whole scope again. So is a device's first pull:
        // what it held before is the copy the server rendered into a page
        // ([`LocalStore::keep_server_program`]), where a session deleted
        // since would stay, as no deletion of it will ever come.
        if page.reset || previous.cursor.is_none() {
            sessions.clear()?;
        }
        if page.reset {
            registrations.clear()?;
            attendees.clear()?;
            checkins.clear()?;
            mentoring.clear()?;
            roster_touched = true;
            checkins_touched = true;
        }
        let holder_epoch = holder.as_ref().and_then(|a| a.epoch.clone());
        let kiosk = holder.is_some_and(|a| matches!(a.holder, Holder::Kiosk(_)));
        let mut account: Option<Account> = None;
        for change in &page.changes {
            match change {
                Change::Put {
                    entity: Entity::Session,
                    id,
                    ..
                } => {
                    // Keep the row as the server sent it; the page decides
                    // how to show it.
                    if let Some(row) = change.row::<SessionData>() {
                        sessions.put(encode(&row)?).with_key(id.clone()).build()?;
                    }
                }
                Change::Put {
                    entity: Entity::Registration,
                    id,
                    ..
                } => {
                    if let Some(row) = change.row::<RegistrationData>() {
                        registrations
                            .put(encode(&row)?)
                            .with_key(id.clone())
                            .build()?;
                    }
                }
                Change::Put {
                    entity: Entity::Attendee,
                    id,
                    ..
                } => {
                    let Some(row) = change.row::<AttendeeData>() else {
                        continue;
                    };
                    if kiosk {
                        roster_touched = true;
                        attendees.put(encode(&row)?).with_key(id.clone()).build()?;
                        continue;
                    }
                    // An attendee's own row: their name or badge changed.
                    if account.is_none() {
                        account = read(&meta, ACCOUNT_KEY).await?;
                    }
                    if let Some(a) = account.as_mut()
                        && matches!(&a.holder, Holder::Attendee(me) if me.id == row.id)
                    {
                        a.holder = Holder::Attendee(row);
                    }
                }
                Change::Put {
                    entity: Entity::Checkin,
                    id,
                    ..
                } => {
                    if let Some(row) = change.row::<CheckinData>() {
                        checkins_touched = true;
                        checkins.put(encode(&row)?).with_key(id.clone()).build()?;
                    }
                }
                Change::Del {
                    entity: Entity::Attendee,
                    id,
                } => {
                    roster_touched = true;
                    attendees.delete(id.clone()).build()?;
                }
                Change::Del {
                    entity: Entity::Checkin,
                    id,
                } => {
                    checkins_touched = true;
                    checkins.delete(id.clone()).build()?;
                }
                Change::Del {
                    entity: Entity::Session,
                    id,
                } => {
                    sessions.delete(id.clone()).build()?;
                }
                Change::Del {
                    entity: Entity::Registration,
                    id,
                } => {
                    registrations.delete(id.clone()).build()?;
                }
                Change::Put {
                    entity: Entity::MentoringEntry,
                    id,
                    ..
                } => {
                    if let Some(row) = change.row::<MentoringEntryData>() {
                        mentoring.put(encode(&row)?).with_key(id.clone()).build()?;
                    }
                }
                Change::Del {
                    entity: Entity::MentoringEntry,
                    id,
                } => {
                    mentoring.delete(id.clone()).build()?;
                }
            }
        }
        // Learn the epoch of the database that now holds the log: only from
        // a pull made with the account's token. A public pull (the token
        // was refused) comes from a server that does not know this device,
        // and taking its epoch would make signing in again keep the log
        // unsent, as if that server had acknowledged it.
        if pulled_with.is_some()
            && holder_epoch.as_deref() != Some(page.epoch.as_str())
            && !page.epoch.is_empty()
        {
            if account.is_none() {
                account = read(&meta, ACCOUNT_KEY).await?;
            }
            if let Some(a) = account.as_mut() {
                a.epoch = Some(page.epoch.clone());
            }
        }
        if let Some(account) = account {
            meta.put(encode(&account)?)
                .with_key(ACCOUNT_KEY.to_owned())
                .build()?;
        }
        let sync = SyncMeta {
            cursor: Some(page.cursor.clone()),
            last_synced_ms: previous.last_synced_ms,
        };
        meta.put(encode(&sync)?)
            .with_key(SYNC_KEY.to_owned())
            .build()?;
        tx.commit().await?;
        if roster_touched {
            self.roster_changed.set(true);
        }
        if checkins_touched {
            self.checkins_changed.set(true);
        }
        Ok(true)
    }
}

/// A log gathered from earlier sign-ins, to send again: each device's
/// mutations in seq order, the devices in the order they began. (A device
/// has had a handful of sign-ins at most: a list is enough.)
fn in_order(mut logged: Vec<Logged>) -> Vec<Mutation> {
    let mut began: Vec<(&str, &str)> = Vec::new();
    for l in &logged {
        match began.iter_mut().find(|(d, _)| *d == l.device_id) {
            Some((_, at)) if l.mutation.at.as_str() < *at => *at = &l.mutation.at,
            Some(_) => {}
            None => began.push((&l.device_id, &l.mutation.at)),
        }
    }
    let rank: Vec<(String, String)> = began
        .into_iter()
        .map(|(d, at)| (d.to_owned(), at.to_owned()))
        .collect();
    let began_at = |device: &str| {
        rank.iter()
            .find(|(d, _)| d == device)
            .map(|(_, at)| at.clone())
            .unwrap_or_default()
    };
    crate::sorting::sort_by_key(&mut logged, |l| {
        (began_at(&l.device_id), l.device_id.clone(), l.mutation.seq)
    });
    logged.into_iter().map(|l| l.mutation).collect()
}
