//! The sync protocol's client half (docs/PROTOCOL.md): push the outbox in
//! batches, then pull from the cursor until the server has nothing more.
//! Every page and every verdict is saved in one local transaction, so a
//! page is never half applied and a mutation leaves the outbox only once
//! the server has answered for it.

use gloo_net::http::{Request, RequestBuilder, Response};

use super::idb::LocalStore;
use crate::device::Account;
use crate::protocol::{
    ErrorBody, MAX_PUSH_MUTATIONS, PROTOCOL_VERSION, PULL_PATH, PUSH_PATH, PullResponse,
    PushRequest, PushResponse,
};
use crate::state::SyncProblem;

fn storage(e: super::idb::StoreError) -> SyncProblem {
    SyncProblem::Storage(e.to_string())
}

fn authorized(request: RequestBuilder, account: Option<&Account>) -> RequestBuilder {
    match account {
        Some(a) if !a.token_refused => {
            request.header("Authorization", &format!("Bearer {}", a.token))
        }
        _ => request,
    }
}

async fn failure(response: Response) -> SyncProblem {
    // A 5xx from a proxy while the venue network flaps is not the server
    // speaking; treat it as unreachable and retry.
    if response.status() >= 502 {
        return SyncProblem::Offline;
    }
    if response.status() == 401 {
        return SyncProblem::SignedOut;
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => SyncProblem::Server(body.error.message),
        Err(_) => SyncProblem::Server(format!("HTTP {}", response.status())),
    }
}

/// Sends the outbox until it is empty. `Ok(true)` when anything changed
/// locally.
pub async fn push_all(store: &LocalStore, account: &Account) -> Result<bool, SyncProblem> {
    let mut changed = false;
    let mut renumbered = false;
    loop {
        let queued = store.outbox().await.map_err(storage)?;
        if queued.is_empty() {
            return Ok(changed);
        }
        let pending = u32::try_from(queued.len()).unwrap_or(u32::MAX);
        let body = PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id: account.device_id.clone(),
            mutations: queued.into_iter().take(MAX_PUSH_MUTATIONS).collect(),
            pending: Some(pending),
        };
        let response = super::in_time(authorized(Request::post(PUSH_PATH), Some(account)))
            .json(&body)
            .map_err(|e| SyncProblem::Server(e.to_string()))?
            .send()
            .await
            .map_err(|_| SyncProblem::Offline)?;
        match response.status() {
            200 => {
                let answer: PushResponse =
                    response.json().await.map_err(|_| SyncProblem::Offline)?;
                changed |= store
                    .settle(&answer.results, account)
                    .await
                    .map_err(storage)?;
            }
            409 if !renumbered => {
                // The server lost what it had acknowledged (restored from a
                // backup): send the log again from where it is.
                let body: ErrorBody = response.json().await.map_err(|_| SyncProblem::Offline)?;
                let Some(expected) = body.error.expected_seq else {
                    return Err(SyncProblem::Server("the server refused the batch".into()));
                };
                store
                    .resend_after(&account.device_id, expected.saturating_sub(1))
                    .await
                    .map_err(storage)?;
                renumbered = true;
                changed = true;
            }
            _ => {
                let error = failure(response).await;
                if matches!(error, SyncProblem::SignedOut) {
                    store.refuse_token(&account.token).await.map_err(storage)?;
                }
                return Err(error);
            }
        }
    }
}

/// What a pull did.
#[derive(Debug, Default)]
pub struct Pulled {
    /// Anything changed locally.
    pub changed: bool,
    /// The server holds less of this device's log than it acknowledged
    /// (it was restored): that much went back to the outbox, to push.
    pub requeued: usize,
}

/// Pulls until `more` is false.
pub async fn pull_all(
    store: &LocalStore,
    account: Option<&Account>,
) -> Result<Pulled, SyncProblem> {
    let mut changed = false;
    // A bound on pages guards against a server that always says `more`.
    for _ in 0..10_000 {
        let cursor = store.meta().await.map_err(storage)?.cursor;
        let pending = store.outbox().await.map_err(storage)?.len();
        let mut url = format!("{PULL_PATH}?pending={pending}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(c)));
        }
        let response = super::in_time(authorized(Request::get(&url), account))
            .send()
            .await
            .map_err(|_| SyncProblem::Offline)?;
        if !response.ok() {
            let error = failure(response).await;
            if let (SyncProblem::SignedOut, Some(account)) = (&error, account) {
                store.refuse_token(&account.token).await.map_err(storage)?;
            }
            return Err(error);
        }
        let page: PullResponse = response.json().await.map_err(|_| SyncProblem::Offline)?;
        changed |= page.reset || !page.changes.is_empty();
        let pulled_with = account
            .filter(|a| !a.token_refused)
            .map(|a| a.token.as_str());
        if !store
            .apply_pull(&page, pulled_with)
            .await
            .map_err(storage)?
        {
            // Signed in or out meanwhile: the sync that asked for is next.
            return Ok(Pulled {
                changed,
                requeued: 0,
            });
        }
        let mut requeued = 0;
        if let Some(account) = account {
            // Verdicts of pushes whose response was lost.
            changed |= store
                .settle(&page.results, account)
                .await
                .map_err(storage)?;
            requeued = store
                .resend_after(&account.device_id, page.last_seq)
                .await
                .map_err(storage)?;
        }
        if !page.more || requeued > 0 {
            return Ok(Pulled {
                changed: changed || requeued > 0,
                requeued,
            });
        }
    }
    Err(SyncProblem::Server("the server kept sending pages".into()))
}
