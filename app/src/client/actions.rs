//! What a person can change. Each change is written to the outbox (durable
//! in IndexedDB) before the page shows it; then the signals are updated,
//! other tabs told, and the sync loop woken. Pages call these on both
//! sides; on the server, where pages are rendered and never clicked, the
//! changes are inert.

use crate::device::Rejected;
use crate::domain::ops::Operation;
use crate::domain::{RegistrationId, SessionId};
use crate::state::AppState;
use leptos::prelude::*;

#[cfg(feature = "browser")]
pub use in_browser::{
    ask_persistent_storage, check_in, download, fresh_id, pair_kiosk, sign_in, sign_out,
};

/// Registers for `session_id`, unless the rules already refuse it on what
/// this device knows: the refusal is then the notice, and nothing is
/// queued.
pub fn register(state: AppState, session_id: &SessionId) {
    match state.check_register(session_id.as_str()) {
        Err(refusal) => state.notice.set(Some(refusal.to_string())),
        #[cfg(feature = "browser")]
        Ok(_) => in_browser::register(state, session_id.clone()),
        #[cfg(not(feature = "browser"))]
        Ok(_) => {}
    }
}

pub fn cancel(state: AppState, registration_id: &RegistrationId) {
    #[cfg(feature = "browser")]
    in_browser::cancel(state, registration_id.clone());
    #[cfg(not(feature = "browser"))]
    let _ = (state, registration_id);
}

/// Queues a mentoring change the page has checked, then calls `done` with
/// `Ok` once it is durably in the outbox, or with why not (so the page can
/// keep what was typed).
pub fn mentoring(state: AppState, op: Operation, done: impl FnOnce(Result<(), String>) + 'static) {
    #[cfg(feature = "browser")]
    leptos::task::spawn_local(async move {
        done(in_browser::mentoring(state, op).await);
    });
    #[cfg(not(feature = "browser"))]
    let _ = (state, op, done);
}

/// Asks for a sync now, of whichever tab is syncing.
pub fn sync_now(state: AppState) {
    state.sync_requested.update(|n| *n += 1);
    #[cfg(feature = "browser")]
    super::tell_other_tabs();
}

/// Forgets a refused change the person has read.
pub fn dismiss(state: AppState, refusal: Rejected) {
    #[cfg(feature = "browser")]
    in_browser::dismiss(state, refusal);
    #[cfg(not(feature = "browser"))]
    let _ = (state, refusal);
}

/// Loads the page again, from the network or the service worker: the
/// build this tab then runs is the one installed now.
pub fn reload() {
    #[cfg(feature = "browser")]
    if let Some(window) = web_sys::window() {
        // A reload that the browser refuses leaves the page as it was.
        let _ = window.location().reload();
    }
}

/// The outbox, the ids and the sign-in, on the device.
#[cfg(feature = "browser")]
mod in_browser {
    use gloo_net::http::Request;
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::JsCast;

    use super::super::idb::StoreError;
    use super::super::{in_time, show_local, store, tell_other_tabs};
    use crate::device::{Account, Holder, Rejected};
    use crate::domain::checkin::CheckinKind;
    use crate::domain::ops::Operation;
    use crate::domain::signin::SigninCode;
    use crate::domain::{BadgeCode, CheckinId};
    use crate::domain::{RegistrationId, SessionId};
    use crate::protocol::{
        ErrorBody, KIOSK_PAIR_PATH, KioskPairRequest, KioskPairResponse, Mutation, SIGN_IN_PATH,
        SIGN_OUT_PATH, SignInRequest, SignInResponse,
    };
    use crate::state::AppState;

    fn device_clock() -> String {
        js_sys::Date::new_0().to_iso_string().into()
    }

    /// A new id for something this device creates: a UUID version 7, whose
    /// first 48 bits are the time in milliseconds, the rest random. The server
    /// indexes what it stores by these ids; ids that grow with time land at
    /// the end of its index, where a random one (version 4) landed on a page
    /// of its own that every commit then wrote again (docs/PROTOCOL.md).
    fn new_id() -> Option<String> {
        let mut random = [0u8; 10];
        web_sys::window()?
            .crypto()
            .ok()?
            .get_random_values_with_u8_array(&mut random)
            .ok()?;
        let id = uuid::Builder::from_unix_timestamp_millis(js_sys::Date::now() as u64, &random)
            .into_uuid();
        Some(
            id.hyphenated()
                .encode_lower(&mut uuid::Uuid::encode_buffer())
                .to_owned(),
        )
    }

