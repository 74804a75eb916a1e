//! Sign in once, online, with the sign-in code from the attendee's card or
//! email, or by opening their sign-in link (`/signin#code=…`: the code is
//! in the fragment, which never reaches a server). From then on the device
//! works offline. The badge code signs nobody in.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::camera::CameraScan;
use crate::device::Holder;
use crate::domain::signin::SigninCode;
use crate::state::AppState;

#[component]
pub fn SignInPage() -> impl IntoView {
    let state = AppState::get();
    // Memos: the form must not be redrawn (and emptied) by a sync, or a
    // change that moved the account's seq, when who is signed in is the same.
    let loaded = Memo::new(move |_| state.loaded.get());
    let account = Memo::new(move |_| state.account.with(|a| a.as_ref().map(|a| a.standing())));
    // A sign-in link opened on a device that is already signed in: the
    // code leaves the address bar all the same, and the page says why
    // nothing changed.
    let linked_again = RwSignal::new(false);
    #[cfg(feature = "browser")]
    Effect::new(move |_| {
        let signed_in = account.with(|a| a.as_ref().is_some_and(|(_, refused)| !refused));
        if loaded.get() && signed_in && take_code_from_address().is_some() {
            linked_again.set(true);
        }
    });
    view! {
        <Title text="Sign in"/>
        <section class="page signin">
            <h1>"Sign in"</h1>
            {move || {
                if !loaded.get() {
                    return EitherOf3::A(view! { <p class="placeholder" role="status">"Opening…"</p> });
                }
                if let Some((holder, _)) = account.get().filter(|(_, refused)| !refused) {
                    let (lead, name, href, go) = match holder {
                        Holder::Attendee(a) => ("You are signed in as ", format!("{} {}", a.first_name, a.last_name), "/agenda", "Go to my agenda"),
                        Holder::Kiosk(k) => ("This device is the check-in kiosk ", k.name, "/kiosk", "Go to check-in"),
                    };
                    return EitherOf3::B(view! {
                        <p>{lead}<strong>{name}</strong>". "<a href=href>{go}</a>"."</p>
                        <Show when=move || linked_again.get()>
                            <p class="notice" role="status">
                                "The sign-in link was not used: this device is already signed in. \
                                 To sign in as someone else, sign out first on My badge."
                            </p>
                        </Show>
                    });
                }
                let again = account.with(|a| a.as_ref().is_some_and(|(_, refused)| *refused));
                EitherOf3::C(view! {
                    <p>
                        {if again {
                            "The server no longer accepts this device's sign-in. Sign in again: the changes waiting on this device are kept and sent once you are back."
                        } else {
                            "Sign in once while you have internet. After that, this device keeps your registrations and works without a connection."
                        }}
                    </p>
                    <SignInForm/>
                })
            }}
        </section>
    }
}

/// The code in the address bar's fragment, once, in the browser. The
/// fragment is taken out of the address at once, so the secret stays in
/// neither the history nor a screenshot of the address bar.
#[cfg(feature = "browser")]
fn take_code_from_address() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let code = SigninCode::from_fragment(&hash)?;
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/signin"));
    }
    Some(match code {
        Ok(code) => code.grouped(),
        // A damaged link: its text goes into the field, where the message
        // says what is wrong with it.
        Err(_) => hash
            .trim_start_matches('#')
            .trim_start_matches("code=")
            .to_owned(),
    })
}

#[component]
fn SignInForm() -> impl IntoView {
    #[cfg(feature = "browser")]
    let state = AppState::get();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    #[cfg(feature = "browser")]
    let navigate = leptos_router::hooks::use_navigate();

    // Typed, scanned from the card's QR code, or from the link.
    let sign_in = Callback::new(move |typed: String| {
        if busy.get_untracked() {
            return;
        }
        match SigninCode::parse(&typed) {
            Err(e) => error.set(Some(e.to_string())),
            Ok(parsed) => {
                #[cfg(feature = "browser")]
                {
                    busy.set(true);
                    error.set(None);
                    let navigate = navigate.clone();
                    leptos::task::spawn_local(async move {
                        let result = crate::client::actions::sign_in(state, parsed).await;
                        busy.set(false);
                        match result {
                            Ok(()) => navigate("/agenda", Default::default()),
                            Err(message) => error.set(Some(message)),
                        }
                    });
                }
                #[cfg(not(feature = "browser"))]
                let _ = parsed;
            }
        }
    });
    #[cfg(feature = "browser")]
    {
        let from_link = move || {
            if let Some(linked) = take_code_from_address() {
                code.set(linked.clone());
                sign_in.run(linked);
            }
        };
        Effect::new(move |_| from_link());
        // A link opened while this page is showing changes only the fragment.
        let listener = window_event_listener(leptos::ev::hashchange, move |_| from_link());
        on_cleanup(move || listener.remove());
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.run(code.get_untracked());
    };
    // The card's QR code holds the sign-in link; any text with the code in
    // its fragment, or the bare code, will do.
    let scanned = Callback::new(move |read: String| {
        let typed = read
            .split_once('#')
            .and_then(|(_, fragment)| SigninCode::from_fragment(fragment))
            .and_then(Result::ok)
            .map(|c| c.grouped())
            .unwrap_or(read);
        code.set(typed.clone());
        sign_in.run(typed);
    });

    view! {
        <form class="signin-form" on:submit=submit novalidate>
            <div class="field">
                <label for="signin-code">"Sign-in code"</label>
                <input
                    id="signin-code"
                    name="signin_code"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    required
                    aria-describedby="signin-help"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                />
                <p id="signin-help" class="help">
                    "16 letters and digits from your sign-in card or the email from the organizers, \
                     like 7K2M-9XRT-HB3W-PZ6N. It is not the code on your badge. \
                     Opening the link on the card or in the email signs you in without typing."
                </p>
            </div>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Signing in…" } else { "Sign in" }}
            </button>
            <CameraScan on_code=scanned/>
        </form>
    }
}
