//! The sync engine against a reference model (spec §8): 24 simulated phones
//! register and cancel, and log, edit, delete and confirm mentoring entries,
//! at random while their pushes are dropped, repeated,
//! sent out of order and have their responses lost. Every verdict the
//! server gives is checked against an independent, in-memory model of the
//! rules applied in server arrival order; at the end every `(device, seq)`
//! has been applied exactly once, no session is over capacity, every
//! waitlist is in arrival order, cursors only grew, and every phone's view
//! (registrations, seat counts, mentoring entries and their confirmations)
//! equals the server's, with private notes only on their author's phone.
//! Run: `cargo test -p server --test model` (`MODEL_SEEDS=1,2,3` for others).

mod helpers;

use std::collections::{BTreeMap, HashMap};

use app::protocol::{Change, Entity, PullResponse, PushResponse, ResultStatus};
use helpers::{Phone, SESSIONS_HEADER, TestApp, rid, roster, today};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const PHONES: usize = 24;
const STEPS: usize = 900;
/// Entry lengths: few, so that a stale confirmation sometimes matches.
const MINUTES: [u64; 3] = [30, 45, 60];

/// (code, start hour, end hour, capacity); all on one day in 2027.
const SESSIONS: [(&str, u32, u32, Option<u32>); 8] = [
    ("M1", 9, 10, Some(2)),
    ("M2", 9, 10, Some(3)),
    ("M3", 10, 11, Some(1)),
    ("M4", 10, 12, Some(2)),
    ("M5", 11, 12, None),
    ("M6", 13, 14, Some(4)),
    ("M7", 13, 15, Some(1)),
    ("M8", 15, 16, Some(2)),
];

fn program() -> String {
    let mut csv = SESSIONS_HEADER.to_owned();
    for (code, start, end, capacity) in SESSIONS {
        let capacity = capacity.map(|c| c.to_string()).unwrap_or_default();
        csv.push_str(&format!(
            "{code},Session {code},,workshop,,,,Room {code},2027-03-26T{start:02}:00:00-05:00,2027-03-26T{end:02}:00:00-05:00,{capacity},\n"
        ));
    }
    csv
}

