//! Register / cancel for one session, with where I stand in it: pending at
//! once on a tap (the change is already saved on the device), then the
//! server's verdict after sync.

use leptos::prelude::*;
use leptos_router::components::A;

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

#[component]
pub fn RegisterControl(session_id: String, #[prop(optional)] compact: bool) -> impl IntoView {
    let state = AppState::get();
    let Ok(sid) = SessionId::parse(&session_id) else {
        return ().into_any();
    };
    let mine = {
        let sid = sid.clone();
        Memo::new(move |_| state.mine.with(|m| agenda::for_session(m, &sid).cloned()))
    };
    let confirming = RwSignal::new(false);
    let check = {
        let session_id = session_id.clone();
        Memo::new(move |_| state.check_register(&session_id))
    };
    let refusal = {
        let session_id = session_id.clone();
        Memo::new(move |_| state.refusal_for(&session_id))
    };
    let session_id = StoredValue::new(session_id);

    let body = move || {
        if state.account.with(Option::is_none) {
            return view! {
                <p class="register-status" data-standing="signed-out">
                    <A href="/signin">"Sign in to register"</A>
                </p>
            }
            .into_any();
        }
        let Some(m) = mine.get().filter(|m| m.standing.holds_place()) else {
            let cancelling = mine.with(|m| {
                m.as_ref()
                    .is_some_and(|m| m.standing == Standing::Cancelling)
            });
            if cancelling {
                return view! {
                    <p class="register-status" data-standing="cancelling" role="status">
                        {standing_label(Standing::Cancelling)}
                    </p>
                }
                .into_any();
            }
            let refused = refusal.get().map(|r| {
                let seq = r.mutation.seq;
                view! {
                    <p class="register-refused" data-standing="rejected" role="alert">
                        "Not registered: "{r.message.clone()}" "
                        <button type="button" class="link-button" on:click=move |_| state.dismiss(seq)>"Dismiss"</button>
                    </p>
                }
            });
            let action = match check.get() {
                Ok(placement) => {
                    let label = match placement {
                        Placement::Confirmed => "Register",
                        Placement::Waitlisted => "Join the waitlist",
                    };
                    view! {
                        <button
                            type="button"
                            class="register-button primary"
                            data-action="register"
                            on:click=move |_| session_id.with_value(|id| state.register(id))
                        >
                            {label}
                        </button>
                    }
                    .into_any()
                }
                Err(Refusal::SessionClosed) => view! {
                    <p class="register-status" data-standing="closed">"Registration closed"</p>
                }
                .into_any(),
                Err(other) => view! {
                    <p class="register-status" data-standing="blocked">{other.to_string()}</p>
                }
                .into_any(),
            };
            return view! { {refused} {action} }.into_any();
        };
        let key = standing_key(m.standing);
        let label = standing_label(m.standing);
        let id = m.id.clone();
        let leave = if matches!(m.standing, Standing::Waitlisted { .. }) {
            "Leave the waitlist"
        } else {
            "Cancel registration"
        };
        view! {
            <p class="register-status" data-standing=key role="status">{label}</p>
            {move || {
                let id = id.clone();
                if confirming.get() {
                    view! {
                        <span class="confirm-cancel">
                            <button
                                type="button"
                                class="danger"
                                data-action="confirm-cancel"
                                on:click=move |_| {
                                    confirming.set(false);
                                    state.cancel(&id);
                                }
                            >
                                "Yes, cancel"
                            </button>
                            <button type="button" on:click=move |_| confirming.set(false)>"Keep it"</button>
                        </span>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" data-action="cancel" on:click=move |_| confirming.set(true)>
                            {leave}
                        </button>
                    }
                    .into_any()
                }
            }}
        }
        .into_any()
    };
    view! {
        <div class="register" class:compact=compact>
            {body}
        </div>
    }
    .into_any()
}
