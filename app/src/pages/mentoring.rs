//! The mentoring log ("Supporting Our Own"): my entries and those naming me,
//! newest first with totals; a form to log or edit one; delete with undo;
//! confirming a partner's entry from the list after sync, or offline by
//! scanning the QR code their phone shows. Everything works offline: each
//! change goes to the outbox first and shows its sync state.
//!
//! Each entry's row follows its entry in place (a keyed list, each part
//! reading the entry): a sync that changes an entry never takes the focus
//! from the button someone is on.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::client::actions;
use crate::components::badge_qr::{QrPicture, encode};
use crate::components::camera::CameraScan;
use crate::components::focus::{When, focus_soon};
use crate::components::{Anchor, WhenSignedIn};
use crate::domain::entry_form::Editing;
#[cfg(feature = "browser")]
use crate::domain::entry_form::{Built, EntryForm, build};
use crate::domain::ids::EntryId;
use crate::domain::logbook::{self, LogEntry, Shown};
use crate::domain::mentoring::{Activity, EntryDate, MentoringRole};
use crate::domain::ops::Operation;
use crate::domain::standards::Standard;
use crate::state::AppState;

impl Editing {
    /// The button that opened this form, where the focus returns when it
    /// closes.
    fn opener(&self) -> String {
        match self {
            Editing::New => NEW_ENTRY.to_owned(),
            // Entry ids are UUIDs: nothing to escape in a selector.
            Editing::Entry(id) => format!(r#"[data-edit="{id}"]"#),
        }
    }
}

/// Where the focus goes when what had it is gone and nothing follows.
const NEW_ENTRY: &str = r#"[data-action="new-entry"]"#;

/// How long a deleted entry can be brought back.
const UNDO_SECONDS: u64 = 8;

fn date_label(date: &str) -> String {
    EntryDate::parse(date)
        .map(|d| crate::domain::session::day_label(d.get()))
        .unwrap_or_else(|_| date.to_owned())
}

/// "Pat Lee", or the badge code until sync brings the name.
fn partner_label(e: &LogEntry) -> String {
    match (&e.data.partner_badge, e.data.partner_name.is_empty()) {
        (Some(badge), true) => format!("badge {badge}"),
        _ => e.data.partner_name.clone(),
    }
}

/// Who did what, from the reader's side.
fn who_line(e: &LogEntry) -> String {
    let mentor = e.data.role == MentoringRole::Mentor;
    let partner = partner_label(e);
    match (e.mine, mentor) {
        (true, true) => format!("You mentored {partner}"),
        (true, false) => format!("{partner} mentored you"),
        (false, true) if e.data.author_name.is_empty() => {
            "You were mentored (details after sync)".to_owned()
        }
        (false, true) => format!("{} mentored you", e.data.author_name),
        (false, false) => format!("You mentored {}", e.data.author_name),
    }
}

/// The sync state a row shows, as a word (for styling and tests) and in
/// words.
fn sync_state(e: &LogEntry) -> (&'static str, &'static str) {
    if e.pending {
        ("pending", "Saved on this device, waiting to sync")
    } else if e.awaiting_author() {
        (
            "awaiting",
            "Sent; it counts once your partner's phone has sent the entry",
        )
    } else {
        ("synced", "Synced")
    }
}

fn confirmation(e: &LogEntry) -> &'static str {
    match (&e.data.confirmed_at, &e.data.partner_badge) {
        (Some(_), _) if e.mine => "Confirmed by your partner",
        (Some(_), _) => "Confirmed by you",
        (None, None) => "Partner not at the conference: no confirmation",
        (None, Some(_)) => "Not confirmed yet",
    }
}

fn standards_line(e: &LogEntry) -> String {
    if e.data.standards.is_empty() {
        "No standard chosen".to_owned()
    } else {
        let names: Vec<&str> = e.data.standards.iter().map(|s| s.as_str()).collect();
        names.join(", ")
    }
}

/// The entry, as its partner would confirm it.
fn confirm_op(entry: &LogEntry) -> Option<Operation> {
    Some(Operation::MentoringConfirm {
        entry_id: EntryId::parse(&entry.data.id).ok()?,
        seen: logbook::terms_of(&entry.data)?,
    })
}