    /// Writes `op` to the outbox, then shows it. Its wire spelling comes from
    /// the domain's [`Operation`], the same type the server parses it into.
    fn queue(state: AppState, op: Operation) {
        spawn_local(async move {
            match enqueue(state, op).await {
                Ok(_) => state.notice.set(None),
                Err(Some(message)) => state.notice.set(Some(message)),
                Err(None) => state.notice.set(Some(
                    "Sign in with your badge code to register for sessions.".into(),
                )),
            }
        });
    }

    /// Queues a mentoring log change (the page checked it with the domain's
    /// rules first); `Err` says why it could not be saved, so the page can keep
    /// what was typed.
    pub(super) async fn mentoring(state: AppState, op: Operation) -> Result<(), String> {
        enqueue(state, op).await.map(|_| ()).map_err(|e| {
            e.unwrap_or_else(|| "Sign in with your badge code to keep a mentoring log.".to_owned())
        })
    }

    /// A fresh id for something this device names (a UUID).
    pub fn fresh_id() -> Option<String> {
        new_id()
    }

    /// Puts `op` in the outbox and, once it is durable there, in the signals;
    /// then wakes the sync. `Err(None)`: nobody is signed in.
    async fn enqueue(state: AppState, op: Operation) -> Result<Mutation, Option<String>> {
        let store = store()
            .ok_or("This device's storage is not open yet. Try again in a moment.".to_owned())?;
        let args = op
            .args()
            .map_err(|e| format!("This device could not save the change: {e}"))?;
        match store.enqueue(op.name(), args, device_clock()).await {
            Ok(mutation) => {
                state.outbox.update(|q| q.push(mutation.clone()));
                tell_other_tabs();
                state.sync_requested.update(|n| *n += 1);
                Ok(mutation)
            }
            Err(StoreError::SignedOut) => Err(None),
            Err(e) => Err(Some(format!("This device could not save the change: {e}"))),
        }
    }

    /// Records that the person with `badge_code` came in, at the conference
    /// (`session_id` `None`) or a session; returns once the check-in is
    /// durable on this kiosk. Every scan is recorded: a second one is flagged
    /// as a duplicate by the server, never refused.
    pub async fn check_in(
        state: AppState,
        badge_code: BadgeCode,
        session_id: Option<SessionId>,
    ) -> Result<Mutation, String> {
        let checkin_id = new_id()
            .and_then(|id| CheckinId::parse(&id).ok())
            .ok_or("This browser cannot make ids; the kiosk needs a newer browser.")?;
        let op = Operation::CheckinRecord {
            checkin_id,
            badge_code,
            session_id,
            kind: CheckinKind::Entry,
        };
        enqueue(state, op)
            .await
            .map_err(|e| e.unwrap_or_else(|| "This kiosk is not paired.".to_owned()))
    }

    pub(super) fn register(state: AppState, session_id: SessionId) {
        let Some(registration_id) = new_id().and_then(|id| RegistrationId::parse(&id).ok()) else {
            state.notice.set(Some(
                "This browser cannot make ids; registration needs a newer browser.".into(),
            ));
            return;
        };
        queue(
            state,
            Operation::RegistrationCreate {
                registration_id,
                session_id,
            },
        );
    }

    pub(super) fn cancel(state: AppState, registration_id: RegistrationId) {
        queue(state, Operation::RegistrationCancel { registration_id });
    }

    pub(super) fn dismiss(state: AppState, refusal: Rejected) {
        spawn_local(async move {
            if let Some(store) = store() {
                if let Err(e) = store.dismiss_rejected(&refusal).await {
                    state
                        .notice
                        .set(Some(format!("This device could not save the change: {e}")));
                }
                show_local(&store, state).await;
                tell_other_tabs();
            }
        });
    }

