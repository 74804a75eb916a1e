//! The mentoring log as a phone shows it: the entries the server last sent,
//! with the changes still waiting in the outbox laid over them; the growth
//! record built from them and from the sessions attended; and the entry QR
//! a partner scans to confirm with both phones offline.

use serde::{Deserialize, Serialize};

use super::ids::EntryId;
use super::mentoring::{Activity, EntryDate, MentoringRole, Minutes, Partner, Terms, wire};
use super::ops::Operation;
use super::standards::Standard;
use crate::protocol::MentoringEntryData;

/// Who the phone belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub badge: String,
}

/// An entry as the log lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub data: MentoringEntryData,
    /// I wrote it; otherwise it names me as partner.
    pub mine: bool,
    /// Changes to it are waiting in the outbox.
    pub pending: bool,
}

impl LogEntry {
    /// I confirmed it from the author's code before the server had it: it
    /// shows what the code said until the author's phone sends the entry,
    /// which may be never.
    pub fn awaiting_author(&self) -> bool {
        !self.mine && self.data.author_id.is_empty()
    }

    /// Signed by both, and the server holds the entry and the signature:
    /// only this counts as confirmed toward the growth record.
    pub fn confirmed(&self) -> bool {
        self.data.confirmed_at.is_some() && !self.pending && !self.awaiting_author()
    }
}

/// Lays one queued change over the rows, as the server will most likely
/// apply it. `at` is when it was made (the device's clock).
pub fn apply(rows: &mut Vec<MentoringEntryData>, op: &Operation, me: &Me, at: &str) {
    match op {
        Operation::MentoringLog { entry_id, entry } => {
            if rows.iter().any(|r| r.id == entry_id.as_str()) {
                return;
            }
            let (partner_badge, partner_name) = match &entry.partner {
                Partner::Badge(b) => (Some(b.as_str().to_owned()), String::new()),
                Partner::Name(n) => (None, n.clone()),
            };
            let terms = entry.terms();
            rows.push(MentoringEntryData {
                id: entry_id.as_str().to_owned(),
                author_id: me.id.clone(),
                author_name: me.name.clone(),
                partner_id: None,
                partner_badge,
                partner_name,
                role: terms.role,
                date: terms.date.to_string(),
                minutes: terms.minutes.get(),
                activity: terms.activity,
                standards: terms.standards.clone(),
                note: Some(entry.note.clone()),
                confirmed_at: None,
                updated_at: at.to_owned(),
            });
        }
        Operation::MentoringUpdate { entry_id, changes } => {
            let Some(row) = rows.iter_mut().find(|r| r.id == entry_id.as_str()) else {
                return;
            };
            let before = terms_of(row);
            if let Some(role) = changes.role {
                row.role = role;
            }
            if let Some(date) = changes.date {
                row.date = date.to_string();
            }
            if let Some(minutes) = changes.minutes {
                row.minutes = minutes.get();
            }
            if let Some(activity) = changes.activity {
                row.activity = activity;
            }
            if let Some(standards) = &changes.standards {
                row.standards = standards.clone();
            }
            if let Some(note) = &changes.note {
                row.note = Some(note.clone());
            }
            if terms_of(row) != before {
                row.confirmed_at = None;
            }
            row.updated_at = at.to_owned();
        }
        Operation::MentoringDelete { entry_id } => rows.retain(|r| r.id != entry_id.as_str()),
        Operation::MentoringConfirm { entry_id, seen } => {
            match rows.iter_mut().find(|r| r.id == entry_id.as_str()) {
                Some(row) => {
                    if terms_of(row).as_ref() == Some(seen) {
                        row.confirmed_at = Some(at.to_owned());
                    }
                }
                // Confirmed from the author's QR before this phone has the
                // entry: shown from what the QR said until sync brings it.
                None => rows.push(MentoringEntryData {
                    id: entry_id.as_str().to_owned(),
                    author_id: String::new(),
                    author_name: String::new(),
                    partner_id: Some(me.id.clone()),
                    partner_badge: Some(me.badge.clone()),
                    partner_name: me.name.clone(),
                    role: seen.role,
                    date: seen.date.to_string(),
                    minutes: seen.minutes.get(),
                    activity: seen.activity,
                    standards: seen.standards.clone(),
                    note: None,
                    confirmed_at: Some(at.to_owned()),
                    updated_at: at.to_owned(),
                }),
            }
        }
        _ => {}
    }
}

