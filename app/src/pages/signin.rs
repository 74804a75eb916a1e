//! Sign in once, online, with the badge code and last name; from then on
//! the device works offline.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::state::{AppState, Holder};

#[component]
pub fn SignInPage() -> impl IntoView {
    let state = AppState::get();
    // Memos: the form must not be redrawn (and emptied) by a sync that
    // changed nothing it depends on.
    let loaded = Memo::new(move |_| state.loaded.get());
    let account = Memo::new(move |_| state.account.get());
    view! {
        <Title text="Sign in"/>
        <section class="page signin">
            <h1>"Sign in"</h1>
            {move || {
                if !loaded.get() {
                    return view! { <p class="placeholder" role="status">"Opening…"</p> }.into_any();
                }
                if let Some(account) = account.get().filter(|a| !a.token_refused) {
                    let (lead, name, href, go) = match account.holder {
                        Holder::Attendee(a) => ("You are signed in as ", format!("{} {}", a.first_name, a.last_name), "/agenda", "Go to my agenda"),
                        Holder::Kiosk(k) => ("This device is the check-in kiosk ", k.name, "/kiosk", "Go to check-in"),
                    };
                    return view! {
                        <p>{lead}<strong>{name}</strong>". "<A href=href>{go}</A>"."</p>
                    }
                    .into_any();
                }
                let again = account.with(|a| a.as_ref().is_some_and(|a| a.token_refused));
                view! {
                    <p>
                        {if again {
                            "The server no longer accepts this device's sign-in. Sign in again: the changes waiting on this device are kept and sent once you are back."
                        } else {
                            "Sign in once while you have internet. After that, this device keeps your registrations and works without a connection."
                        }}
                    </p>
                    <SignInForm/>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn SignInForm() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let state = AppState::get();
    let badge = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (b, l) = (badge.get_untracked(), last_name.get_untracked());
        if b.trim().is_empty() || l.trim().is_empty() {
            error.set(Some(
                "Enter both the badge code and your last name, as printed on your badge.".into(),
            ));
        } else {
            #[cfg(feature = "hydrate")]
            {
                busy.set(true);
                error.set(None);
                let navigate = navigate.clone();
                leptos::task::spawn_local(async move {
                    let result = crate::client::actions::sign_in(state, b, l).await;
                    busy.set(false);
                    match result {
                        Ok(()) => navigate("/agenda", Default::default()),
                        Err(message) => error.set(Some(message)),
                    }
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (b, l);
        }
    };

    view! {
        <form class="signin-form" on:submit=submit novalidate>
            <div class="field">
                <label for="badge-code">"Badge code"</label>
                <input
                    id="badge-code"
                    name="badge_code"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    required
                    aria-describedby="badge-help"
                    prop:value=move || badge.get()
                    on:input=move |ev| badge.set(event_target_value(&ev))
                />
                <p id="badge-help" class="help">"Printed under the QR code on your badge."</p>
            </div>
            <div class="field">
                <label for="last-name">"Last name"</label>
                <input
                    id="last-name"
                    name="last_name"
                    autocomplete="family-name"
                    required
                    prop:value=move || last_name.get()
                    on:input=move |ev| last_name.set(event_target_value(&ev))
                />
            </div>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}
