//! The mentoring log ("Supporting Our Own"): my entries and those naming me,
//! newest first with totals; a form to log or edit one; delete with undo;
//! confirming a partner's entry from the list after sync, or offline by
//! scanning the QR code their phone shows. Everything works offline: each
//! change goes to the outbox first and shows its sync state.
//!
//! The list and the form are drawn as escaped markup with one handler each
//! (as the kiosk desk is): a view per row and per field would cost the
//! bundle far more (BENCHMARKS.md).

use leptos::prelude::*;
use leptos_meta::Title;
use serde_json::json;

use crate::components::badge_qr::{encode, qr_svg};
use crate::components::camera::CameraScan;
use crate::components::focus::{When, focus_soon, keep_focus};
use crate::domain::entry_form::Editing;
#[cfg(feature = "hydrate")]
use crate::domain::entry_form::{Built, EntryForm, build};
use crate::domain::logbook::{self, LogEntry, Shown};
use crate::domain::mentoring::{Activity, EntryDate, MentoringRole};
use crate::domain::ops::{MENTORING_CONFIRM, Operation};
use crate::domain::standards::Standard;
use crate::domain::text::escape_html as escape;
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

fn activity_label(activity: &str) -> &str {
    match activity {
        "co-planning" => "Co-planning",
        "conversation" => "Conversation",
        "observation" => "Observation",
        "shadowing" => "Shadowing",
        "training" => "Training",
        _ => "Other",
    }
}

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