/// The terms of a row, as a confirmation's `seen` names them; `None` for
/// a row whose date or minutes our own rules would refuse.
pub fn terms_of(row: &MentoringEntryData) -> Option<Terms> {
    Some(Terms {
        role: row.role,
        date: EntryDate::parse(&row.date).ok()?,
        minutes: Minutes::new(row.minutes.into()).ok()?,
        activity: row.activity,
        standards: row.standards.clone(),
    })
}

/// The entry an operation touches.
pub fn entry_of(op: &Operation) -> Option<&str> {
    match op {
        Operation::MentoringLog { entry_id, .. }
        | Operation::MentoringUpdate { entry_id, .. }
        | Operation::MentoringDelete { entry_id }
        | Operation::MentoringConfirm { entry_id, .. } => Some(entry_id.as_str()),
        _ => None,
    }
}

/// The log: the server's rows with the queued changes (with when they were
/// made) laid over them, newest meeting first.
pub fn overlay(
    rows: &[MentoringEntryData],
    queued: &[(Operation, String)],
    me: &Me,
) -> Vec<LogEntry> {
    let mut held = rows.to_vec();
    for (op, at) in queued {
        apply(&mut held, op, me, at);
    }
    let mut log: Vec<LogEntry> = held
        .into_iter()
        .map(|data| LogEntry {
            mine: data.author_id == me.id,
            pending: queued
                .iter()
                .any(|(op, _)| entry_of(op) == Some(data.id.as_str())),
            data,
        })
        .collect();
    crate::sorting::sort_by(&mut log, |a, b| {
        (b.data.date.as_str(), b.data.updated_at.as_str())
            .cmp(&(a.data.date.as_str(), a.data.updated_at.as_str()))
    });
    log
}

/// Hours toward one Universal Standard, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Toward {
    pub confirmed: u32,
    pub unconfirmed: u32,
    pub sessions: u32,
}

impl Toward {
    pub fn total(self) -> u32 {
        self.confirmed + self.unconfirmed + self.sessions
    }
}

/// A micro-credential is about fifteen hours of work on one standard.
pub const BENCHMARK_MINUTES: u32 = 15 * 60;

/// A session attended: its standard (if it has one) and its length.
#[derive(Debug, Clone, PartialEq)]
pub struct Attended {
    pub standard: Option<Standard>,
    pub minutes: u32,
}

/// Minutes toward each of the eight standards, in their order. A mentoring
/// entry counts toward every standard it was focused on.
pub fn growth(log: &[LogEntry], attended: &[Attended]) -> [(Standard, Toward); 8] {
    let mut out = Standard::ALL.map(|s| (s, Toward::default()));
    for entry in log {
        let minutes = u32::from(entry.data.minutes);
        for standard in &entry.data.standards {
            if let Some((_, t)) = out.iter_mut().find(|(s, _)| s == standard) {
                if entry.confirmed() {
                    t.confirmed += minutes;
                } else {
                    t.unconfirmed += minutes;
                }
            }
        }
    }
    for session in attended {
        if let Some((_, t)) = out.iter_mut().find(|(s, _)| Some(*s) == session.standard) {
            t.sessions += session.minutes;
        }
    }
    out
}

