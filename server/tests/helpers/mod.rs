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
    /// The SQLite file the server uses.
    pub db: std::path::PathBuf,
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
        Self::spawn_with(|state| state).await
    }

    /// A server whose state `setup` changes first (a mailer, say).
    pub async fn spawn_with(setup: impl FnOnce(AppState) -> AppState) -> TestApp {
        Self::spawn_custom(setup, server::ServeOptions::default()).await
    }

    /// A server with its own serving options as well.
    pub async fn spawn_custom(
        setup: impl FnOnce(AppState) -> AppState,
        serving: server::ServeOptions,
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("test.sqlite");
        let store = Store::open(&db).expect("open store");
        let options = server::leptos_options(Some(dir.path()));
        let state = setup(AppState::new(store.clone(), options));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(server::serve_with(listener, state, serving));
        TestApp {
            addr,
            store,
            client: reqwest::Client::new(),
            db,
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

pub const ATTENDEES_HEADER: &str =
    "badge_code,first_name,last_name,email,state,local,career_family,role\n";

/// `n` attendees with badge codes `T-0001`… and last names `Last1`…
pub fn roster(n: usize) -> String {
    let mut csv = ATTENDEES_HEADER.to_owned();
    for i in 1..=n {
        csv.push_str(&format!(
            "T-{i:04},First{i},Last{i},p{i}@example.org,OH,Local {i},Paraeducators,attendee\n"
        ));
    }
    csv
}

/// A signed-in phone, numbering its own mutations.
#[derive(Debug, Clone)]
pub struct Phone {
    pub token: String,
    pub device_id: String,
    pub attendee_id: String,
    pub next_seq: u64,
}

impl Phone {
    /// The next mutation of this phone (its seq taken).
    pub fn mutation(&mut self, op: &str, args: serde_json::Value) -> serde_json::Value {
        let seq = self.next_seq;
        self.next_seq += 1;
        serde_json::json!({"seq": seq, "op": op, "args": args, "at": now_rfc3339()})
    }

    pub fn register(&mut self, registration_id: &str, session_id: &str) -> serde_json::Value {
        self.mutation(
            "registration.create",
            serde_json::json!({"registration_id": registration_id, "session_id": session_id}),
        )
    }

    pub fn cancel(&mut self, registration_id: &str) -> serde_json::Value {
        self.mutation(
            "registration.cancel",
            serde_json::json!({"registration_id": registration_id}),
        )
    }
}

/// A registration id that reads as its number in test failures.
pub fn rid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

impl TestApp {
    pub async fn import_attendees(&self, csv: &str) {
        server::import::import_attendees(&self.store, csv.as_bytes())
            .await
            .expect("import attendees");
    }

    /// The id of the session with `code`, from a public pull.
    pub async fn session_id(&self, code: &str) -> String {
        let (changes, _) = self.pull_all(None, 1000).await;
        changes
            .iter()
            .find_map(|c| {
                let data = c.row::<serde_json::Value>()?;
                (data["code"] == code).then(|| c.id().to_owned())
            })
            .expect("session in program")
    }

    /// Makes an organizer account, as `hallpass organizer add` does.
    pub async fn add_organizer(&self, email: &str, password: &str) {
        server::organizers::add(
            &self.store,
            &server::organizers::Email::parse(email).expect("email"),
            server::organizers::Password::parse(password).expect("password"),
        )
        .await
        .expect("add organizer");
    }

    /// The sign-in code the server made for the attendee with `badge`, as
    /// their card shows it.
    pub async fn signin_code(&self, badge: &str) -> String {
        let badge = app::domain::BadgeCode::parse(badge).expect("badge code");
        server::signin::card(&self.store, badge)
            .await
            .expect("card")
            .code
            .grouped()
    }

    pub async fn sign_in_raw(&self, signin_code: &str) -> reqwest::Response {
        self.sign_in_from(&self.client, signin_code).await
    }

    /// Signs in through `client` (one bound to another loopback address,
    /// say).
    pub async fn sign_in_from(
        &self,
        client: &reqwest::Client,
        signin_code: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/v1/auth/attendee"))
            .json(&serde_json::json!({ "signin_code": signin_code }))
            .send()
            .await
            .expect("request")
    }

    /// Signs in attendee `n` of [`roster`].
    pub async fn phone(&self, n: usize) -> Phone {
        let code = self.signin_code(&format!("T-{n:04}")).await;
        let response = self.sign_in_raw(&code).await;
        assert_eq!(response.status(), 201, "sign-in");
        let body: app::protocol::SignInResponse = response.json().await.expect("sign-in body");
        Phone {
            token: body.token,
            device_id: body.device_id,
            attendee_id: body.attendee.id,
            next_seq: 1,
        }
    }

    pub async fn push_raw(
        &self,
        phone: &Phone,
        mutations: Vec<serde_json::Value>,
    ) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/sync/push"))
            .bearer_auth(&phone.token)
            .json(&serde_json::json!({"protocol": 1, "device_id": phone.device_id, "mutations": mutations}))
            .send()
            .await
            .expect("request")
    }

    /// A push that must be answered 200.
    pub async fn push(
        &self,
        phone: &Phone,
        mutations: Vec<serde_json::Value>,
    ) -> app::protocol::PushResponse {
        let response = self.push_raw(phone, mutations).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, 200, "push failed: {text}");
        serde_json::from_str(&text).expect("push body")
    }

    /// Every page of this phone's pull from `cursor`.
    pub async fn pull_as(
        &self,
        phone: &Phone,
        cursor: Option<&str>,
    ) -> (Vec<app::protocol::Change>, PullResponse) {
        let mut cursor = cursor.map(str::to_owned);
        let mut changes = Vec::new();
        loop {
            let mut request = self
                .client
                .get(self.url("/api/v1/sync/pull"))
                .bearer_auth(&phone.token);
            if let Some(c) = &cursor {
                request = request.query(&[("cursor", c)]);
            }
            let response = request.send().await.expect("request");
            assert_eq!(response.status(), 200, "pull");
            let page: PullResponse = response.json().await.expect("pull body");
            changes.extend(page.changes.clone());
            cursor = Some(page.cursor.clone());
            if !page.more {
                return (changes, page);
            }
        }
    }

    pub async fn registration_count(&self) -> i64 {
        self.query(|c| c.query_row("SELECT count(*) FROM registrations", [], |r| r.get(0)))
            .await
    }

    /// The highest `last_seq` of any device.
    pub async fn max_last_seq(&self) -> i64 {
        self.query(|c| {
            c.query_row("SELECT coalesce(max(last_seq), 0) FROM devices", [], |r| {
                r.get(0)
            })
        })
        .await
    }

    /// (confirmed_count, waitlist_count) of the session with `code`.
    pub async fn seat_counts(&self, code: &'static str) -> (i64, i64) {
        self.query(move |c| {
            c.query_row(
                "SELECT confirmed_count, waitlist_count FROM sessions WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .await
    }

    /// Reads the database directly.
    pub async fn query<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> T {
        self.store
            .read(move |conn| Ok(f(conn)?))
            .await
            .expect("query")
    }
}

impl TestApp {
    pub async fn pair_raw(&self, code: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/kiosk"))
            .json(&serde_json::json!({"pairing_code": code}))
            .send()
            .await
            .expect("request")
    }

    /// A kiosk paired with a fresh code, as a device numbering its mutations.
    pub async fn kiosk(&self, name: &str) -> Phone {
        let code =
            server::kiosks::make_pairing_code(&self.store, name, server::kiosks::DEFAULT_VALID)
                .await
                .expect("pairing code");
        let response = self.pair_raw(&code.code).await;
        assert_eq!(response.status(), 201, "pairing");
        let body: app::protocol::KioskPairResponse = response.json().await.expect("pair body");
        assert_eq!(body.kiosk.name, name);
        Phone {
            token: body.token,
            device_id: body.device_id,
            attendee_id: String::new(),
            next_seq: 1,
        }
    }
}

impl Phone {
    /// A kiosk's check-in of `badge` at `session` (None: the conference).
    pub fn check_in(
        &mut self,
        checkin_id: &str,
        badge: &str,
        session: Option<&str>,
        kind: &str,
    ) -> serde_json::Value {
        self.mutation(
            "checkin.record",
            serde_json::json!({"checkin_id": checkin_id, "badge_code": badge, "session_id": session, "kind": kind}),
        )
    }
}

/// The time now, as a device writes a mutation's `at`.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// Today by the server's clock, as mentoring dates are written.
pub fn today() -> String {
    date_in(0)
}

/// The date `days` from today by the server's clock, as `YYYY-MM-DD`.
pub fn date_in(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The args of a mentoring entry with `partner_badge`: 45 minutes of
/// co-planning today on Ethics, as mentor, with a private note.
pub fn entry_args(entry_id: &str, partner_badge: &str) -> serde_json::Value {
    serde_json::json!({
        "entry_id": entry_id, "partner_badge": partner_badge, "role": "mentor",
        "date": today(), "minutes": 45, "activity": "co-planning",
        "standards": ["Ethics"], "note": "private: talk about the bus route",
    })
}

/// What the partner of [`entry_args`] is shown and signs.
pub fn seen_of(args: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "role": args["role"], "date": args["date"], "minutes": args["minutes"],
        "activity": args["activity"], "standards": args["standards"],
    })
}

impl Phone {
    pub fn log(&mut self, args: serde_json::Value) -> serde_json::Value {
        self.mutation("mentoring.log", args)
    }

    pub fn update(&mut self, entry_id: &str, fields: serde_json::Value) -> serde_json::Value {
        self.mutation(
            "mentoring.update",
            serde_json::json!({"entry_id": entry_id, "fields": fields}),
        )
    }

    pub fn delete(&mut self, entry_id: &str) -> serde_json::Value {
        self.mutation(
            "mentoring.delete",
            serde_json::json!({"entry_id": entry_id}),
        )
    }

    pub fn confirm(&mut self, entry_id: &str, seen: serde_json::Value) -> serde_json::Value {
        self.mutation(
            "mentoring.confirm",
            serde_json::json!({"entry_id": entry_id, "seen": seen}),
        )
    }
}

/// A pulled row's data as JSON, for tests that look at its fields.
pub fn json_of(data: &serde_json::value::RawValue) -> serde_json::Value {
    serde_json::from_str(data.get()).expect("a row's data is JSON")
}