/// The rules, written again from the spec as plainly as possible.
#[derive(Default)]
struct Model {
    /// session id → (start, end, capacity)
    sessions: HashMap<String, (u32, u32, Option<u32>)>,
    /// registration id → (attendee, session, status, arrival)
    regs: BTreeMap<String, (String, String, &'static str, u64)>,
    arrivals: u64,
    /// badge code → attendee id
    badges: HashMap<String, String>,
    /// entry id → the entry; deleted ones stay, marked
    entries: BTreeMap<String, ModelEntry>,
    /// (entry id, confirming attendee) → minutes they saw, for entries
    /// that have not arrived
    waiting: BTreeMap<(String, String), u64>,
}

#[derive(Debug, Clone, PartialEq)]
struct ModelEntry {
    author: String,
    partner: String,
    minutes: u64,
    note: String,
    confirmed: bool,
    deleted: bool,
}

/// A mentoring entry's id, apart from registration ids.
fn eid(n: u32) -> String {
    format!("00000000-0000-4000-9000-{n:012}")
}

fn entry_args(id: &str, partner_badge: &str, minutes: u64, note: &str) -> Value {
    json!({"entry_id": id, "partner_badge": partner_badge, "role": "mentor", "date": today(),
           "minutes": minutes, "activity": "conversation", "standards": ["Ethics"], "note": note})
}

fn seen(minutes: u64) -> Value {
    json!({"role": "mentor", "date": today(), "minutes": minutes, "activity": "conversation",
           "standards": ["Ethics"]})
}

impl Model {
    fn active<'a>(
        &'a self,
        attendee: &'a str,
    ) -> impl Iterator<Item = &'a (String, String, &'static str, u64)> {
        self.regs
            .values()
            .filter(move |(a, _, status, _)| a == attendee && *status != "cancelled")
    }

    fn count(&self, session: &str, status: &str) -> u32 {
        self.regs
            .values()
            .filter(|(_, s, st, _)| s == session && *st == status)
            .count() as u32
    }

    fn position(&self, id: &str) -> Option<u32> {
        let (_, session, status, arrival) = &self.regs[id];
        (*status == "waitlisted").then(|| {
            self.regs
                .values()
                .filter(|(_, s, st, a)| s == session && *st == "waitlisted" && a <= arrival)
                .count() as u32
        })
    }

    /// The verdict on a mentoring mutation.
    fn apply_mentoring(&mut self, me: &str, op: &str, args: &Value) -> Result<Value, String> {
        let id = args["entry_id"].as_str().unwrap_or_default().to_owned();
        let outcome = |confirmed: bool| json!({"entry_id": id, "confirmed": confirmed});
        if op == "mentoring.log" {
            if self.entries.contains_key(&id) {
                return Err("id_in_use".into());
            }
            let badge = args["partner_badge"].as_str().unwrap_or_default();
            let Some(partner) = self.badges.get(badge).cloned() else {
                return Err("unknown_badge".into());
            };
            if partner == me {
                return Err("self_partner".into());
            }
            let minutes = args["minutes"].as_u64().unwrap_or_default();
            let confirmed = self.waiting.get(&(id.clone(), partner.clone())) == Some(&minutes);
            self.waiting.retain(|(entry, _), _| *entry != id);
            let note = args["note"].as_str().unwrap_or_default().to_owned();
            self.entries.insert(
                id.clone(),
                ModelEntry {
                    author: me.to_owned(),
                    partner,
                    minutes,
                    note,
                    confirmed,
                    deleted: false,
                },
            );
            return Ok(outcome(confirmed));
        }
        let Some(entry) = self.entries.get_mut(&id) else {
            if op == "mentoring.confirm" {
                let saw = args["seen"]["minutes"].as_u64().unwrap_or_default();
                self.waiting.insert((id.clone(), me.to_owned()), saw);
                return Ok(json!({"entry_id": id, "confirmed": false, "waiting_for_entry": true}));
            }
            return Err("unknown_entry".into());
        };
        if entry.deleted {
            return Err("entry_deleted".into());
        }
        match op {
            "mentoring.confirm" => {
                if entry.partner != me {
                    return Err("forbidden".into());
                }
                if args["seen"]["minutes"].as_u64() != Some(entry.minutes) {
                    return Err("entry_changed".into());
                }
                entry.confirmed = true;
                Ok(outcome(true))
            }
            _ if entry.author != me => Err("forbidden".into()),
            "mentoring.update" => {
                let fields = &args["fields"];
                if let Some(minutes) = fields["minutes"].as_u64()
                    && minutes != entry.minutes
                {
                    entry.minutes = minutes;
                    entry.confirmed = false;
                }
                if let Some(note) = fields["note"].as_str() {
                    entry.note = note.to_owned();
                }
                let confirmed = entry.confirmed;
                Ok(outcome(confirmed))
            }
            "mentoring.delete" => {
                entry.deleted = true;
                Ok(json!({"entry_id": id, "deleted": true}))
            }
            _ => Err("unknown_op".into()),
        }
    }

    /// The verdict on one mutation: `Ok(outcome)` or `Err(code)`.
    fn apply(&mut self, attendee: &str, op: &str, args: &Value) -> Result<Value, String> {
        if op.starts_with("mentoring.") {
            return self.apply_mentoring(attendee, op, args);
        }
        let id = args["registration_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match op {
            "registration.create" => {
                let session = args["session_id"].as_str().unwrap_or_default().to_owned();
                if let Some((owner, held, status, _)) = self.regs.get(&id) {
                    // The same create sent again answers what it became.
                    if owner == attendee && *held == session {
                        return Ok(json!({"status": status, "position": self.position(&id)}));
                    }
                    return Err("id_in_use".into());
                }
                let Some(&(start, end, capacity)) = self.sessions.get(&session) else {
                    return Err("unknown_session".into());
                };
                if self.active(attendee).any(|(_, s, _, _)| *s == session) {
                    return Err("already_registered".into());
                }
                let clash = self.active(attendee).any(|(_, s, _, _)| {
                    let (s2, e2, _) = self.sessions[s];
                    start < e2 && s2 < end
                });
                if clash {
                    return Err("time_conflict".into());
                }
                let confirmed = self.count(&session, "confirmed");
                let waiting = self.count(&session, "waitlisted");
                let seat = capacity.is_none_or(|c| confirmed < c) && waiting == 0;
                let status = if seat { "confirmed" } else { "waitlisted" };
                self.arrivals += 1;
                self.regs.insert(
                    id.clone(),
                    (attendee.to_owned(), session, status, self.arrivals),
                );
                Ok(json!({"status": status, "position": self.position(&id)}))
            }
            "registration.cancel" => {
                let Some((owner, session, status, _)) = self.regs.get(&id).cloned() else {
                    return Err("unknown_registration".into());
                };
                if owner != attendee {
                    return Err("unknown_registration".into());
                }
                if status == "cancelled" {
                    return Err("already_cancelled".into());
                }
                if let Some(r) = self.regs.get_mut(&id) {
                    r.2 = "cancelled";
                }
                let capacity = self.sessions[&session].2;
                // Free seats go to the waitlist, first come first served.
                loop {
                    let confirmed = self.count(&session, "confirmed");
                    if capacity.is_some_and(|c| confirmed >= c) {
                        break;
                    }
                    let head = self
                        .regs
                        .iter()
                        .filter(|(_, (_, s, st, _))| *s == session && *st == "waitlisted")
                        .min_by_key(|(_, (_, _, _, a))| *a)
                        .map(|(k, _)| k.clone());
                    match head {
                        Some(k) => self.regs.get_mut(&k).map(|r| r.2 = "confirmed"),
                        None => break,
                    };
                }
                Ok(json!({"status": "cancelled", "position": null}))
            }
            _ => Err("unknown_op".into()),
        }
    }
}