/// "1 h 30 min", "45 min", "2 h".
pub fn duration_label(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The text of an entry's QR code: what the partner's phone needs to show
/// the entry and queue its confirmation, offline.
pub const QR_PREFIX: &str = "HALLPASS-CONFIRM:";

/// What an entry's code carries: the terms its partner signs, and whose
/// entry it is.
#[derive(Serialize, Deserialize)]
struct EntryCode {
    entry_id: EntryId,
    #[serde(default)]
    author: String,
    #[serde(default)]
    partner_badge: Option<String>,
    role: MentoringRole,
    date: EntryDate,
    minutes: Minutes,
    activity: Activity,
    #[serde(deserialize_with = "wire::standards")]
    standards: Vec<Standard>,
}

/// The text of the entry's code; `None` for an entry that has no terms a
/// partner could sign (see [`terms_of`]).
pub fn confirm_qr_text(row: &MentoringEntryData) -> Option<String> {
    let terms = terms_of(row)?;
    let code = EntryCode {
        entry_id: EntryId::parse(&row.id).ok()?,
        author: row.author_name.clone(),
        partner_badge: row.partner_badge.clone(),
        role: terms.role,
        date: terms.date,
        minutes: terms.minutes,
        activity: terms.activity,
        standards: terms.standards,
    };
    Some(format!("{QR_PREFIX}{}", serde_json::to_string(&code).ok()?))
}

/// An entry read from its author's QR code.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub entry_id: String,
    pub author: String,
    pub seen: Terms,
}

