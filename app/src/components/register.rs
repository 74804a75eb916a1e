//! Register / cancel for one session, with where I stand in it: pending at
//! once on a tap (the change is already saved on the device), then the
//! server's verdict after sync.

use leptos::prelude::*;

use super::focus::{When, focus_soon};
use crate::domain::SessionId;
use crate::domain::agenda::{self, Standing};
use crate::domain::registration::{Placement, Refusal};
use crate::domain::text::escape_html as escape;
use crate::state::AppState;

/// Words for where a registration stands.
pub fn standing_label(standing: Standing) -> String {
    match standing {
        Standing::Confirmed => "Registered".to_owned(),
        Standing::Waitlisted { position: Some(n) } => format!("Waitlisted #{n}"),
        Standing::Waitlisted { position: None } => "Waitlisted".to_owned(),
        Standing::Pending {
            expected: Placement::Confirmed,
        } => "Pending · waiting to sync".to_owned(),
        Standing::Pending {
            expected: Placement::Waitlisted,
        } => "Pending · session was full, likely waitlisted".to_owned(),
        Standing::Cancelling => "Cancelling · waiting to sync".to_owned(),
    }
}

/// The stable name of a standing, for styling and tests.
pub fn standing_key(standing: Standing) -> &'static str {
    match standing {
        Standing::Confirmed => "confirmed",
        Standing::Waitlisted { .. } => "waitlisted",
        Standing::Pending { .. } => "pending",
        Standing::Cancelling => "cancelling",
    }
}

/// The control's markup for where I stand; `confirming`: the person asked
/// to cancel and is being asked to be sure.
pub fn control_html(state: &AppState, sid: &SessionId, confirming: bool) -> String {
    if state.account.with(Option::is_none) {
        return r#"<p class="register-status" data-standing="signed-out"><a href="/signin">Sign in to register</a></p>"#.to_owned();
    }
    let mine = state.mine.with(|m| agenda::for_session(m, sid).cloned());
    let Some(m) = mine.as_ref().filter(|m| m.standing.holds_place()) else {
        if mine.is_some_and(|m| m.standing == Standing::Cancelling) {
            return format!(
                r#"<p class="register-status" data-standing="cancelling" role="status">{}</p>"#,
                standing_label(Standing::Cancelling)
            );
        }
        let mut html = state
            .refusal_for(sid.as_str())
            .map(|r| {
                format!(
                    r#"<p class="register-refused" data-standing="rejected" role="alert">Not registered: {} <button type="button" class="link-button" data-dismiss="{}">Dismiss</button></p>"#,
                    escape(&r.message),
                    r.mutation.seq
                )
            })
            .unwrap_or_default();
        html += &match state.check_register(sid.as_str()) {
            Ok(placement) => format!(
                r#"<button type="button" class="register-button primary" data-action="register">{}</button>"#,
                match placement {
                    Placement::Confirmed => "Register",
                    Placement::Waitlisted => "Join the waitlist",
                }
            ),
            Err(Refusal::SessionClosed) => {
                r#"<p class="register-status" data-standing="closed">Registration closed</p>"#
                    .to_owned()
            }
            Err(other) => format!(
                r#"<p class="register-status" data-standing="blocked">{}</p>"#,
                escape(&other.to_string())
            ),
        };
        return html;
    };
    let status = format!(
        r#"<p class="register-status" data-standing="{}" role="status">{}</p>"#,
        standing_key(m.standing),
        escape(&standing_label(m.standing))
    );
    if confirming {
        return status
            + r#"<span class="confirm-cancel"><button type="button" class="danger" data-action="confirm-cancel">Yes, cancel</button><button type="button" data-action="keep">Keep it</button></span>"#;
    }
    let leave = if matches!(m.standing, Standing::Waitlisted { .. }) {
        "Leave the waitlist"
    } else {
        "Cancel registration"
    };
    status + &format!(r#"<button type="button" data-action="cancel">{leave}</button>"#)
}

/// The markup of a register control for `session_id` (a `div.register`
/// carrying the session's id), for lists drawn as markup; `confirming`: the
/// session whose cancellation is being confirmed.
pub fn register_html(
    state: &AppState,
    session_id: &str,
    compact: bool,
    confirming: Option<&str>,
) -> String {
    let Ok(sid) = SessionId::parse(session_id) else {
        return String::new();
    };
    format!(
        r#"<div class="register{}" data-session="{}">{}</div>"#,
        if compact { " compact" } else { "" },
        escape(session_id),
        control_html(state, &sid, confirming == Some(session_id))
    )
}

/// One click handler for every register control inside the element it is
/// set on: the control's session comes from its `data-session`.
pub fn on_register_click(
    state: AppState,
    confirming: RwSignal<Option<String>>,
) -> impl Fn(leptos::ev::MouseEvent) + Copy + 'static {
    move |ev: leptos::ev::MouseEvent| {
        let Some(button) = crate::components::clicked(&ev, ".register button") else {
            return;
        };
        if let Some(seq) = button
            .get_attribute("data-dismiss")
            .and_then(|s| s.parse::<u64>().ok())
        {
            state.dismiss(seq);
            return;
        }
        let Some(sid) = button
            .closest("[data-session]")
            .ok()
            .flatten()
            .and_then(|c| c.get_attribute("data-session"))
            .and_then(|id| SessionId::parse(&id).ok())
        else {
            return;
        };
        match button.get_attribute("data-action").as_deref() {
            Some("register") => state.register(sid.as_str()),
            Some("cancel") => confirming.set(Some(sid.as_str().to_owned())),
            Some("keep") => confirming.set(None),
            Some("confirm-cancel") => {
                confirming.set(None);
                let id = state.mine.with_untracked(|m| {
                    agenda::for_session(m, &sid)
                        .filter(|m| m.standing.holds_place())
                        .map(|m| m.id.clone())
                });
                if let Some(id) = id {
                    state.cancel(&id);
                }
            }
            _ => return,
        }
        // The control is redrawn, and its new button gets the focus the
        // tapped one had.
        focus_soon(
            format!(r#"[data-session="{}"] button"#, sid.as_str()),
            When::IfLost,
        );
    }
}

/// Drawn as markup with one click handler for its buttons: a view per
/// state cost the bundle far more (BENCHMARKS.md).
#[component]
pub fn RegisterControl(session_id: String) -> impl IntoView {
    let state = AppState::get();
    let confirming = RwSignal::new(None::<String>);
    view! {
        <div
            on:click=on_register_click(state, confirming)
            inner_html=move || register_html(&state, &session_id, false, confirming.get().as_deref())
        ></div>
    }
}