fn entry_html(e: &LogEntry) -> String {
    let d = &e.data;
    let id = escape(&d.id);
    let standards = if d.standards.is_empty() {
        "No standard chosen".to_owned()
    } else {
        d.standards.join(", ")
    };
    let confirmation = match (&d.confirmed_at, &d.partner_badge) {
        (Some(_), _) if e.mine => "Confirmed by your partner",
        (Some(_), _) => "Confirmed by you",
        (None, None) => "Partner not at the conference: no confirmation",
        (None, Some(_)) => "Not confirmed yet",
    };
    let sync = if e.pending {
        "Saved on this device, waiting to sync"
    } else if e.awaiting_author() {
        "Sent; it counts once your partner's phone has sent the entry"
    } else {
        "Synced"
    };
    let mut html = format!(
        r#"<li class="entry" data-id="{id}" data-state="{}" data-confirmed="{}"><p class="entry-head"><strong>{}</strong> · {} · {}</p><p>{}</p><p class="entry-standards">{}</p>"#,
        if e.pending {
            "pending"
        } else if e.awaiting_author() {
            "awaiting"
        } else {
            "synced"
        },
        if d.confirmed_at.is_some() {
            "yes"
        } else {
            "no"
        },
        escape(&date_label(&d.date)),
        logbook::duration_label(u32::from(d.minutes)),
        activity_label(&d.activity),
        escape(&who_line(e)),
        escape(&standards),
    );
    if let Some(note) = d.note.as_deref().filter(|n| !n.is_empty()) {
        html += &format!(
            r#"<p class="entry-note"><span class="visually-hidden">Private note: </span>{}</p>"#,
            escape(note)
        );
    }
    html +=
        &format!(r#"<p class="entry-state">{confirmation} · {sync}</p><p class="entry-actions">"#);
    if e.mine {
        html += &format!(
            r#"<button type="button" data-edit="{id}">Edit</button><button type="button" class="danger" data-delete="{id}">Delete</button>"#
        );
        if d.partner_badge.is_some() && d.confirmed_at.is_none() {
            html += &format!(
                r#"<button type="button" data-show-qr="{id}">Show code for partner</button>"#
            );
        }
    } else if d.confirmed_at.is_none() && !d.author_name.is_empty() {
        html += &format!(r#"<button type="button" data-confirm="{id}">Confirm</button>"#);
    }
    html + "</p></li>"
}

fn option(value: &str, label: &str, selected: bool) -> String {
    format!(
        r#"<option value="{value}"{}>{label}</option>"#,
        if selected { " selected" } else { "" }
    )
}

/// The form's fields, filled from `entry` when editing one.
fn form_html(entry: Option<&LogEntry>, today: &str) -> String {
    let d = entry.map(|e| &e.data);
    let date = d.map_or(today, |d| d.date.as_str());
    let minutes = d.map_or(String::new(), |d| d.minutes.to_string());
    let role = d.map_or("mentor", |d| d.role.as_str());
    let activity = d.map_or("conversation", |d| d.activity.as_str());
    let note = d.and_then(|d| d.note.clone()).unwrap_or_default();
    let mut html = format!(
        r#"<h2>{}</h2><div class="field"><label for="m-date">Date</label><input id="m-date" name="date" type="date" required value="{}"></div><div class="field"><label for="m-minutes">Minutes</label><input id="m-minutes" name="minutes" type="number" inputmode="numeric" min="1" max="720" required value="{}"></div>"#,
        if entry.is_some() {
            "Edit entry"
        } else {
            "New entry"
        },
        escape(date),
        escape(&minutes),
    );
    html += &match entry {
        Some(e) => format!(
            r#"<p>Partner: <strong>{}</strong> (an entry's partner cannot change)</p>"#,
            escape(&partner_label(e))
        ),
        None => r#"<fieldset class="field"><legend>Partner</legend><label for="m-badge">Their badge code (scan or type it)</label><input id="m-badge" name="partner_badge" autocomplete="off" autocapitalize="characters"><label for="m-name">Or, for someone not at the conference, their name</label><input id="m-name" name="partner_name" autocomplete="off"></fieldset>"#.to_owned(),
    };
    html +=
        r#"<div class="field"><label for="m-role">My role</label><select id="m-role" name="role">"#;
    html += &option("mentor", "Mentor", role == "mentor");
    html += &option("mentee", "Mentee", role == "mentee");
    html += r#"</select></div><div class="field"><label for="m-activity">Activity</label><select id="m-activity" name="activity">"#;
    for a in Activity::ALL {
        html += &option(
            a.as_str(),
            activity_label(a.as_str()),
            a.as_str() == activity,
        );
    }
    html += r#"</select></div><fieldset class="field standards"><legend>Universal Standards in focus</legend>"#;
    for s in Standard::ALL {
        let checked = d.is_some_and(|d| d.standards.iter().any(|n| n == s.as_str()));
        html += &format!(
            r#"<label><input type="checkbox" name="standards" value="{0}"{1}> {0}</label>"#,
            s.as_str(),
            if checked { " checked" } else { "" }
        );
    }
    html + &format!(
        r#"</fieldset><div class="field"><label for="m-note">Private note (only you see it)</label><textarea id="m-note" name="note" rows="3" maxlength="4000">{}</textarea></div>"#,
        escape(&note)
    )
}

/// The form's values, as typed.
#[cfg(feature = "hydrate")]
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

/// The entry, as its partner would confirm it.
fn confirm_op(entry: &LogEntry) -> Option<Operation> {
    let seen = logbook::terms_of(&entry.data);
    Operation::parse(
        MENTORING_CONFIRM,
        &json!({"entry_id": entry.data.id, "seen": seen}),
    )
    .ok()
}

fn shown_html(shown: &Shown) -> String {
    let seen = &shown.seen;
    let author = if shown.author.is_empty() {
        "Your partner"
    } else {
        &shown.author
    };
    let standards: Vec<&str> = seen.standards.iter().map(|s| s.as_str()).collect();
    format!(
        "<p><strong>{}</strong> logged {} of {} on {}, as your {}. Standards: {}.</p>",
        escape(author),
        logbook::duration_label(u32::from(seen.minutes.get())),
        activity_label(seen.activity.as_str()).to_lowercase(),
        escape(&date_label(&seen.date.to_string())),
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
    )
}

/// The summary, the actions and the list: everything that follows the log.
fn log_html(state: &AppState, hidden: Option<&str>) -> String {
    if !state.loaded.get() {
        return r#"<p class="placeholder" role="status">Opening…</p>"#.to_owned();
    }
    if state
        .account
        .with(|a| a.as_ref().and_then(|a| a.attendee()).is_none())
    {
        return r#"<p class="placeholder"><a href="/signin">Sign in</a> to keep your mentoring log. It is kept on this phone and works offline.</p>"#.to_owned();
    }
    let entries: Vec<LogEntry> = state.log.with(|log| {
        log.iter()
            .filter(|e| Some(e.data.id.as_str()) != hidden)
            .cloned()
            .collect()
    });
    let minutes = |confirmed_only: bool| -> u32 {
        entries
            .iter()
            .filter(|e| !confirmed_only || e.confirmed())
            .map(|e| u32::from(e.data.minutes))
            .sum()
    };
    let mut html = format!(
        r#"<p class="log-summary">{} {} · {} in all · {} confirmed · <a href="/growth">My growth record</a></p><p class="log-actions"><button type="button" data-action="new-entry">New entry</button><button type="button" data-action="scan-entry">Confirm a partner's entry by its code</button></p>"#,
        entries.len(),
        if entries.len() == 1 {
            "entry"
        } else {
            "entries"
        },
        logbook::duration_label(minutes(false)),
        logbook::duration_label(minutes(true)),
    );
    if entries.is_empty() {
        html += r#"<p class="placeholder">No entries yet. Log a meeting with your mentor or mentee.</p>"#;
        return html;
    }
    html += r#"<ul class="entry-list">"#;
    for e in &entries {
        html += &entry_html(e);
    }
    html + "</ul>"
}

/// The form around [`form_html`]'s fields.
fn form_region(editing: Option<&Editing>, current: Option<&LogEntry>, today: &str) -> String {
    let Some(which) = editing else {
        return String::new();
    };
    let current = match which {
        Editing::New => None,
        Editing::Entry(_) => current,
    };
    format!(
        r#"<form class="entry-form" data-form="entry" novalidate>{}<p class="form-error" role="alert" id="m-error"></p><button type="submit" class="primary">Save</button><button type="button" data-action="cancel-form">Cancel</button></form>"#,
        form_html(current, today)
    )
}

fn qr_region(entry: Option<&LogEntry>) -> String {
    let Some(entry) = entry else {
        return String::new();
    };
    let text = logbook::confirm_qr_text(&entry.data);
    let picture = encode(&text)
        .and_then(|m| qr_svg(&m, "Entry code for your partner"))
        .unwrap_or_else(|| "<p>This entry is too long for a code.</p>".to_owned());
    format!(
        r#"<div class="entry-qr" role="dialog" aria-label="Code for your partner"><p>Ask {} to open their Mentoring log, choose “Confirm a partner's entry by its code” and scan this. It works with both phones offline.</p>{picture}<p class="qr-text">Code text: <code>{}</code></p><button type="button" data-action="close-qr">Close</button></div>"#,
        escape(&partner_label(entry)),
        escape(&text)
    )
}

fn scan_region(open: bool, read: Option<&Result<(Shown, Operation), String>>) -> String {
    if !open {
        return String::new();
    }
    let result = match read {
        None => String::new(),
        Some(Ok((shown, _))) => format!(
            r#"<div class="scanned">{}</div><button type="button" class="primary" data-action="confirm-scanned">Confirm this entry</button>"#,
            shown_html(shown)
        ),
        Some(Err(message)) => format!(
            r#"<p class="form-error" role="alert">{}</p>"#,
            escape(message)
        ),
    };
    format!(
        r#"<div class="entry-scan"><h2>Confirm a partner's entry</h2><form data-form="scan"><label for="entry-code">Or paste the entry's code text</label><input id="entry-code" name="code" autocomplete="off"><button type="submit">Read</button></form>{result}</div>"#
    )
}

/// Shows a message in the open form (drawn as markup, so set directly).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // used by the form handler, in the browser
fn form_error(message: &str) {
    if let Some(p) = document().get_element_by_id("m-error") {
        p.set_text_content(Some(message));
    }
}

#[component]
pub fn MentoringPage() -> impl IntoView {
    let state = AppState::get();
    let editing = RwSignal::new(None::<Editing>);
    let warned = RwSignal::new(false);
    let hidden = RwSignal::new(None::<String>);
    // Each deletion's number: an undo time only ends the deletion it was
    // started for (delete, undo and delete again gets a full undo time).
    let deletions = StoredValue::new(0u32);
    let qr_for = RwSignal::new(None::<String>);
    let scanning = RwSignal::new(false);
    let scanned = RwSignal::new(None::<Result<(Shown, Operation), String>>);
    let done = RwSignal::new(None::<&'static str>);
    let my_badge = move || {
        state.account.with_untracked(|a| {
            a.as_ref()
                .and_then(|a| a.attendee().map(|a| a.badge_code.clone()))
                .unwrap_or_default()
        })
    };
    let find = move |id: &str| {
        state
            .log
            .with_untracked(|log| log.iter().find(|e| e.data.id == id).cloned())
    };
    let delete_now = move |id: String| {
        if let Ok(op) = Operation::parse(
            crate::domain::ops::MENTORING_DELETE,
            &json!({ "entry_id": id }),
        ) {
            state.queue_mentoring(op, move |saved| {
                if let Err(message) = saved {
                    state.notice.set(Some(message));
                }
            });
        }
    };
    // Leaving the page during the undo time keeps the deletion.
    on_cleanup(move || {
        if let Some(id) = hidden.try_get_untracked().flatten() {
            delete_now(id);
        }
    });
    let confirmed_here = "Confirmed on this phone. It reaches the server when the network allows.";
    let read_code = move |text: String| {
        let read = logbook::read_confirm_qr(&text, &my_badge());
        // The next step: confirm what was read, or fix the code text.
        let next = if read.is_ok() {
            r#"[data-action="confirm-scanned"]"#
        } else {
            "#entry-code"
        };
        scanned.set(Some(read));
        focus_soon(next.to_owned(), When::Always);
    };
    // One handler for every button on the page, by its data attributes.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = crate::components::clicked(&ev, "button") else {
            return;
        };
        let attr = |name: &str| button.get_attribute(name);
        let open_form = |which: Option<Editing>| {
            warned.set(false);
            done.set(None);
            let focus = match &which {
                Some(_) => "#m-date".to_owned(),
                None => editing
                    .get_untracked()
                    .map_or_else(|| NEW_ENTRY.to_owned(), |e| e.opener()),
            };
            editing.set(which);
            focus_soon(focus, When::Always);
        };
        match attr("data-action").as_deref() {
            Some("new-entry") => open_form(Some(Editing::New)),
            Some("cancel-form") => open_form(None),
            Some("scan-entry") => {
                scanned.set(None);
                scanning.update(|s| *s = !*s);
                if scanning.get_untracked() {
                    focus_soon("#entry-code".to_owned(), When::Always);
                }
            }
            Some("close-qr") => {
                if let Some(id) = qr_for.get_untracked() {
                    focus_soon(format!(r#"[data-show-qr="{id}"]"#), When::Always);
                }
                qr_for.set(None);
            }
            Some("undo") => {
                if let Some(id) = hidden.get_untracked() {
                    focus_soon(format!(r#"[data-edit="{id}"]"#), When::Always);
                }
                hidden.set(None);
            }
            Some("confirm-scanned") => {
                if let Some(Ok((_, op))) = scanned.get_untracked() {
                    state.queue_mentoring(op, move |saved| match saved {
                        Ok(()) => {
                            scanned.set(None);
                            scanning.set(false);
                            done.set(Some(confirmed_here));
                            focus_soon(r#"[data-action="scan-entry"]"#.to_owned(), When::IfLost);
                        }
                        Err(message) => scanned.set(Some(Err(message))),
                    });
                }
            }
            _ => {}
        }
        if let Some(id) = attr("data-edit") {
            open_form(Some(Editing::Entry(id)));
        } else if let Some(id) = attr("data-delete") {
            if let Some(previous) = hidden.get_untracked() {
                delete_now(previous);
            }
            hidden.set(Some(id.clone()));
            focus_soon(r#"[data-action="undo"]"#.to_owned(), When::Always);
            let number = deletions.get_value().wrapping_add(1);
            deletions.set_value(number);
            set_timeout(
                move || {
                    if deletions.get_value() == number
                        && hidden.get_untracked().as_deref() == Some(id.as_str())
                    {
                        hidden.set(None);
                        delete_now(id);
                        focus_soon(NEW_ENTRY.to_owned(), When::IfLost);
                    }
                },
                std::time::Duration::from_secs(UNDO_SECONDS),
            );
        } else if let Some(id) = attr("data-show-qr") {
            qr_for.set(Some(id));
            focus_soon(r#"[data-action="close-qr"]"#.to_owned(), When::Always);
        } else if let Some(id) = attr("data-confirm")
            && let Some(op) = find(&id).as_ref().and_then(confirm_op)
        {
            state.queue_mentoring(op, move |saved| match saved {
                Ok(()) => {
                    done.set(Some(confirmed_here));
                    // The entry's Confirm button is gone with the redraw.
                    focus_soon(NEW_ENTRY.to_owned(), When::IfLost);
                }
                Err(message) => state.notice.set(Some(message)),
            });
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            if form.get_attribute("data-form").as_deref() == Some("scan") {
                let code = web_sys::FormData::new_with_form(&form)
                    .ok()
                    .and_then(|d| d.get("code").as_string())
                    .unwrap_or_default();
                read_code(code);
                return;
            }
            let Some(which) = editing.get_untracked() else {
                return;
            };
            let typed = match read_form(&form) {
                Ok(typed) => typed,
                Err(message) => return form_error(&message),
            };
            let current = match &which {
                Editing::Entry(id) => find(id),
                Editing::New => None,
            };
            let opener = which.opener();
            let new_id = match &which {
                Editing::New => crate::client::actions::fresh_id().unwrap_or_default(),
                Editing::Entry(_) => String::new(),
            };
            match build(
                &typed,
                &which,
                current.as_ref(),
                &my_badge(),
                warned.get_untracked(),
                crate::state::now().date(),
                &new_id,
            ) {
                // The form stays, with what was typed, until the change is
                // safely in the outbox.
                Ok(op) => state.queue_mentoring(op, move |saved| match saved {
                    Ok(()) => {
                        editing.set(None);
                        done.set(Some("Saved on this phone."));
                        focus_soon(opener, When::Always);
                    }
                    Err(message) => form_error(&message),
                }),
                Err(Built::Warn) => {
                    warned.set(true);
                    form_error(
                        "Your partner confirmed this entry. Saving this change clears their confirmation: they will need to confirm it again. Press Save again to go ahead.",
                    );
                }
                Err(Built::Refused(message)) => form_error(&message),
            }
        }
    };
    let on_code = Callback::new(move |code: String| {
        if scanning.get_untracked() {
            read_code(code);
        } else if let Some(input) = document().get_element_by_id("m-badge").and_then(|e| {
            wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlInputElement>(e).ok()
        }) {
            // The value the person sees, whether or not they typed first.
            input.set_value(&code);
        }
    });
    // Untracked: a sync must not redraw a form being filled.
    let today = move || {
        untrack(|| {
            crate::state::now()
                .to_offset(state.conference_offset())
                .date()
                .to_string()
        })
    };
    view! {
        <Title text="Mentoring log"/>
        // Drawn as escaped markup in a few regions, each redrawn only when
        // what it shows changes (the form never while it is being filled).
        <section class="page mentoring" on:click=on_click on:submit=on_submit>
            <h1>"Mentoring log"</h1>
            <div inner_html=move || {
                // A sync redraws the list; whoever was on one of its
                // buttons stays there.
                keep_focus();
                log_html(&state, hidden.get().as_deref())
            }></div>
            <p class="done" role="status">{move || done.get()}</p>
            <p class="undo" role="status" inner_html=move || hidden.with(|h| if h.is_some() {
                r#"Entry deleted. <button type="button" data-action="undo">Undo</button>"#
            } else {
                ""
            })></p>
            <div inner_html=move || {
                let which = editing.get();
                let current = match &which {
                    Some(Editing::Entry(id)) => find(id),
                    _ => None,
                };
                form_region(which.as_ref(), current.as_ref(), &today())
            }></div>
            <div inner_html=move || qr_region(qr_for.get().and_then(|id| find(&id)).as_ref())></div>
            <div inner_html=move || scan_region(scanning.get(), scanned.get().as_ref())></div>
            {move || (scanning.get() || editing.with(|e| *e == Some(Editing::New))).then(|| view! { <CameraScan on_code=on_code/> })}
        </section>
    }
}