/// Reads a scanned entry QR. Refuses codes that are not entry codes and
/// entries that name someone other than `my_badge`.
pub fn read_confirm_qr(text: &str, my_badge: &str) -> Result<(Shown, Operation), String> {
    let payload = text
        .trim()
        .strip_prefix(QR_PREFIX)
        .ok_or("This is not a Hallpass mentoring entry code.")?;
    let code: EntryCode = serde_json::from_str(payload)
        .map_err(|e| format!("This entry code cannot be read ({e}): scan it again."))?;
    let partner = code.partner_badge.as_deref().unwrap_or_default();
    if !partner.eq_ignore_ascii_case(my_badge) {
        return Err(format!(
            "This entry names someone else{}: only they can confirm it.",
            if partner.is_empty() {
                String::new()
            } else {
                format!(" (badge {partner})")
            }
        ));
    }
    let seen = Terms {
        role: code.role,
        date: code.date,
        minutes: code.minutes,
        activity: code.activity,
        standards: code.standards,
    };
    Ok((
        Shown {
            entry_id: code.entry_id.as_str().to_owned(),
            author: code.author,
            seen: seen.clone(),
        },
        Operation::MentoringConfirm {
            entry_id: code.entry_id,
            seen,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ops::{
        MENTORING_CONFIRM, MENTORING_DELETE, MENTORING_LOG, MENTORING_UPDATE,
    };
    use serde_json::{Value, json};

    const E1: &str = "00000000-0000-4000-9000-000000000001";

    fn me() -> Me {
        Me {
            id: "1".into(),
            name: "Ada Lovelace".into(),
            badge: "ESP-0001".into(),
        }
    }

    fn op(name: &str, args: Value) -> Operation {
        Operation::parse(name, &serde_json::value::to_raw_value(&args).unwrap()).unwrap()
    }

    fn logged() -> Operation {
        op(
            MENTORING_LOG,
            json!({"entry_id": E1, "partner_badge": "ESP-0002", "role": "mentor",
                   "date": "2027-03-26", "minutes": 45, "activity": "conversation",
                   "standards": ["Ethics", "Technology"], "note": "mine"}),
        )
    }

    #[test]
    fn queued_changes_show_at_once_and_an_edit_of_the_terms_unconfirms() {
        let mut rows = Vec::new();
        apply(&mut rows, &logged(), &me(), "t1");
        rows[0].confirmed_at = Some("t2".into());
        let log = overlay(
            &rows,
            &[(
                op(
                    MENTORING_UPDATE,
                    json!({"entry_id": E1, "fields": {"note": "x"}}),
                ),
                "t3".into(),
            )],
            &me(),
        );
        assert!(log[0].pending && log[0].mine);
        assert_eq!(log[0].data.confirmed_at.as_deref(), Some("t2"));
        let log = overlay(
            &rows,
            &[(
                op(
                    MENTORING_UPDATE,
                    json!({"entry_id": E1, "fields": {"minutes": 50}}),
                ),
                "t3".into(),
            )],
            &me(),
        );
        assert_eq!(
            (log[0].data.minutes, log[0].data.confirmed_at.clone()),
            (50, None)
        );
        let log = overlay(
            &rows,
            &[(op(MENTORING_DELETE, json!({"entry_id": E1})), "t3".into())],
            &me(),
        );
        assert!(log.is_empty());
    }

    #[test]
    fn growth_counts_each_standard_in_focus_and_keeps_confirmed_apart() {
        let mut rows = Vec::new();
        apply(&mut rows, &logged(), &me(), "t1");
        let unconfirmed = overlay(&rows, &[], &me());
        rows[0].confirmed_at = Some("t2".into());
        let confirmed = overlay(&rows, &[], &me());
        let attended = [Attended {
            standard: Some(Standard::Ethics),
            minutes: 90,
        }];
        let g = growth(&unconfirmed, &attended);
        let ethics = g.iter().find(|(s, _)| *s == Standard::Ethics).unwrap().1;
        assert_eq!(
            ethics,
            Toward {
                confirmed: 0,
                unconfirmed: 45,
                sessions: 90
            }
        );
        let g = growth(&confirmed, &[]);
        let tech = g
            .iter()
            .find(|(s, _)| *s == Standard::Technology)
            .unwrap()
            .1;
        assert_eq!((tech.confirmed, tech.total()), (45, 45));
        assert_eq!(duration_label(135), "2 h 15 min");
        assert_eq!(duration_label(45), "45 min");
    }

    #[test]
    fn the_entry_qr_carries_what_the_partner_signs_and_only_the_partner_can_use_it() {
        let mut rows = Vec::new();
        apply(&mut rows, &logged(), &me(), "t1");
        let text = confirm_qr_text(&rows[0]).unwrap();

        let (shown, confirm) = read_confirm_qr(&text, "esp-0002").unwrap();

        assert_eq!(shown.author, "Ada Lovelace");
        assert_eq!(shown.seen.minutes.get(), 45);
        assert_eq!(confirm.name(), MENTORING_CONFIRM);
        let mut partner_rows = Vec::new();
        let partner = Me {
            id: "2".into(),
            name: "Pat Lee".into(),
            badge: "ESP-0002".into(),
        };
        apply(&mut partner_rows, &confirm, &partner, "t5");
        assert_eq!(partner_rows[0].confirmed_at.as_deref(), Some("t5"));
        // Synced, the confirmation still waits for the author's entry: it
        // counts as unconfirmed until the entry itself arrives.
        let waiting = overlay(&partner_rows, &[], &partner);
        assert!(waiting[0].awaiting_author() && !waiting[0].confirmed());
        let ethics = |log: &[LogEntry]| {
            growth(log, &[])
                .into_iter()
                .find(|(s, _)| *s == Standard::Ethics)
                .map(|(_, t)| (t.confirmed, t.unconfirmed))
        };
        assert_eq!(ethics(&waiting), Some((0, 45)));
        let mut arrived = rows.clone();
        arrived[0].confirmed_at = Some("t6".into());
        let arrived = overlay(&arrived, &[], &partner);
        assert!(!arrived[0].mine && arrived[0].confirmed());
        assert_eq!(ethics(&arrived), Some((45, 0)));
        assert!(
            read_confirm_qr(&text, "ESP-0003")
                .unwrap_err()
                .contains("someone else")
        );
        assert!(read_confirm_qr("ESP-0002", "ESP-0002").is_err());
        assert!(read_confirm_qr(&format!("{QR_PREFIX}{{"), "ESP-0002").is_err());
    }
}
