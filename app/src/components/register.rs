//! Register / cancel for one session, with where I stand in it: pending at
//! once on a tap (the change is already saved on the device), then the
//! server's verdict after sync.

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

use super::Anchor;
use super::focus::{When, focus_soon};
use crate::client::actions;
use crate::domain::SessionId;
use crate::domain::agenda::{self, Standing};
use crate::domain::registration::{Placement, Refusal};
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

/// Which of its forms the control takes: each is drawn once and then
/// follows its details in place, so a sync that changes nothing about this
/// session redraws nothing, and one that does keeps the focus where it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    SignedOut,
    /// Not registered: the offer to register (or why not).
    Open,
    Cancelling,
    /// Holding a seat or a waitlist place.
    Holding,
}

/// What the open control offers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Offer {
    Register(Placement),
    Closed,
    Blocked(String),
}

/// Register / cancel for one session; `compact` in lists.
#[component]
pub fn RegisterControl(session_id: SessionId, #[prop(optional)] compact: bool) -> impl IntoView {
    let state = AppState::get();
    let anchor = Anchor::here();
    let sid = StoredValue::new(session_id);
    let confirming = RwSignal::new(false);
    let mine = Memo::new(move |_| {
        sid.with_value(|sid| state.mine.with(|m| agenda::for_session(m, sid).cloned()))
    });
    let form = Memo::new(move |_| {
        if state.account.with(Option::is_none) {
            return Form::SignedOut;
        }
        match mine.with(|m| m.as_ref().map(|m| m.standing)) {
            Some(s) if s.holds_place() => Form::Holding,
            Some(Standing::Cancelling) => Form::Cancelling,
            _ => Form::Open,
        }
    });
    let offer = Memo::new(move |_| {
        sid.with_value(|sid| match state.check_register(sid.as_str()) {
            Ok(placement) => Offer::Register(placement),
            Err(Refusal::SessionClosed) => Offer::Closed,
            Err(other) => Offer::Blocked(other.to_string()),
        })
    });
    let refusal = Memo::new(move |_| sid.with_value(|sid| state.refusal_for(sid.as_str())));
    let standing = move || mine.with(|m| m.as_ref().map(|m| m.standing));
    // The tapped button gives way to another (Register to Cancel, Cancel
    // to Yes/Keep): the focus goes to the control's first button then.
    let refocus = move || {
        let selector = sid.with_value(|sid| format!(r#"[data-session="{}"] button"#, sid.as_str()));
        anchor.run(|| focus_soon(selector, When::IfLost));
    };
    let register = move |_| {
        sid.with_value(|sid| actions::register(state, sid));
        refocus();
    };
    let ask_cancel = move |_| {
        confirming.set(true);
        refocus();
    };
    let keep = move |_| {
        confirming.set(false);
        refocus();
    };
    let cancel = move |_| {
        confirming.set(false);
        if let Some(m) = mine.get_untracked().filter(|m| m.standing.holds_place()) {
            actions::cancel(state, &m.id);
        }
        refocus();
    };
    let open = move || {
        let refused = move || {
            refusal.get().map(|r| {
                let message = r.message.clone();
                view! {
                    <p class="register-refused" data-standing="rejected" role="alert">
                        "Not registered: " {message} " "
                        <button type="button" class="link-button" on:click=move |_| actions::dismiss(state, r.clone())>
                            "Dismiss"
                        </button>
                    </p>
                }
            })
        };
        let registrable = Memo::new(move |_| offer.with(|o| matches!(o, Offer::Register(_))));
        let offered = move || {
            if registrable.get() {
                let label = move || match offer.get() {
                    Offer::Register(Placement::Waitlisted) => "Join the waitlist",
                    _ => "Register",
                };
                Either::Left(view! {
                    <button type="button" class="register-button primary" data-action="register" on:click=register>
                        {label}
                    </button>
                })
            } else {
                let (key, words) = match offer.get_untracked() {
                    Offer::Blocked(why) => ("blocked", why),
                    _ => ("closed", "Registration closed".to_owned()),
                };
                Either::Right(view! { <p class="register-status" data-standing=key>{words}</p> })
            }
        };
        view! { {refused} {offered} }
    };
    let holding = move || {
        let leave = move || match standing() {
            Some(Standing::Waitlisted { .. }) => "Leave the waitlist",
            _ => "Cancel registration",
        };
        view! {
            <p class="register-status" data-standing=move || standing().map(standing_key) role="status">
                {move || standing().map(standing_label)}
            </p>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" data-action="cancel" on:click=ask_cancel>{leave}</button>
                }
            >
                <span class="confirm-cancel">
                    <button type="button" class="danger" data-action="confirm-cancel" on:click=cancel>
                        "Yes, cancel"
                    </button>
                    <button type="button" data-action="keep" on:click=keep>"Keep it"</button>
                </span>
            </Show>
        }
    };
    view! {
        <div
            class=if compact { "register compact" } else { "register" }
            data-session=sid.with_value(|s| s.as_str().to_owned())
        >
            {move || match form.get() {
                Form::SignedOut => EitherOf4::A(view! {
                    <p class="register-status" data-standing="signed-out">
                        <a href="/signin">"Sign in to register"</a>
                    </p>
                }),
                Form::Cancelling => EitherOf4::B(view! {
                    <p class="register-status" data-standing="cancelling" role="status">
                        {standing_label(Standing::Cancelling)}
                    </p>
                }),
                Form::Open => EitherOf4::C(open()),
                Form::Holding => EitherOf4::D(holding()),
            }}
        </div>
    }
}
