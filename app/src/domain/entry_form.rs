//! The mentoring log's form: what a person typed becomes a `mentoring.log`
//! or `mentoring.update`, checked here by the rules the server applies, so
//! that the phone refuses at once, in the form's own words, what the server
//! would refuse later.

use time::Date;

use super::attendee::BadgeCode;
use super::ids::EntryId;
use super::logbook::{self, LogEntry};
use super::mentoring::{
    self, Activity, Entry, EntryChanges, EntryDate, MentoringError, MentoringRole, Minutes, Partner,
};
use super::ops::Operation;

/// What the form holds, as typed. `partner_*` are there for a new entry
/// only: an entry's partner is fixed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryForm {
    pub date: String,
    pub minutes: String,
    pub role: String,
    pub activity: String,
    pub standards: Vec<String>,
    pub note: String,
    pub partner_badge: Option<String>,
    pub partner_name: Option<String>,
}

/// Which entry the form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editing {
    New,
    Entry(String),
}

/// Why the form does not become an operation yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    /// The words to show next to the form.
    Refused(String),
    /// Saving would clear the partner's confirmation: say so first.
    Warn,
}

/// A refusal of the rules, in the form's words: the field's label first.
fn refused(label: &str) -> impl Fn(MentoringError) -> Built + '_ {
    move |e| Built::Refused(format!("{label}: {e}"))
}

/// `new`, when it differs from `before` (anything differs from a field the
/// entry does not have).
fn if_changed<T: PartialEq>(before: Option<&T>, new: T) -> Option<T> {
    (before != Some(&new)).then_some(new)
}

