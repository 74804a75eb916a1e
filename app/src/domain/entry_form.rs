//! The mentoring log's form: what a person typed becomes a `mentoring.log`
//! or `mentoring.update`, checked here by the rules the server applies, so
//! that the phone refuses at once, in the form's own words, what the server
//! would refuse later.

use serde_json::{Value, json};
use time::Date;

use super::attendee::BadgeCode;
use super::logbook::{self, LogEntry};
use super::mentoring::EntryDate;
use super::ops::{MENTORING_LOG, MENTORING_UPDATE, OpError, Operation};

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

/// A field's name as the form labels it, for messages.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "date" => "Date",
        "minutes" => "Minutes",
        "role" => "My role",
        "activity" => "Activity",
        "standards" => "Universal Standards",
        "note" => "Private note",
        "fields" => "The change",
        _ => "Partner",
    }
}

/// A refusal of the rules, in the form's words.
pub fn readable(e: OpError) -> String {
    match e {
        OpError::BadArgs { field, problem } => format!("{}: {problem}", field_label(field)),
        other => other.to_string(),
    }
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
    if let Ok(date) = EntryDate::parse(&form.date) {
        date.within(today)
            .map_err(|e| Built::Refused(format!("Date: {e}")))?;
    }
    let args = json!({
        "date": form.date, "minutes": minutes, "role": form.role,
        "activity": form.activity, "standards": form.standards, "note": form.note,
    });
    match (editing, current) {
        (Editing::New, _) => {
            let mut args = args;
            args["entry_id"] = new_id.into();
            if let Some(badge) = &form.partner_badge {
                args["partner_badge"] = badge.as_str().into();
            }
            if let Some(name) = &form.partner_name {
                args["partner_name"] = name.as_str().into();
            }
            let op =
                Operation::parse(MENTORING_LOG, &args).map_err(|e| Built::Refused(readable(e)))?;
            if let Operation::MentoringLog { entry, .. } = &op
                && let Ok(me) = BadgeCode::parse(my_badge)
            {
                entry
                    .partner
                    .check_not_self(&me)
                    .map_err(|e| Built::Refused(format!("Partner: {e}")))?;
            }
            Ok(op)
        }
        (Editing::Entry(id), Some(entry)) => {
            let before = logbook::terms_of(&entry.data);
            let mut fields = serde_json::Map::new();
            for key in ["date", "minutes", "role", "activity", "standards"] {
                if args[key] != before[key] {
                    fields.insert(key.to_owned(), args[key].clone());
                }
            }
            if form.note != entry.data.note.as_deref().unwrap_or_default() {
                fields.insert("note".to_owned(), Value::from(form.note.as_str()));
            }
            if fields.is_empty() {
                return Err(Built::Refused("Nothing was changed.".into()));
            }
            let terms_change = fields.keys().any(|k| k != "note");
            if terms_change && entry.data.confirmed_at.is_some() && !warned {
                return Err(Built::Warn);
            }
            Operation::parse(MENTORING_UPDATE, &json!({"entry_id": id, "fields": fields}))
                .map_err(|e| Built::Refused(readable(e)))
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
                assert_eq!(op.args()["fields"], json!({"minutes": 60}));
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