/// A simulated phone: its outbox, its cursor and what it has pulled.
struct Sim {
    phone: Phone,
    outbox: Vec<Value>,
    /// What the server has acknowledged of this device, as far as the model knows.
    applied_to: u64,
    cursor: Option<String>,
    cursor_versions: Vec<i64>,
    registrations: BTreeMap<String, (String, Option<u64>)>,
    sessions: BTreeMap<String, (u64, u64)>,
    created: Vec<String>,
    /// entry id → (minutes, confirmed, note if sent)
    entries: BTreeMap<String, (u64, bool, Option<String>)>,
    logged: Vec<String>,
}

async fn push(app: &TestApp, phone: &Phone, mutations: &[Value]) -> reqwest::Response {
    app.push_raw(phone, mutations.to_vec()).await
}

/// Checks a push the server answered against the model, applying to the
/// model what the server newly applied.
fn check_push(model: &mut Model, sim: &mut Sim, sent: &[Value], answer: &PushResponse) {
    for (m, result) in sent.iter().zip(&answer.results) {
        let seq = m["seq"].as_u64().unwrap_or_default();
        assert_eq!(result.seq, seq, "results come in seq order");
        if seq <= sim.applied_to {
            assert_eq!(
                result.status,
                ResultStatus::Duplicate,
                "seq {seq} was applied before"
            );
            continue;
        }
        assert_eq!(seq, sim.applied_to + 1, "applied in seq order with no gap");
        let expected = model.apply(
            &sim.phone.attendee_id,
            m["op"].as_str().unwrap_or_default(),
            &m["args"],
        );
        match expected {
            Ok(outcome) => {
                assert_eq!(result.status, ResultStatus::Applied, "{m} → {result:?}");
                assert_eq!(
                    result.outcome_as::<serde_json::Value>(),
                    Some(outcome),
                    "{m}"
                );
            }
            Err(code) => {
                assert_eq!(result.status, ResultStatus::Rejected, "{m} → {result:?}");
                assert_eq!(result.code.as_deref(), Some(code.as_str()), "{m}");
            }
        }
        sim.applied_to = seq;
    }
    assert_eq!(answer.last_seq, sim.applied_to);
}

