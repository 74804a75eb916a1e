//! Applying a push batch (docs/PROTOCOL.md, "Push"), in two steps. `check`
//! judges each mutation on its own, on the request's thread. `apply` runs
//! inside one write job: the device's `last_seq`, every effect and every
//! stored result commit together or not at all. A mutation the rules
//! refuse is recorded as rejected and still consumes its seq, so one bad
//! change never blocks the queue behind it; a storage error fails the whole
//! job, which rolls back.

use app::domain::EntryId;
use app::domain::mentoring::{self, Act, MentoringError, Partner};
use app::domain::ops::{Actor, Operation};
use app::domain::registration::{self, Refusal};
use app::protocol::{
    Json, MentoringOutcome, Mutation, MutationResult, PushResponse, RegistrationOutcome,
    ResultStatus,
};
use rusqlite::Connection;
use time::OffsetDateTime;

use crate::store::WriteError;
use crate::store::checkins;
use crate::store::devices::{self, Device, DeviceScope};
use crate::store::mentoring as entries;
use crate::store::registrations::{self, NewRegistration};

/// Entries one attendee may log per day (UTC), on all their devices
/// together: a busy mentor logs dozens; a script naming one partner 500
/// times in 30 ms is stopped.
pub const DAILY_ENTRIES: i64 = 200;
/// Confirmations one attendee may send per day for entries the server has
/// not seen yet (each is kept until its entry arrives).
pub const DAILY_WAITING_CONFIRMATIONS: i64 = 200;
/// Entries naming a badge code nobody has, per attendee per hour, before
/// every entry naming a badge code is refused for the rest of the hour —
/// known codes too, so the answer tells nothing about which codes exist.
pub const BADGE_MISSES_PER_HOUR: i64 = 10;

/// What became of a batch.
#[derive(Debug)]
pub enum Applied {
    Done(PushResponse),
    /// The first seq is past `last_seq + 1`: the server is missing changes
    /// the device believes it sent. Nothing was applied.
    Gap {
        expected: u64,
    },
}