/// "Pat Lee logged 50 min of shadowing on …": what a scanned code says.
fn shown_line(shown: &Shown) -> impl IntoView + use<> {
    let seen = &shown.seen;
    let author = if shown.author.is_empty() {
        "Your partner".to_owned()
    } else {
        shown.author.clone()
    };
    let standards: Vec<&str> = seen.standards.iter().map(|s| s.as_str()).collect();
    let rest = format!(
        " logged {} of {} on {}, as your {}. Standards: {}.",
        logbook::duration_label(u32::from(seen.minutes.get())),
        seen.activity.label().to_lowercase(),
        date_label(&seen.date.to_string()),
        if seen.role == MentoringRole::Mentor {
            "mentor"
        } else {
            "mentee"
        },
        if standards.is_empty() {
            "none".to_owned()
        } else {
            standards.join(", ")
        },
    );
    view! { <p><strong>{author}</strong>{rest}</p> }
}

/// The form's values, as typed.
#[cfg(feature = "browser")]
fn read_form(form: &web_sys::HtmlFormElement) -> Result<EntryForm, String> {
    let data = web_sys::FormData::new_with_form(form).map_err(|_| "The form could not be read.")?;
    let text = |name: &str| data.get(name).as_string().unwrap_or_default();
    Ok(EntryForm {
        date: text("date"),
        minutes: text("minutes"),
        role: text("role"),
        activity: text("activity"),
        standards: data
            .get_all("standards")
            .iter()
            .filter_map(|v| v.as_string())
            .collect(),
        note: text("note"),
        partner_badge: data.get("partner_badge").as_string(),
        partner_name: data.get("partner_name").as_string(),
    })
}

const CONFIRMED_HERE: &str =
    "Confirmed on this phone. It reaches the server when the network allows.";

/// The page's own state, shared by its parts, and what its buttons do.
#[derive(Clone, Copy)]
struct Log {
    state: AppState,
    /// What the undo time and the moves of the focus belong to: the page,
    /// not the row whose button started them.
    page: Anchor,
    /// Which entry the form is open for, as asked.
    editing: RwSignal<Option<Editing>>,
    /// The same, changing only when it changes: what the form is drawn
    /// from, so asking again for the open form keeps what was typed.
    open: Memo<Option<Editing>>,
    /// The form warned that saving clears the partner's confirmation.
    warned: RwSignal<bool>,
    /// Why the form was not saved, in its words.
    form_error: RwSignal<Option<String>>,
    /// The new entry's partner badge, as typed or read by the camera.
    partner_badge: RwSignal<String>,
    /// The entry just deleted, hidden while its deletion can be undone.
    hidden: RwSignal<Option<String>>,
    /// Each deletion's number: an undo time only ends the deletion it was
    /// started for (delete, undo and delete again gets a full undo time).
    deletions: StoredValue<u32>,
    /// The entry whose code is shown for its partner.
    qr_for: RwSignal<Option<String>>,
    scanning: RwSignal<bool>,
    scanned: RwSignal<Option<Result<(Shown, Operation), String>>>,
    done: RwSignal<Option<&'static str>>,
}

impl Log {
    fn new(state: AppState) -> Self {
        let editing = RwSignal::new(None);
        Log {
            state,
            page: Anchor::here(),
            editing,
            open: Memo::new(move |_| editing.get()),
            warned: RwSignal::new(false),
            form_error: RwSignal::new(None),
            partner_badge: RwSignal::new(String::new()),
            hidden: RwSignal::new(None),
            deletions: StoredValue::new(0),
            qr_for: RwSignal::new(None),
            scanning: RwSignal::new(false),
            scanned: RwSignal::new(None),
            done: RwSignal::new(None),
        }
    }

    /// Moves the focus once the page is redrawn (see [`focus_soon`]).
    fn focus(self, selector: impl Into<String>, when: When) {
        self.page.run(|| focus_soon(selector.into(), when));
    }

    fn find(self, id: &str) -> Option<LogEntry> {
        self.state
            .log
            .with_untracked(|log| log.iter().find(|e| e.data.id == id).cloned())
    }

    fn my_badge(self) -> String {
        self.state.account.with_untracked(|a| {
            a.as_ref()
                .and_then(|a| a.attendee().map(|a| a.badge_code.clone()))
                .unwrap_or_default()
        })
    }

    /// Opens the form for a new entry or one to edit, or closes it (with
    /// `None`); the focus goes into it, or back to what opened it.
    fn open_form(self, which: Option<Editing>) {
        let focus = match &which {
            Some(_) => "#m-date".to_owned(),
            None => self
                .editing
                .get_untracked()
                .map_or_else(|| NEW_ENTRY.to_owned(), |e| e.opener()),
        };
        if self.editing.get_untracked() != which {
            self.warned.set(false);
            self.form_error.set(None);
            self.partner_badge.set(String::new());
            self.editing.set(which);
        }
        self.done.set(None);
        self.focus(focus, When::Always);
    }