async fn pull(app: &TestApp, sim: &mut Sim) {
    loop {
        let mut request = app
            .client
            .get(app.url("/api/v1/sync/pull"))
            .bearer_auth(&sim.phone.token);
        if let Some(c) = &sim.cursor {
            request = request.query(&[("cursor", c), ("limit", &"40".to_owned())]);
        } else {
            request = request.query(&[("limit", "40")]);
        }
        let page: PullResponse = request.send().await.unwrap().json().await.unwrap();
        assert!(!page.reset);
        let version: i64 = page.cursor.rsplit('.').next().unwrap().parse().unwrap();
        if let Some(last) = sim.cursor_versions.last() {
            assert!(version >= *last, "cursors only grow");
        }
        sim.cursor_versions.push(version);
        sim.cursor = Some(page.cursor.clone());
        for change in &page.changes {
            match change {
                Change::Put {
                    entity: Entity::Registration,
                    id,
                    data,
                } => {
                    let data = helpers::json_of(data);
                    assert_eq!(
                        data["attendee_id"],
                        sim.phone.attendee_id.as_str(),
                        "own registrations only"
                    );
                    sim.registrations.insert(
                        id.clone(),
                        (
                            data["status"].as_str().unwrap().to_owned(),
                            data["position"].as_u64(),
                        ),
                    );
                }
                Change::Put {
                    entity: Entity::MentoringEntry,
                    id,
                    data,
                } => {
                    let data = helpers::json_of(data);
                    let me = sim.phone.attendee_id.as_str();
                    let author = data["author_id"].as_str().unwrap();
                    assert!(
                        author == me || data["partner_id"] == me,
                        "only entries I wrote or that name me: {data}"
                    );
                    assert_eq!(
                        data.get("note").is_some(),
                        author == me,
                        "the note goes to its author only: {data}"
                    );
                    sim.entries.insert(
                        id.clone(),
                        (
                            data["minutes"].as_u64().unwrap(),
                            data["confirmed_at"].is_string(),
                            data["note"].as_str().map(str::to_owned),
                        ),
                    );
                }
                Change::Del {
                    entity: Entity::MentoringEntry,
                    id,
                } => {
                    sim.entries.remove(id);
                }
                Change::Put {
                    entity: Entity::Session,
                    id,
                    data,
                } => {
                    let data = helpers::json_of(data);
                    sim.sessions.insert(
                        id.clone(),
                        (
                            data["confirmed_count"].as_u64().unwrap(),
                            data["waitlist_count"].as_u64().unwrap(),
                        ),
                    );
                }
                _ => {}
            }
        }
        // What the server has, the phone may forget.
        assert_eq!(page.last_seq, sim.applied_to);
        sim.outbox
            .retain(|m| m["seq"].as_u64().unwrap_or_default() > page.last_seq);
        if !page.more {
            return;
        }
    }
}

