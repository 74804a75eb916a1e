//! What the push benchmarks share: a program, a roster, devices made
//! straight in the store, and a real server on a loopback port.
// Each benchmark is a crate of its own and uses part of this.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use server::store::devices::{self, DeviceScope, NewDevice};
use server::{AppState, Store};

pub const SESSIONS: usize = 250;
pub const ATTENDEES: usize = 5_000;

pub struct Device {
    pub token: String,
    pub device_id: String,
}

/// 25 time slots of 10 parallel sessions over three days; one in five
/// unlimited, the rest with 20 to 99 seats.
pub fn program() -> String {
    let mut csv = "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n".to_owned();
    for i in 0..SESSIONS {
        let slot = i / 10;
        let day = 26 + slot / 9;
        let hour = 8 + slot % 9;
        let capacity = if i % 5 == 0 {
            String::new()
        } else {
            (20 + i % 80).to_string()
        };
        csv.push_str(&format!(
            "B-{i:03},Session {i},,workshop,,,,Room {r},2027-03-{day}T{hour:02}:00:00-05:00,2027-03-{day}T{hour:02}:50:00-05:00,{capacity},\n",
            r = i % 10
        ));
    }
    csv
}

/// The badge code of attendee `i` of [`roster`].
pub fn badge(i: usize) -> String {
    format!("B-{i:05}")
}

pub fn roster() -> String {
    roster_of(ATTENDEES)
}

/// `n` attendees, badges from [`badge`]`(0)`.
pub fn roster_of(n: usize) -> String {
    let mut csv =
        "badge_code,first_name,last_name,email,state,local,career_family,role\n".to_owned();
    for i in 0..n {
        csv.push_str(&format!(
            "{},First,Last{i},,OH,Local 1,Paraeducators,attendee\n",
            badge(i)
        ));
    }
    csv
}

/// Devices made directly in the store: sign-in is rate limited per address
/// by design, and these benchmarks are about push. Attendee devices go
/// round the roster; `kiosk` makes kiosks instead.
pub async fn make_devices(store: &Store, n: usize, kiosk: bool) -> Vec<Device> {
    let devices: Vec<Device> = (0..n)
        .map(|_| Device {
            token: devices::new_token(),
            device_id: uuid::Uuid::new_v4().to_string(),
        })
        .collect();
    let rows: Vec<(String, String, DeviceScope)> = devices
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let scope = if kiosk {
                DeviceScope::Kiosk
            } else {
                DeviceScope::Attendee {
                    attendee_id: (i % ATTENDEES) as i64 + 1,
                }
            };
            (d.token.clone(), d.device_id.clone(), scope)
        })
        .collect();
    store
        .write(move |conn| {
            for (token, id, scope) in &rows {
                devices::create(
                    conn,
                    &NewDevice {
                        id,
                        token,
                        scope: *scope,
                        name: None,
                        protocol: 1,
                        user_agent: None,
                        now: "2027-03-20T00:00:00Z",
                    },
                )?;
            }
            Ok(())
        })
        .await
        .expect("devices");
    devices
}

/// A server on a fresh database `name` in `dir` with the program and the
/// roster; its store and its push URL.
pub async fn fresh_server(dir: &Path, name: &str) -> (Store, Arc<String>) {
    fresh_server_with(dir, name, &program(), &roster()).await
}

/// As [`fresh_server`], with this program and roster (CSV).
pub async fn fresh_server_with(
    dir: &Path,
    name: &str,
    program: &str,
    roster: &str,
) -> (Store, Arc<String>) {
    let store = Store::open(&dir.join(name)).expect("store");
    server::import::import_sessions(&store, program.as_bytes())
        .await
        .expect("sessions");
    server::import::import_attendees(&store, roster.as_bytes())
        .await
        .expect("attendees");
    let state = AppState::new(store.clone(), server::leptos_options(Some(dir)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/api/v1/sync/push",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(server::serve(listener, state));
    (store, Arc::new(url))
}

/// `p`th percentile of `values` (ms).
pub fn percentile(values: &[std::time::Duration], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort();
    let i = ((p / 100.0) * sorted.len() as f64) as usize;
    sorted
        .get(i.min(sorted.len().saturating_sub(1)))
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}
