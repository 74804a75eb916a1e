//! The pull half of the sync protocol (docs/PROTOCOL.md): fetch pages from
//! the device's cursor until the server has nothing more, saving each page
//! and its cursor in one local transaction so that a page is never half
//! applied and never asked for twice.

use gloo_net::http::Request;

use super::idb::LocalStore;
use crate::protocol::{ErrorBody, PULL_PATH, PullResponse};

#[derive(Debug)]
pub enum SyncError {
    /// The request did not reach the server or got no answer.
    Offline,
    Server(String),
    Storage(String),
}

/// Pulls until `more` is false. `Ok(true)` when anything changed locally.
pub async fn pull_all(store: &LocalStore) -> Result<bool, SyncError> {
    let mut changed = false;
    // A bound on pages guards against a server that always says `more`.
    for _ in 0..10_000 {
        let cursor = store
            .meta()
            .await
            .map_err(|e| SyncError::Storage(e.to_string()))?
            .cursor;
        let url = match &cursor {
            Some(c) => format!("{PULL_PATH}?cursor={}", js_sys::encode_uri_component(c)),
            None => PULL_PATH.to_owned(),
        };
        let response = Request::get(&url)
            .send()
            .await
            .map_err(|_| SyncError::Offline)?;
        if !response.ok() {
            // A 5xx from a proxy while the venue network flaps is not the
            // server speaking; treat it as unreachable and retry.
            if response.status() >= 502 {
                return Err(SyncError::Offline);
            }
            let message = match response.json::<ErrorBody>().await {
                Ok(body) => body.error.message,
                Err(_) => format!("HTTP {}", response.status()),
            };
            return Err(SyncError::Server(message));
        }
        let page: PullResponse = response.json().await.map_err(|_| SyncError::Offline)?;
        changed |= page.reset || !page.changes.is_empty();
        store
            .apply_pull(&page)
            .await
            .map_err(|e| SyncError::Storage(e.to_string()))?;
        if !page.more {
            return Ok(changed);
        }
    }
    Err(SyncError::Server("the server kept sending pages".into()))
}