    /// Asks the browser not to evict our storage under pressure: the outbox
    /// holds changes nobody else has.
    pub fn ask_persistent_storage() {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Ok(promise) = window.navigator().storage().persist() {
            spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }

    /// Signs in with the attendee's sign-in code. `Err` holds a message for
    /// the person.
    pub async fn sign_in(state: AppState, code: SigninCode) -> Result<(), String> {
        let body = SignInRequest {
            signin_code: code.as_str().to_owned(),
        };
        let answer: SignInResponse = ask_for_token(
            SIGN_IN_PATH,
            &body,
            "Signing in needs the internet once. Connect and try again; after that this device works offline.",
        )
        .await?;
        let holder = Holder::Attendee(answer.attendee);
        begin(state, answer.token, answer.device_id, holder, answer.epoch).await
    }

    /// Pairs this device as a check-in kiosk with a code from the organizers.
    /// `Err` holds a message for the person at the kiosk.
    pub async fn pair_kiosk(state: AppState, pairing_code: String) -> Result<(), String> {
        let answer: KioskPairResponse = ask_for_token(
            KIOSK_PAIR_PATH,
            &KioskPairRequest { pairing_code },
            "Pairing needs the internet once. Connect and try again; after that the kiosk works offline.",
        )
        .await?;
        let holder = Holder::Kiosk(answer.kiosk);
        begin(state, answer.token, answer.device_id, holder, answer.epoch).await
    }

    /// Posts a sign-in or pairing request; the server answers 201 with a token.
    async fn ask_for_token<B: serde::Serialize, R: serde::de::DeserializeOwned>(
        path: &str,
        body: &B,
        offline: &str,
    ) -> Result<R, String> {
        let response = in_time(Request::post(path))
            .json(body)
            .map_err(|e| e.to_string())?
            .send()
            .await
            .map_err(|_| offline.to_owned())?;
        if response.status() != 201 {
            return Err(match response.json::<ErrorBody>().await {
                Ok(body) => body.error.message,
                Err(_) => format!(
                    "The server could not take the request (HTTP {}). Try again.",
                    response.status()
                ),
            });
        }
        response
            .json()
            .await
            .map_err(|_| "The server's answer was cut off. Try again.".to_owned())
    }

    /// Starts the device's life with a new token, then syncs.
    async fn begin(
        state: AppState,
        token: String,
        device_id: String,
        holder: Holder,
        epoch: String,
    ) -> Result<(), String> {
        let store =
            store().ok_or("This device's storage is not open yet. Try again in a moment.")?;
        store
            .sign_in(Account {
                token,
                device_id,
                holder,
                next_seq: 1,
                token_refused: false,
                epoch: Some(epoch).filter(|e| !e.is_empty()),
            })
            .await
            .map_err(|e| format!("This device could not save the sign-in: {e}"))?;
        ask_persistent_storage();
        show_local(&store, state).await;
        tell_other_tabs();
        state.sync_requested.update(|n| *n += 1);
        Ok(())
    }

    /// Forgets the person on this device, then tells the server when it
    /// can be reached. Forgotten first: a network that takes the request
    /// and never answers must not keep a shared device signed in, and the
    /// token is useless without this device's copy anyway.
    pub async fn sign_out(state: AppState) -> Result<(), String> {
        let store = store().ok_or("This device's storage is not open yet.")?;
        let account = store.account().await.ok().flatten();
        store
            .sign_out()
            .await
            .map_err(|e| format!("This device could not forget your data: {e}"))?;
        show_local(&store, state).await;
        tell_other_tabs();
        // The pages show the device signed out already; this only ends.
        if let Some(account) = account {
            let _ = in_time(Request::post(SIGN_OUT_PATH))
                .header("Authorization", &format!("Bearer {}", account.token))
                .send()
                .await;
        }
        Ok(())
    }

    /// Hands `text` to the browser as a file download.
    pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
        let fail = |_| "This browser could not save the file.".to_owned();
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob =
            web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("This browser could not save the file.")?;
        let anchor: web_sys::HtmlAnchorElement = document
            .create_element("a")
            .map_err(fail)?
            .dyn_into()
            .map_err(|_| "This browser could not save the file.".to_owned())?;
        anchor.set_href(&url);
        anchor.set_download(filename);
        anchor.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Ok(())
    }
}
