//! Shared by the black-box tests: a real server on a loopback port with a
//! fresh SQLite file, and typed calls to it.

#![allow(dead_code)]

use std::net::SocketAddr;

use app::protocol::PullResponse;
use server::{AppState, Store};

pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Store,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

pub const SESSIONS_HEADER: &str = "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n";

/// A small program: three sessions, one unlimited.
pub fn small_program() -> String {
    format!(
        "{SESSIONS_HEADER}\
         A-1,Beat Privatization,\"Organize, then act.\",workshop,Professional Leadership,Organization,,Room 201,2027-03-26T10:30:00-05:00,2027-03-26T12:00:00-05:00,2,Rosa Delgado\n\
         B-1,Supporting Our Own: ESP Mentoring,,workshop,Peer Mentoring & Collaboration,Communication,Paraeducators;Food services,Room 202,2027-03-26T10:30:00-05:00,2027-03-26T12:00:00-05:00,30,\n\
         G-1,Opening General Session,,general,,,,Grand Ballroom,2027-03-26T08:30:00-05:00,2027-03-26T10:00:00-05:00,,\n"
    )
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("test.sqlite")).expect("open store");
        let options = server::leptos_options(Some(dir.path()));
        let state = AppState::new(store.clone(), options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(server::serve(listener, state));
        TestApp {
            addr,
            store,
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn import_sessions(&self, csv: &str) -> server::import::ImportSummary {
        server::import::import_sessions(&self.store, csv.as_bytes())
            .await
            .expect("import")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// A pull that must succeed.
    pub async fn pull(&self, cursor: Option<&str>, limit: Option<u32>) -> PullResponse {
        let response = self.pull_raw(cursor, limit).await;
        assert_eq!(response.status(), 200, "pull failed");
        response.json().await.expect("pull body")
    }

    pub async fn pull_raw(&self, cursor: Option<&str>, limit: Option<u32>) -> reqwest::Response {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(c) = cursor {
            query.push(("cursor", c.to_owned()));
        }
        if let Some(l) = limit {
            query.push(("limit", l.to_string()));
        }
        self.client
            .get(self.url("/api/v1/sync/pull"))
            .query(&query)
            .send()
            .await
            .expect("request")
    }

    /// Pulls every page from `cursor`, returning all changes and the final cursor.
    pub async fn pull_all(
        &self,
        mut cursor: Option<String>,
        limit: u32,
    ) -> (Vec<app::protocol::Change>, String) {
        let mut changes = Vec::new();
        loop {
            let page = self.pull(cursor.as_deref(), Some(limit)).await;
            changes.extend(page.changes);
            cursor = Some(page.cursor);
            if !page.more {
                return (changes, cursor.unwrap_or_default());
            }
        }
    }
}

/// The `{error:{code,message}}` of a failed response.
pub async fn error_code(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("error body is JSON");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned();
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_owned();
    (status, code, message)
}