    fn toggle_scan(self) {
        self.scanned.set(None);
        self.scanning.update(|s| *s = !*s);
        if self.scanning.get_untracked() {
            self.focus("#entry-code", When::Always);
        }
    }

    fn show_code(self, id: String) {
        self.qr_for.set(Some(id));
        self.focus(r#"[data-action="close-qr"]"#, When::Always);
    }

    fn close_code(self) {
        if let Some(id) = self.qr_for.get_untracked() {
            self.focus(format!(r#"[data-show-qr="{id}"]"#), When::Always);
        }
        self.qr_for.set(None);
    }

    /// Sends the deletion to the outbox: the undo time is over.
    fn delete_now(self, id: String) {
        let state = self.state;
        if let Ok(entry_id) = EntryId::parse(&id) {
            let op = Operation::MentoringDelete { entry_id };
            actions::mentoring(state, op, move |saved| {
                if let Err(message) = saved {
                    state.notice.set(Some(message));
                }
            });
        }
    }

    /// Hides the entry and offers Undo for a while; then deletes it.
    fn delete(self, id: String) {
        if let Some(previous) = self.hidden.get_untracked() {
            self.delete_now(previous);
        }
        self.hidden.set(Some(id.clone()));
        self.focus(r#"[data-action="undo"]"#, When::Always);
        let number = self.deletions.get_value().wrapping_add(1);
        self.deletions.set_value(number);
        let later = move || {
            if self.deletions.get_value() == number
                && self.hidden.get_untracked().as_deref() == Some(id.as_str())
            {
                self.hidden.set(None);
                self.delete_now(id);
                self.focus(NEW_ENTRY, When::IfLost);
            }
        };
        let undo_time = std::time::Duration::from_secs(UNDO_SECONDS);
        self.page
            .run(|| crate::components::run_later(later, undo_time));
    }

    fn undo(self) {
        if let Some(id) = self.hidden.get_untracked() {
            self.focus(format!(r#"[data-edit="{id}"]"#), When::Always);
        }
        self.hidden.set(None);
    }

    /// Confirms a partner's entry from the list.
    fn confirm(self, id: &str) {
        let Some(op) = self.find(id).as_ref().and_then(confirm_op) else {
            return;
        };
        let state = self.state;
        actions::mentoring(state, op, move |saved| match saved {
            Ok(()) => {
                self.done.set(Some(CONFIRMED_HERE));
                // The entry's Confirm button is gone once it is confirmed.
                self.focus(NEW_ENTRY, When::IfLost);
            }
            Err(message) => state.notice.set(Some(message)),
        });
    }

    /// Reads an entry's code (scanned, or its text pasted).
    fn read_code(self, text: String) {
        let read = logbook::read_confirm_qr(&text, &self.my_badge());
        // The next step: confirm what was read, or fix the code text.
        let next = if read.is_ok() {
            r#"[data-action="confirm-scanned"]"#
        } else {
            "#entry-code"
        };
        self.scanned.set(Some(read));
        self.focus(next, When::Always);
    }

    fn confirm_scanned(self) {
        let Some(Ok((_, op))) = self.scanned.get_untracked() else {
            return;
        };
        actions::mentoring(self.state, op, move |saved| match saved {
            Ok(()) => {
                self.scanned.set(None);
                self.scanning.set(false);
                self.done.set(Some(CONFIRMED_HERE));
                self.focus(r#"[data-action="scan-entry"]"#, When::IfLost);
            }
            Err(message) => self.scanned.set(Some(Err(message))),
        });
    }

    /// Saves what the form holds, once the domain's rules accept it. The
    /// form stays, with what was typed, until the change is safely in the
    /// outbox.
    #[cfg(feature = "browser")]
    fn save(self, form: &web_sys::HtmlFormElement) {
        let Some(which) = self.editing.get_untracked() else {
            return;
        };
        let refuse = move |message: String| self.form_error.set(Some(message));
        let typed = match read_form(form) {
            Ok(typed) => typed,
            Err(message) => return refuse(message),
        };
        let current = match &which {
            Editing::Entry(id) => self.find(id),
            Editing::New => None,
        };
        let new_id = match &which {
            Editing::New => actions::fresh_id().unwrap_or_default(),
            Editing::Entry(_) => String::new(),
        };
        let opener = which.opener();
        match build(
            &typed,
            &which,
            current.as_ref(),
            &self.my_badge(),
            self.warned.get_untracked(),
            crate::state::now().date(),
            &new_id,
        ) {
            Ok(op) => actions::mentoring(self.state, op, move |saved| match saved {
                Ok(()) => {
                    self.editing.set(None);
                    self.done.set(Some("Saved on this phone."));
                    self.focus(opener, When::Always);
                }
                Err(message) => refuse(message),
            }),
            Err(Built::Warn) => {
                self.warned.set(true);
                refuse(
                    "Your partner confirmed this entry. Saving this change clears their confirmation: they will need to confirm it again. Press Save again to go ahead."
                        .to_owned(),
                );
            }
            Err(Built::Refused(message)) => refuse(message),
        }
    }
}

/// One entry of the list. Every part reads the entry as it is now, so a
/// sync changes the text in place and the buttons stay.
#[component]
fn EntryRow(log: Log, id: String) -> impl IntoView {
    let entry = {
        let id = id.clone();
        Memo::new(move |_| {
            log.state
                .log
                .with(|l| l.iter().find(|e| e.data.id == id).cloned())
        })
    };
    let part = move |f: fn(&LogEntry) -> String| {
        move || entry.with(|e| e.as_ref().map(f).unwrap_or_default())
    };
    let is = move |f: fn(&LogEntry) -> bool| move || entry.with(|e| e.as_ref().is_some_and(f));
    let mine = entry.with_untracked(|e| e.as_ref().is_some_and(|e| e.mine));
    let id = StoredValue::new(id);
    let mine_buttons = move || {
        view! {
            <button type="button" data-edit=id.get_value() on:click=move |_| {
                log.open_form(Some(Editing::Entry(id.get_value())))
            }>"Edit"</button>
            <button type="button" class="danger" data-delete=id.get_value() on:click=move |_| {
                log.delete(id.get_value())
            }>"Delete"</button>
            <Show when=is(|e| e.data.partner_badge.is_some() && e.data.confirmed_at.is_none())>
                <button type="button" data-show-qr=id.get_value() on:click=move |_| {
                    log.show_code(id.get_value())
                }>"Show code for partner"</button>
            </Show>
        }
    };
    let partner_buttons = move || {
        view! {
            <Show when=is(|e| e.data.confirmed_at.is_none() && !e.data.author_name.is_empty())>
                <button type="button" data-confirm=id.get_value() on:click=move |_| {
                    id.with_value(|id| log.confirm(id))
                }>"Confirm"</button>
            </Show>
        }
    };
    view! {
        <li
            class="entry"
            data-id=id.get_value()
            data-state=part(|e| sync_state(e).0.to_owned())
            data-confirmed=part(|e| if e.data.confirmed_at.is_some() { "yes" } else { "no" }.to_owned())
        >
            <p class="entry-head">
                <strong>{part(|e| date_label(&e.data.date))}</strong>
                " · "
                {part(|e| logbook::duration_label(u32::from(e.data.minutes)))}
                " · "
                {part(|e| e.data.activity.label().to_owned())}
            </p>
            <p>{part(who_line)}</p>
            <p class="entry-standards">{part(standards_line)}</p>
            <Show when=is(|e| e.data.note.as_deref().is_some_and(|n| !n.is_empty()))>
                <p class="entry-note">
                    <span class="visually-hidden">"Private note: "</span>
                    {part(|e| e.data.note.clone().unwrap_or_default())}
                </p>
            </Show>
            <p class="entry-state">
                {part(|e| confirmation(e).to_owned())}
                " · "
                {part(|e| sync_state(e).1.to_owned())}
            </p>
            <p class="entry-actions">
                {if mine { Either::Left(mine_buttons()) } else { Either::Right(partner_buttons()) }}
            </p>
        </li>
    }
}

/// The summary, the log's actions and the list of entries.
#[component]
fn Entries(log: Log) -> impl IntoView {
    let state = log.state;
    // Every entry but the one whose deletion can still be undone.
    let listed = Memo::new(move |_| {
        log.hidden.with(|hidden| {
            state.log.with(|l| {
                l.iter()
                    .filter(|e| Some(&e.data.id) != hidden.as_ref())
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let count = move || listed.with(Vec::len);
    let minutes = move |confirmed_only: bool| {
        let total = listed.with(|l| {
            l.iter()
                .filter(|e| !confirmed_only || e.confirmed())
                .map(|e| u32::from(e.data.minutes))
                .sum()
        });
        logbook::duration_label(total)
    };
    let ids = move || listed.with(|l| l.iter().map(|e| e.data.id.clone()).collect::<Vec<_>>());
    view! {
        <p class="log-summary">
            {count}
            {move || if count() == 1 { " entry · " } else { " entries · " }}
            {move || minutes(false)}
            " in all · "
            {move || minutes(true)}
            " confirmed · "
            <a href="/growth">"My growth record"</a>
        </p>
        <p class="log-actions">
            <button type="button" data-action="new-entry" on:click=move |_| {
                log.open_form(Some(Editing::New))
            }>"New entry"</button>
            <button type="button" data-action="scan-entry" on:click=move |_| {
                log.toggle_scan()
            }>"Confirm a partner's entry by its code"</button>
        </p>
        <Show
            when=move || count() != 0
            fallback=|| {
                view! {
                    <p class="placeholder">
                        "No entries yet. Log a meeting with your mentor or mentee."
                    </p>
                }
            }
        >
            <ul class="entry-list">
                <For each=ids key=|id| id.clone() let(id)>
                    <EntryRow log id/>
                </For>
            </ul>
        </Show>
    }
}

/// The form to log an entry or edit one, filled from the entry when
/// editing. Drawn once per opening: a sync never redraws it while it is
/// being filled.
#[component]
fn EntryEditor(log: Log, which: Editing) -> impl IntoView {
    let current = match &which {
        Editing::Entry(id) => log.find(id),
        Editing::New => None,
    };
    let d = current.as_ref().map(|e| e.data.clone());
    let today = crate::state::now()
        .to_offset(log.state.conference_offset())
        .date()
        .to_string();
    let date = d.as_ref().map_or(today, |d| d.date.clone());
    let minutes = d.as_ref().map_or(String::new(), |d| d.minutes.to_string());
    let role = d.as_ref().map_or(MentoringRole::Mentor, |d| d.role);
    let activity = d.as_ref().map_or(Activity::Conversation, |d| d.activity);
    let note = d.as_ref().and_then(|d| d.note.clone()).unwrap_or_default();
    let chosen = d.map(|d| d.standards).unwrap_or_default();
    let form = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "browser")]
        if let Some(form) = form.get_untracked() {
            log.save(&form);
        }
    };
    let partner = match &current {
        Some(e) => Either::Left(view! {
            <p>
                "Partner: " <strong>{partner_label(e)}</strong>
                " (an entry's partner cannot change)"
            </p>
        }),
        None => Either::Right(view! {
            <fieldset class="field">
                <legend>"Partner"</legend>
                <label for="m-badge">"Their badge code (scan or type it)"</label>
                <input
                    id="m-badge"
                    name="partner_badge"
                    autocomplete="off"
                    autocapitalize="characters"
                    bind:value=log.partner_badge
                />
                <label for="m-name">"Or, for someone not at the conference, their name"</label>
                <input id="m-name" name="partner_name" autocomplete="off"/>
            </fieldset>
        }),
    };
    view! {
        <form class="entry-form" node_ref=form novalidate on:submit=on_submit>
            <h2>{if current.is_some() { "Edit entry" } else { "New entry" }}</h2>
            <div class="field">
                <label for="m-date">"Date"</label>
                <input id="m-date" name="date" type="date" required value=date/>
            </div>
            <div class="field">
                <label for="m-minutes">"Minutes"</label>
                <input
                    id="m-minutes"
                    name="minutes"
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max="720"
                    required
                    value=minutes
                />
            </div>
            {partner}
            <div class="field">
                <label for="m-role">"My role"</label>
                <select id="m-role" name="role">
                    <option value="mentor" selected=role == MentoringRole::Mentor>"Mentor"</option>
                    <option value="mentee" selected=role == MentoringRole::Mentee>"Mentee"</option>
                </select>
            </div>
            <div class="field">
                <label for="m-activity">"Activity"</label>
                <select id="m-activity" name="activity">
                    {Activity::ALL
                        .iter()
                        .map(|&a| {
                            view! {
                                <option value=a.as_str() selected=a == activity>
                                    {a.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <fieldset class="field standards">
                <legend>"Universal Standards in focus"</legend>
                {Standard::ALL
                    .iter()
                    .map(|s| {
                        let name = s.as_str();
                        let checked = chosen.contains(s);
                        view! {
                            <label>
                                <input type="checkbox" name="standards" value=name checked=checked/>
                                " "
                                {name}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <label for="m-note">"Private note (only you see it)"</label>
                <textarea id="m-note" name="note" rows="3" maxlength="4000" prop:value=note></textarea>
            </div>
            <p class="form-error" role="alert" id="m-error">{move || log.form_error.get()}</p>
            <button type="submit" class="primary">"Save"</button>
            <button type="button" data-action="cancel-form" on:click=move |_| log.open_form(None)>
                "Cancel"
            </button>
        </form>
    }
}

/// The entry's code, for the partner's phone to scan.
#[component]
fn EntryCode(log: Log, entry: LogEntry) -> impl IntoView {
    let text = logbook::confirm_qr_text(&entry.data);
    let picture = match text.as_deref().and_then(encode) {
        Some(modules) => Either::Left(view! {
            <QrPicture modules label="Entry code for your partner"/>
        }),
        None => Either::Right(view! { <p>"This entry is too long for a code."</p> }),
    };
    view! {
        <div class="entry-qr" role="dialog" aria-label="Code for your partner">
            <p>
                "Ask " {partner_label(&entry)}
                " to open their Mentoring log, choose “Confirm a partner's entry by its code” and scan this. It works with both phones offline."
            </p>
            {picture}
            <p class="qr-text">"Code text: " <code>{text.unwrap_or_default()}</code></p>
            <button type="button" data-action="close-qr" on:click=move |_| log.close_code()>
                "Close"
            </button>
        </div>
    }
}

/// Confirming a partner's entry by its code: scanned, or its text pasted.
#[component]
fn ScanCode(log: Log) -> impl IntoView {
    let code = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = code.get_untracked() {
            log.read_code(input.value());
        }
    };
    let result = move || {
        log.scanned.get().map(|read| match read {
            Ok((shown, _)) => Either::Left(view! {
                <div class="scanned">{shown_line(&shown)}</div>
                <button
                    type="button"
                    class="primary"
                    data-action="confirm-scanned"
                    on:click=move |_| log.confirm_scanned()
                >
                    "Confirm this entry"
                </button>
            }),
            Err(message) => Either::Right(view! {
                <p class="form-error" role="alert">{message}</p>
            }),
        })
    };
    view! {
        <div class="entry-scan">
            <h2>"Confirm a partner's entry"</h2>
            <form on:submit=on_submit>
                <label for="entry-code">"Or paste the entry's code text"</label>
                <input node_ref=code id="entry-code" name="code" autocomplete="off"/>
                <button type="submit">"Read"</button>
            </form>
            {result}
        </div>
    }
}

#[component]
pub fn MentoringPage() -> impl IntoView {
    let state = AppState::get();
    let log = Log::new(state);
    // Leaving the page during the undo time keeps the deletion.
    on_cleanup(move || {
        if let Some(id) = log.hidden.try_get_untracked().flatten() {
            log.delete_now(id);
        }
    });
    let signed_in = move || {
        state
            .account
            .with(|a| a.as_ref().and_then(|a| a.attendee()).is_some())
    };
    let on_code = Callback::new(move |code: String| {
        if log.scanning.get_untracked() {
            log.read_code(code);
        } else {
            log.partner_badge.set(code);
        }
    });
    let camera = move || log.scanning.get() || log.open.with(|e| *e == Some(Editing::New));
    view! {
        <Title text="Mentoring log"/>
        <section class="page mentoring">
            <h1>"Mentoring log"</h1>
            <WhenSignedIn signed_in=signed_in to=" to keep your mentoring log. It is kept on this phone and works offline.">
                <Entries log/>
            </WhenSignedIn>
            <p class="done" role="status">{move || log.done.get()}</p>
            <p class="undo" role="status">
                <Show when=move || log.hidden.with(Option::is_some)>
                    "Entry deleted. "
                    <button type="button" data-action="undo" on:click=move |_| log.undo()>
                        "Undo"
                    </button>
                </Show>
            </p>
            {move || log.open.get().map(|which| view! { <EntryEditor log which/> })}
            {move || {
                log.qr_for
                    .get()
                    .and_then(|id| log.find(&id))
                    .map(|entry| view! { <EntryCode log entry/> })
            }}
            <Show when=move || log.scanning.get()>
                <ScanCode log/>
            </Show>
            <Show when=camera>
                <CameraScan on_code/>
            </Show>
        </section>
    }
}