/// Checks a new entry or an edit and builds its operation. `current` is
/// the entry being edited as the log shows it; `warned`: the person has
/// been told an edit clears the partner's confirmation; `today` is the
/// phone's date at the conference; `new_id` names a new entry.
pub fn build(
    form: &EntryForm,
    editing: &Editing,
    current: Option<&LogEntry>,
    my_badge: &str,
    warned: bool,
    today: Date,
    new_id: &str,
) -> Result<Operation, Built> {
    let minutes: i64 = form.minutes.trim().parse().map_err(|_| {
        Built::Refused(format!(
            "Minutes: enter a whole number of minutes, not “{}”",
            form.minutes
        ))
    })?;
    let date = EntryDate::parse(&form.date)
        .and_then(|d| d.within(today))
        .map_err(refused("Date"))?;
    let minutes = Minutes::new(minutes).map_err(refused("Minutes"))?;
    let role = MentoringRole::parse(&form.role).map_err(refused("My role"))?;
    let activity = Activity::parse(&form.activity).map_err(refused("Activity"))?;
    let standards = mentoring::parse_standards(form.standards.iter().map(String::as_str))
        .map_err(refused("Universal Standards"))?;
    let note = mentoring::parse_note(&form.note).map_err(refused("Private note"))?;
    match (editing, current) {
        (Editing::New, _) => {
            let entry_id =
                EntryId::parse(new_id).map_err(|e| Built::Refused(format!("Entry: {e}")))?;
            let partner =
                Partner::parse(form.partner_badge.as_deref(), form.partner_name.as_deref())
                    .map_err(refused("Partner"))?;
            if let Ok(me) = BadgeCode::parse(my_badge) {
                partner.check_not_self(&me).map_err(refused("Partner"))?;
            }
            Ok(Operation::MentoringLog {
                entry_id,
                entry: Entry {
                    partner,
                    role,
                    date,
                    minutes,
                    activity,
                    standards,
                    note,
                },
            })
        }
        (Editing::Entry(id), Some(entry)) => {
            let entry_id = EntryId::parse(id).map_err(|e| Built::Refused(format!("Entry: {e}")))?;
            // Only what differs from the entry as shown is sent: last write
            // wins field by field, so an unchanged field must not overwrite
            // a change made meanwhile on another phone.
            let before = logbook::terms_of(&entry.data);
            let before = before.as_ref();
            let changes = EntryChanges {
                role: if_changed(before.map(|b| &b.role), role),
                date: if_changed(before.map(|b| &b.date), date),
                minutes: if_changed(before.map(|b| &b.minutes), minutes),
                activity: if_changed(before.map(|b| &b.activity), activity),
                standards: if_changed(before.map(|b| &b.standards), standards),
                // As typed against as stored: what the rules tidy in a note
                // is not a change the person made.
                note: (form.note != entry.data.note.as_deref().unwrap_or_default()).then_some(note),
            };
            if changes.is_empty() {
                return Err(Built::Refused("Nothing was changed.".into()));
            }
            if changes.touches_terms() && entry.data.confirmed_at.is_some() && !warned {
                return Err(Built::Warn);
            }
            Ok(Operation::MentoringUpdate { entry_id, changes })
        }
        (Editing::Entry(_), None) => Err(Built::Refused("That entry is no longer here.".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mentoring::MentoringRole;
    use crate::protocol::MentoringEntryData;
    use time::macros::date;

    const TODAY: Date = date!(2027 - 03 - 26);
    const NEW_ID: &str = "01a23713-1566-7349-a697-9b716d1e2e5a";
    const MY_BADGE: &str = "ESP-0001";

    fn typed() -> EntryForm {
        EntryForm {
            date: "2027-03-26".into(),
            minutes: "45".into(),
            role: "mentor".into(),
            activity: "co-planning".into(),
            standards: vec!["Technology".into()],
            note: "bring the binder".into(),
            partner_badge: Some("ESP-0002".into()),
            partner_name: None,
        }
    }

    fn stored(confirmed: bool) -> LogEntry {
        LogEntry {
            data: MentoringEntryData {
                id: NEW_ID.into(),
                author_id: "1".into(),
                author_name: "Ana Diaz".into(),
                partner_id: Some("2".into()),
                partner_badge: Some("ESP-0002".into()),
                partner_name: "Pat Lee".into(),
                role: MentoringRole::Mentor,
                date: "2027-03-26".into(),
                minutes: 45,
                activity: crate::domain::mentoring::Activity::CoPlanning,
                standards: vec![crate::domain::Standard::Technology],
                note: Some("bring the binder".into()),
                confirmed_at: confirmed.then(|| "2027-03-26T10:00:00Z".into()),
                updated_at: "2027-03-26T09:00:00Z".into(),
            },
            mine: true,
            pending: false,
        }
    }

    fn new_entry(form: &EntryForm) -> Result<Operation, Built> {
        build(form, &Editing::New, None, MY_BADGE, false, TODAY, NEW_ID)
    }

    fn edit(form: &EntryForm, entry: &LogEntry, warned: bool) -> Result<Operation, Built> {
        let editing = Editing::Entry(NEW_ID.into());
        build(form, &editing, Some(entry), MY_BADGE, warned, TODAY, "")
    }

    #[test]
    fn a_new_entry_becomes_a_log_under_the_id_given() {
        match new_entry(&typed()) {
            Ok(Operation::MentoringLog { entry_id, entry }) => {
                assert_eq!(entry_id.as_str(), NEW_ID);
                assert_eq!(entry.terms().minutes.get(), 45);
            }
            other => panic!("expected a log, got {other:?}"),
        }
    }

    #[test]
    fn what_the_rules_refuse_is_said_in_the_forms_words() {
        let refused = |form: EntryForm| match new_entry(&form) {
            Err(Built::Refused(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            refused(EntryForm {
                minutes: "forty".into(),
                ..typed()
            }),
            "Minutes: enter a whole number of minutes, not “forty”"
        );
        assert!(
            refused(EntryForm {
                minutes: "721".into(),
                ..typed()
            })
            .starts_with("Minutes: ")
        );
        assert!(
            refused(EntryForm {
                date: "2027-03-30".into(),
                ..typed()
            })
            .starts_with("Date: ")
        );
        assert!(
            refused(EntryForm {
                partner_badge: Some(MY_BADGE.into()),
                ..typed()
            })
            .starts_with("Partner: ")
        );
    }

    #[test]
    fn an_edit_sends_only_what_changed_and_nothing_is_refused_as_such() {
        let entry = stored(false);
        assert_eq!(
            edit(&typed(), &entry, false),
            Err(Built::Refused("Nothing was changed.".into()))
        );
        match edit(
            &EntryForm {
                minutes: "60".into(),
                ..typed()
            },
            &entry,
            false,
        ) {
            Ok(op @ Operation::MentoringUpdate { .. }) => {
                assert_eq!(
                    op.args().unwrap().get(),
                    format!(r#"{{"entry_id":"{NEW_ID}","fields":{{"minutes":60}}}}"#)
                );
            }
            other => panic!("expected an update, got {other:?}"),
        }
    }

    #[test]
    fn changing_a_confirmed_entrys_terms_warns_first_but_its_note_does_not() {
        let entry = stored(true);
        let longer = EntryForm {
            minutes: "60".into(),
            ..typed()
        };
        assert_eq!(edit(&longer, &entry, false), Err(Built::Warn));
        assert!(matches!(
            edit(&longer, &entry, true),
            Ok(Operation::MentoringUpdate { .. })
        ));
        let noted = EntryForm {
            note: "left the binder".into(),
            ..typed()
        };
        assert!(matches!(
            edit(&noted, &entry, false),
            Ok(Operation::MentoringUpdate { .. })
        ));
    }

    #[test]
    fn an_entry_gone_meanwhile_is_said_so() {
        let editing = Editing::Entry(NEW_ID.into());
        assert_eq!(
            build(&typed(), &editing, None, MY_BADGE, false, TODAY, ""),
            Err(Built::Refused("That entry is no longer here.".into()))
        );
    }
}