/// A mutation as far as it can be judged without the database: its
/// operation parsed, the device's right to send it and its time checked.
/// This runs on the request's thread, before the batch is queued, so that
/// the one writer spends its time only on what needs the database.
pub struct Checked {
    seq: u64,
    verdict: Result<(Operation, String), (&'static str, String)>,
}

/// Checks every mutation of a batch (see [`Checked`]).
pub fn check(device: &Device, mutations: &[Mutation], now: OffsetDateTime) -> Vec<Checked> {
    mutations
        .iter()
        .map(|m| Checked {
            seq: m.seq,
            verdict: check_one(device, m, now),
        })
        .collect()
}

fn check_one(
    device: &Device,
    m: &Mutation,
    now: OffsetDateTime,
) -> Result<(Operation, String), (&'static str, String)> {
    let op = Operation::parse(&m.op, &m.args).map_err(|e| (e.code(), e.to_string()))?;
    let actor = match device.scope {
        DeviceScope::Attendee { .. } => Actor::Attendee,
        DeviceScope::Kiosk => Actor::Kiosk,
        // Refused before the batch reaches the writer (`http::sync::push`).
        DeviceScope::Organizer { .. } => {
            return Err((
                "forbidden",
                "An organizer's token sends no mutations.".to_owned(),
            ));
        }
    };
    if !op.permitted(actor) {
        return Err((
            "forbidden",
            format!("A {} cannot send {}.", device.scope.label(), op.name()),
        ));
    }
    // The device's clock: shown, and counted by in the organizers'
    // timeline, so it must be a real time near now.
    let device_at = device_time(&m.at, now)?;
    Ok((op, device_at))
}

/// Applies `mutations` (already checked to be consecutive seqs) for `device`.
pub fn apply(
    conn: &Connection,
    device: &Device,
    mutations: &[Checked],
    pending: Option<u32>,
    now: OffsetDateTime,
) -> Result<Applied, WriteError> {
    let last = devices::last_seq(conn, &device.id)?;
    if let Some(first) = mutations.first()
        && first.seq > last + 1
    {
        return Ok(Applied::Gap { expected: last + 1 });
    }
    let now_text = rfc3339(now);
    let mut results = Vec::with_capacity(mutations.len());
    let mut new_last = last;
    // Seqs the device already sent are answered from what was stored then.
    let replayed_to = mutations.iter().map(|m| m.seq).filter(|s| *s <= last).max();
    if let (Some(first), Some(to)) = (mutations.first(), replayed_to) {
        for stored in devices::results(conn, &device.id, first.seq, to)? {
            results.push(MutationResult {
                status: ResultStatus::Duplicate,
                ..stored
            });
        }
        // Results older than the server keeps still get their answer.
        for m in mutations.iter().filter(|m| m.seq <= to) {
            if !results.iter().any(|r| r.seq == m.seq) {
                results.push(duplicate(m.seq));
            }
        }
        results.sort_by_key(|r| r.seq);
    }
    for m in mutations.iter().filter(|m| m.seq > last) {
        let verdict = match &m.verdict {
            Ok((op, device_at)) => apply_one(conn, device, m.seq, op, device_at, &now_text, now)?,
            Err((code, message)) => Err((*code, message.clone())),
        };
        let in_its_row = verdict.as_ref().is_ok_and(|o| o.in_its_row);
        let result = match verdict {
            Ok(outcome) => MutationResult {
                seq: m.seq,
                status: ResultStatus::Applied,
                code: None,
                message: None,
                outcome: Some(outcome.answer),
            },
            Err((code, message)) => MutationResult {
                seq: m.seq,
                status: ResultStatus::Rejected,
                code: Some(code.to_owned()),
                message: Some(crate::http::error::clip_quoted(&message)),
                outcome: None,
            },
        };
        if !in_its_row {
            devices::store_result(conn, &device.id, &result)?;
        }
        tracing::debug!(device_id = %device.id, seq = m.seq, status = ?result.status, "mutation");
        results.push(result);
        new_last = m.seq;
    }
    devices::record_push(conn, &device.id, new_last, pending, &now_text)?;
    Ok(Applied::Done(PushResponse {
        last_seq: new_last,
        results,
    }))
}

fn duplicate(seq: u64) -> MutationResult {
    MutationResult {
        seq,
        status: ResultStatus::Duplicate,
        code: None,
        message: None,
        outcome: None,
    }
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

type Verdict = Result<Outcome, (&'static str, String)>;

/// An applied mutation's answer, and whether `results` keeps a copy of
/// it: a check-in the mutation recorded is its own stored result
/// (`checkins::results`, store migration 009).
struct Outcome {
    answer: Json,
    in_its_row: bool,
}

/// Applied, with the answer kept in `results`.
fn kept(answer: Json) -> Verdict {
    Ok(Outcome {
        answer,
        in_its_row: false,
    })
}

/// How far back a device's time may be: a kiosk or phone offline for a
/// long while still sends what it holds.
const OLDEST_DEVICE_TIME: time::Duration = time::Duration::days(400);
/// How far ahead: a clock a little fast, or a time zone set wrong.
const NEWEST_DEVICE_TIME: time::Duration = time::Duration::days(1);

/// A mutation's `at`: RFC 3339, from 400 days before the server's clock to
/// a day after it. Kept as the device wrote it (its offset says where the
/// device thought it was).
fn device_time(at: &str, now: OffsetDateTime) -> Result<String, (&'static str, String)> {
    let refuse = |why: &str| {
        (
            "bad_time",
            format!(
                "This change's time “{}” {why}. Check the device's date and clock.",
                crate::http::error::clip(at)
            ),
        )
    };
    let parsed = OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map_err(|_| refuse("is not a date and time like 2027-03-26T09:15:00-05:00 (RFC 3339)"))?;
    if parsed < now - OLDEST_DEVICE_TIME {
        return Err(refuse("is more than 400 days before the server's clock"));
    }
    if parsed > now + NEWEST_DEVICE_TIME {
        return Err(refuse("is more than a day after the server's clock"));
    }
    Ok(at.to_owned())
}

/// One mutation: `Ok(Ok(outcome))` applied, `Ok(Err(..))` refused by a
/// rule, `Err` a storage failure that must fail the batch.
fn apply_one(
    conn: &Connection,
    device: &Device,
    seq: u64,
    op: &Operation,
    device_at: &str,
    now_text: &str,
    now: OffsetDateTime,
) -> Result<Verdict, WriteError> {
    // Kiosks have no attendee; `check` let through only what the scope may send.
    let attendee_id = match device.scope {
        DeviceScope::Attendee { attendee_id } => attendee_id,
        _ => 0,
    };
    match op {
        Operation::RegistrationCreate {
            registration_id,
            session_id,
        } => {
            if let Some(existing) = registrations::find(conn, registration_id)? {
                // The same device log sent again (the server was restored,
                // or the device signed in anew): answer what it became.
                let own = existing.attendee_id == attendee_id.to_string()
                    && existing.session_id == session_id.as_str();
                if !own {
                    return Ok(refused(Refusal::IdInUse));
                }
                return Ok(kept(to_json(&RegistrationOutcome {
                    status: existing.status,
                    position: existing.position,
                })));
            }
            let target = registrations::target(conn, session_id)?;
            let held = registrations::held(conn, attendee_id)?;
            let placement = match registration::decide_create(target.as_ref(), &held, now) {
                Ok(p) => p,
                Err(refusal) => return Ok(refused(refusal)),
            };
            let Some(session_row) = session_id.as_str().parse::<i64>().ok() else {
                return Ok(refused(Refusal::UnknownSession));
            };
            let outcome = registrations::create(
                conn,
                &NewRegistration {
                    id: registration_id,
                    attendee_id,
                    session_id: session_row,
                    placement,
                    device_id: &device.id,
                    device_at,
                    now: now_text,
                },
            )?;
            Ok(kept(to_json(&outcome)))
        }
        Operation::RegistrationCancel { registration_id } => {
            let found = registrations::find_own(conn, registration_id, attendee_id)?;
            let effect = match registration::decide_cancel(found.map(|(s, _)| s)) {
                Ok(effect) => effect,
                Err(refusal) => return Ok(refused(refusal)),
            };
            let Some((_, session)) = found else {
                return Ok(refused(Refusal::UnknownRegistration));
            };
            let outcome = registrations::cancel(conn, registration_id, session, effect)?;
            Ok(kept(to_json(&outcome)))
        }
        Operation::CheckinRecord {
            checkin_id,
            badge_code,
            session_id,
            kind,
        } => {
            // The same check-in id is one row forever: answer what it was.
            if let Some(existing) = checkins::find(conn, checkin_id)? {
                let first = match &existing.duplicate_of {
                    Some(id) => checkins::first_by_id(conn, id)?,
                    None => None,
                };
                return Ok(kept(to_json(&checkins::outcome(
                    checkin_id.as_str(),
                    &existing.attendee_id,
                    first.as_ref(),
                    existing.at_door,
                ))));
            }
            let Some(attendee) = checkins::attendee_by_badge(conn, badge_code)? else {
                return Ok(Err((
                    "unknown_badge",
                    format!("No attendee has badge code {badge_code}."),
                )));
            };
            let session_row = match &session_id {
                None => None,
                Some(id) => match id.as_str().parse::<i64>() {
                    Ok(row) if checkins::session_exists(conn, row)? => Some(row),
                    _ => return Ok(refused(Refusal::UnknownSession)),
                },
            };
            let recorded = checkins::record(
                conn,
                &checkins::NewCheckin {
                    id: checkin_id,
                    seq,
                    attendee_id: attendee,
                    session_id: session_row,
                    kind: *kind,
                    device_id: &device.id,
                    device_at,
                    now: now_text,
                },
            )?;
            Ok(Ok(Outcome {
                answer: to_json(&checkins::outcome(
                    checkin_id.as_str(),
                    &attendee.to_string(),
                    recorded.duplicate_of.as_ref(),
                    recorded.at_door,
                )),
                in_its_row: true,
            }))
        }
        Operation::MentoringLog { entry_id, entry } => {
            if let Some(stored) = entries::find(conn, entry_id)? {
                // Sent again from the author's device log: answer as it is.
                if stored.author_id == attendee_id && !stored.deleted {
                    return Ok(kept(entry_outcome(entry_id, stored.confirmed)));
                }
                return Ok(Err((
                    "id_in_use",
                    format!("Another entry already has the id {entry_id}."),
                )));
            }
            if let Err(e) = entry.date.within(now.date()) {
                return Ok(mentoring_refused(e));
            }
            let today = now.date().to_string();
            if entries::logged_on(conn, attendee_id, &today)? >= DAILY_ENTRIES {
                return Ok(Err((
                    "daily_limit",
                    format!(
                        "You logged {DAILY_ENTRIES} mentoring entries today, the most one person may log in a day. \
                         Log this one again tomorrow, or ask an organizer."
                    ),
                )));
            }
            let hour_ago = now.unix_timestamp() - 60 * 60;
            let partner_id = match &entry.partner {
                Partner::Name(_) => None,
                Partner::Badge(_)
                    if entries::misses_since(conn, attendee_id, hour_ago)?
                        >= BADGE_MISSES_PER_HOUR =>
                {
                    return Ok(Err(too_many_misses()));
                }
                Partner::Badge(badge) => match checkins::attendee_by_badge(conn, badge)? {
                    None => {
                        let misses = entries::record_miss(
                            conn,
                            attendee_id,
                            now.unix_timestamp(),
                            hour_ago,
                        )?;
                        if misses == BADGE_MISSES_PER_HOUR {
                            tracing::warn!(
                                device_id = %device.id,
                                attendee_id,
                                "mentoring entries named {misses} unknown badge codes within an hour; \
                                 entries naming badge codes are refused for the rest of the hour"
                            );
                        }
                        return Ok(Err((
                            "unknown_badge",
                            format!("No attendee has badge code {badge}."),
                        )));
                    }
                    Some(id) if id == attendee_id => {
                        return Ok(mentoring_refused(MentoringError::SelfPartner));
                    }
                    Some(id) => Some(id),
                },
            };
            entries::insert(
                conn,
                &entries::NewEntry {
                    id: entry_id,
                    author_id: attendee_id,
                    partner_id,
                    entry,
                    device_id: &device.id,
                    device_at,
                    now: now_text,
                },
            )?;
            // The partner's confirmation may have come first.
            let confirmed = match partner_id {
                Some(partner) => {
                    let signed = entries::settle_waiting(conn, entry_id, partner, &entry.terms())?;
                    if signed {
                        entries::confirm(conn, entry_id, now_text)?;
                    }
                    signed
                }
                None => false,
            };
            Ok(kept(entry_outcome(entry_id, confirmed)))
        }
        Operation::MentoringUpdate { entry_id, changes } => {
            let stored = match own_entry(conn, entry_id, Act::Update, attendee_id)? {
                Ok(stored) => stored,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let mut entry = stored.entry;
            let terms_changed = changes.apply_to(&mut entry);
            if let Err(e) = entry.date.within(now.date()) {
                return Ok(mentoring_refused(e));
            }
            let unconfirm = stored.confirmed && terms_changed;
            entries::save(conn, entry_id, &entry, unconfirm, now_text)?;
            Ok(kept(entry_outcome(
                entry_id,
                stored.confirmed && !unconfirm,
            )))
        }
        Operation::MentoringDelete { entry_id } => {
            if let Err(refusal) = own_entry(conn, entry_id, Act::Delete, attendee_id)? {
                return Ok(Err(refusal));
            }
            entries::delete(conn, entry_id, now_text)?;
            Ok(kept(to_json(&MentoringOutcome::deleted(entry_id.as_str()))))
        }
        Operation::MentoringConfirm { entry_id, seen } => {
            let Some(stored) = entries::find(conn, entry_id)? else {
                // Both phones were offline and this one synced first: the
                // confirmation waits for the entry.
                let today = now.date().to_string();
                if entries::waiting_on(conn, attendee_id, &today)? >= DAILY_WAITING_CONFIRMATIONS {
                    return Ok(Err((
                        "daily_limit",
                        format!(
                            "You confirmed {DAILY_WAITING_CONFIRMATIONS} entries today that the server has not \
                             received yet, the most it keeps for one person. Confirm again once their authors have synced."
                        ),
                    )));
                }
                entries::wait_for_entry(conn, entry_id, attendee_id, seen, now_text)?;
                return Ok(kept(to_json(&MentoringOutcome::waiting(entry_id.as_str()))));
            };
            if stored.deleted {
                return Ok(Err(gone(entry_id)));
            }
            let author = stored.author_id.to_string();
            let partner = stored.partner_id.map(|p| p.to_string());
            if let Err(e) = mentoring::may(
                Act::Confirm,
                &attendee_id.to_string(),
                &author,
                partner.as_deref(),
            ) {
                return Ok(mentoring_refused(e));
            }
            if stored.entry.terms() != *seen {
                return Ok(Err((
                    "entry_changed",
                    "The entry was changed after you saw it: ask its author to show it again."
                        .to_owned(),
                )));
            }
            if !stored.confirmed {
                entries::confirm(conn, entry_id, now_text)?;
            }
            Ok(kept(entry_outcome(entry_id, true)))
        }
    }
}

/// The entry, when it exists, is not deleted, and `attendee_id` may `act`
/// on it; else the refusal.
fn own_entry(
    conn: &Connection,
    entry_id: &EntryId,
    act: Act,
    attendee_id: i64,
) -> Result<Result<entries::Stored, (&'static str, String)>, WriteError> {
    let Some(stored) = entries::find(conn, entry_id)? else {
        return Ok(Err((
            "unknown_entry",
            format!("There is no mentoring entry {entry_id}."),
        )));
    };
    if stored.deleted {
        return Ok(Err(gone(entry_id)));
    }
    let partner = stored.partner_id.map(|p| p.to_string());
    if let Err(e) = mentoring::may(
        act,
        &attendee_id.to_string(),
        &stored.author_id.to_string(),
        partner.as_deref(),
    ) {
        return Ok(Err((e.code(), e.to_string())));
    }
    Ok(Ok(stored))
}

fn gone(entry_id: &EntryId) -> (&'static str, String) {
    (
        "entry_deleted",
        format!("The mentoring entry {entry_id} was deleted."),
    )
}

fn too_many_misses() -> (&'static str, String) {
    (
        "rate_limited",
        format!(
            "More than {BADGE_MISSES_PER_HOUR} entries this hour named badge codes nobody has, so entries naming \
             a badge code are refused until the hour is over. Check the code on your partner's badge, \
             or write their name instead."
        ),
    )
}

fn entry_outcome(entry_id: &EntryId, confirmed: bool) -> Json {
    to_json(&MentoringOutcome::kept(entry_id.as_str(), confirmed))
}

fn mentoring_refused(e: MentoringError) -> Verdict {
    Err((e.code(), e.to_string()))
}

fn refused(refusal: Refusal) -> Verdict {
    Err((refusal.code(), refusal.to_string()))
}

fn to_json<T: serde::Serialize>(value: &T) -> Json {
    Json::of(value).unwrap_or_else(|_| Json::null())
}