async fn run(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let app = TestApp::spawn().await;
    app.import_sessions(&program()).await;
    app.import_attendees(&roster(PHONES)).await;
    let mut model = Model::default();
    let mut session_ids = Vec::new();
    for (code, start, end, capacity) in SESSIONS {
        let id = app.session_id(code).await;
        model.sessions.insert(id.clone(), (start, end, capacity));
        session_ids.push(id);
    }
    let mut sims = Vec::new();
    for n in 1..=PHONES {
        sims.push(Sim {
            phone: app.phone(n).await,
            outbox: Vec::new(),
            applied_to: 0,
            cursor: None,
            cursor_versions: Vec::new(),
            registrations: BTreeMap::new(),
            sessions: BTreeMap::new(),
            created: Vec::new(),
            entries: BTreeMap::new(),
            logged: Vec::new(),
        });
    }
    for (n, sim) in sims.iter().enumerate() {
        model.badges.insert(badge(n), sim.phone.attendee_id.clone());
    }
    let mut next_id = 0u32;
    // Every entry logged by any phone: (id, author index, partner index,
    // minutes when logged). Partners learn of them "by QR", offline.
    let mut shown: Vec<(String, usize, usize, u64)> = Vec::new();

    for _ in 0..STEPS {
        let i = rng.random_range(0..PHONES);
        let roll = rng.random_range(0..100);
        let sim = &mut sims[i];
        match roll {
            // A tap: register (sometimes for a session that does not exist,
            // or reusing an id) or cancel (sometimes someone else's).
            0..=19 => {
                next_id += 1;
                let id = if rng.random_bool(0.05) && next_id > 1 {
                    rid(rng.random_range(1..next_id))
                } else {
                    rid(next_id)
                };
                let session = if rng.random_bool(0.05) {
                    "424242".to_owned()
                } else {
                    session_ids[rng.random_range(0..session_ids.len())].clone()
                };
                sim.created.push(id.clone());
                let m = sim.phone.register(&id, &session);
                sim.outbox.push(m);
            }
            // Mentoring: log (now and then naming oneself or a stranger),
            // edit, delete, and confirm what a partner was shown (sometimes
            // stale, sometimes by the wrong person).
            20..=39 => {
                let mentoring = rng.random_range(0..10);
                if mentoring < 4 || shown.is_empty() {
                    let id = eid(shown.len() as u32 + 1);
                    let partner = rng.random_range(0..PHONES);
                    let partner_badge = match rng.random_range(0..20) {
                        0 => "T-9999".to_owned(),
                        _ => badge(partner),
                    };
                    let minutes = MINUTES[rng.random_range(0..MINUTES.len())];
                    let m = sim.phone.log(entry_args(
                        &id,
                        &partner_badge,
                        minutes,
                        &format!("note {id}"),
                    ));
                    sim.outbox.push(m);
                    sim.logged.push(id.clone());
                    shown.push((id, i, partner, minutes));
                } else if mentoring < 7 {
                    let (id, author, partner, minutes) =
                        shown[rng.random_range(0..shown.len())].clone();
                    let confirmer = if rng.random_bool(0.85) {
                        partner
                    } else {
                        author
                    };
                    let saw = if rng.random_bool(0.8) {
                        minutes
                    } else {
                        MINUTES[rng.random_range(0..MINUTES.len())]
                    };
                    let sim = &mut sims[confirmer];
                    let m = sim.phone.confirm(&id, seen(saw));
                    sim.outbox.push(m);
                } else {
                    let id = if !sim.logged.is_empty() && rng.random_bool(0.9) {
                        sim.logged[rng.random_range(0..sim.logged.len())].clone()
                    } else {
                        shown[rng.random_range(0..shown.len())].0.clone()
                    };
                    let m = match mentoring {
                        7 => sim
                            .phone
                            .update(&id, json!({"note": format!("edited {id}")})),
                        8 => sim.phone.update(
                            &id,
                            json!({"minutes": MINUTES[rng.random_range(0..MINUTES.len())]}),
                        ),
                        _ => sim.phone.delete(&id),
                    };
                    sim.outbox.push(m);
                }
            }
            40..=49 => {
                let id = if !sim.created.is_empty() && rng.random_bool(0.9) {
                    sim.created[rng.random_range(0..sim.created.len())].clone()
                } else {
                    rid(rng.random_range(1..=next_id.max(1)))
                };
                let m = sim.phone.cancel(&id);
                sim.outbox.push(m);
            }
            // A push that never leaves the phone.
            50..=52 => {}
            // A push whose response is lost: applied, but the phone keeps it all.
            53..=59 if !sim.outbox.is_empty() => {
                let n = rng.random_range(1..=sim.outbox.len());
                let batch = sim.outbox[..n].to_vec();
                let response = push(&app, &sim.phone, &batch).await;
                assert_eq!(response.status(), 200);
                let answer: PushResponse = response.json().await.unwrap();
                check_push(&mut model, sim, &batch, &answer);
            }
            // Out of order: a later part first is refused as a gap.
            60..=64 if sim.outbox.len() >= 2 => {
                let from = rng.random_range(1..sim.outbox.len());
                let first_seq = sim.outbox[from]["seq"].as_u64().unwrap();
                let batch = sim.outbox[from..].to_vec();
                let response = push(&app, &sim.phone, &batch).await;
                if first_seq > sim.applied_to + 1 {
                    assert_eq!(response.status(), 409);
                    let body: Value = response.json().await.unwrap();
                    assert_eq!(body["error"]["expected_seq"], sim.applied_to + 1);
                } else {
                    let answer: PushResponse = response.json().await.unwrap();
                    check_push(&mut model, sim, &batch, &answer);
                }
            }
            // A normal push, sometimes sent twice.
            65..=84 if !sim.outbox.is_empty() => {
                let n = rng.random_range(1..=sim.outbox.len());
                let batch = sim.outbox[..n].to_vec();
                let times = if rng.random_bool(0.2) { 2 } else { 1 };
                for _ in 0..times {
                    let answer: PushResponse =
                        push(&app, &sim.phone, &batch).await.json().await.unwrap();
                    check_push(&mut model, sim, &batch, &answer);
                }
                let acked = sim.applied_to;
                sim.outbox
                    .retain(|m| m["seq"].as_u64().unwrap_or_default() > acked);
            }
            _ => pull(&app, sim).await,
        }
    }

    // The network comes back for good: everyone sends everything, then pulls.
    for sim in &mut sims {
        while !sim.outbox.is_empty() {
            let n = sim.outbox.len().min(7);
            let batch = sim.outbox[..n].to_vec();
            let answer: PushResponse = push(&app, &sim.phone, &batch).await.json().await.unwrap();
            check_push(&mut model, sim, &batch, &answer);
            let acked = sim.applied_to;
            sim.outbox
                .retain(|m| m["seq"].as_u64().unwrap_or_default() > acked);
        }
    }
    for sim in &mut sims {
        pull(&app, sim).await;
    }

    // The run exercised what it claims to.
    let live = model.entries.values().filter(|e| !e.deleted);
    let confirmed = live.clone().filter(|e| e.confirmed).count();
    let deleted = model.entries.values().filter(|e| e.deleted).count();
    println!(
        "seed {seed}: {} registrations, {} entries ({confirmed} confirmed, {deleted} deleted)",
        model.regs.len(),
        model.entries.len()
    );
    assert!(live.count() > 0 && confirmed > 0 && deleted > 0);

    // Every (device, seq) applied exactly once.
    let stored: Vec<(String, i64, i64, i64)> = app
        .query(|c| {
            c.prepare("SELECT d.id, d.last_seq, count(r.seq), coalesce(max(r.seq), 0) FROM devices d LEFT JOIN results r ON r.device_id = d.id GROUP BY d.id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect()
        })
        .await;
    for sim in &sims {
        let sent = sim.phone.next_seq as i64 - 1;
        let row = stored.iter().find(|r| r.0 == sim.phone.device_id).unwrap();
        assert_eq!(
            (row.1, row.2, row.3),
            (sent, sent, sent),
            "device {} seqs 1..={sent} once each",
            sim.phone.device_id
        );
    }
    // The server's registrations are the model's, with its counts.
    let server: BTreeMap<String, (String, String, i64)> = app
        .query(|c| {
            c.prepare("SELECT id, status, session_id, queued FROM registrations")?
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        (r.get(1)?, r.get::<_, i64>(2)?.to_string(), r.get(3)?),
                    ))
                })?
                .collect()
        })
        .await;
    assert_eq!(server.len(), model.regs.len());
    for (id, (_, session, status, _)) in &model.regs {
        assert_eq!(
            (&server[id].0, &server[id].1),
            (&status.to_string(), session),
            "{id}"
        );
    }
    for (session, (_, _, capacity)) in &model.sessions {
        let confirmed = model.count(session, "confirmed");
        assert!(
            capacity.is_none_or(|c| confirmed <= c),
            "session {session} over capacity"
        );
        // Waitlist order is arrival order: nobody waits who arrived before
        // someone confirmed from the waitlist... and seats are only empty
        // when nobody waits.
        let waiting = model.count(session, "waitlisted");
        if waiting > 0 {
            assert!(
                capacity.is_some_and(|c| confirmed == c),
                "a free seat while people wait in {session}"
            );
        }
        let mut queue: Vec<(i64, &String)> = server
            .iter()
            .filter(|(_, (st, s, _))| st == "waitlisted" && s == session)
            .map(|(id, (_, _, q))| (*q, id))
            .collect();
        queue.sort();
        for (place, (_, id)) in queue.iter().enumerate() {
            assert_eq!(
                model.position(id),
                Some(place as u32 + 1),
                "waitlist order of {id}"
            );
        }
    }
    // Every phone sees what the server has.
    for sim in &sims {
        let mine: BTreeMap<String, (String, Option<u64>)> = model
            .regs
            .iter()
            .filter(|(_, (a, _, _, _))| *a == sim.phone.attendee_id)
            .map(|(id, (_, _, status, _))| {
                (
                    id.clone(),
                    (status.to_string(), model.position(id).map(u64::from)),
                )
            })
            .collect();
        assert_eq!(
            sim.registrations, mine,
            "phone {} converged",
            sim.phone.device_id
        );
        let mut entries: BTreeMap<String, (u64, bool, Option<String>)> = BTreeMap::new();
        for (id, e) in &model.entries {
            let me = &sim.phone.attendee_id;
            if !e.deleted && (&e.author == me || &e.partner == me) {
                let note = (&e.author == me).then(|| e.note.clone());
                entries.insert(id.clone(), (e.minutes, e.confirmed, note));
            }
        }
        assert_eq!(
            sim.entries, entries,
            "mentoring entries on phone {}",
            sim.phone.device_id
        );
        for (session, counts) in &sim.sessions {
            let expected = (
                u64::from(model.count(session, "confirmed")),
                u64::from(model.count(session, "waitlisted")),
            );
            assert_eq!(*counts, expected, "seat counts of {session} on a phone");
        }
    }
}

/// The badge code of phone `i` (attendee `i + 1` of the roster).
fn badge(i: usize) -> String {
    format!("T-{:04}", i + 1)
}

#[tokio::test]
async fn every_mutation_is_applied_once_in_arrival_order_and_every_phone_converges() {
    let seeds: Vec<u64> = std::env::var("MODEL_SEEDS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 3]);
    for seed in seeds {
        println!("model seed {seed}");
        run(seed).await;
    }
}
