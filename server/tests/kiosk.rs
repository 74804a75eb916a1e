//! Black-box tests of kiosk pairing, `checkin.record` and the kiosk scope,
//! against a real server on a loopback port with a fresh SQLite file.
//! Run: `cargo test -p server --test kiosk`.

mod helpers;

use std::time::Duration;

use app::protocol::{Change, Entity, ResultStatus};
use helpers::{TestApp, error_code, rid, roster, small_program};
use serde_json::json;

async fn app_with(attendees: usize) -> TestApp {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    app.import_attendees(&roster(attendees)).await;
    app
}

fn of(changes: &[Change], kind: Entity) -> Vec<serde_json::Value> {
    let mut latest = std::collections::BTreeMap::new();
    for c in changes {
        if let Change::Put { entity, id, .. } = c
            && *entity == kind
        {
            latest.insert(id.clone(), c.row::<serde_json::Value>().expect("a row"));
        }
    }
    latest.into_values().collect()
}

#[tokio::test]
async fn a_pairing_code_pairs_one_kiosk_once() {
    let app = app_with(1).await;
    let code = server::kiosks::make_pairing_code(&app.store, "Kiosk B", Duration::from_secs(600))
        .await
        .unwrap();

    let response = app
        .pair_raw(&code.code.to_lowercase().replace('-', " "))
        .await;

    assert_eq!(response.status(), 201);
    let body: app::protocol::KioskPairResponse = response.json().await.unwrap();
    assert_eq!(body.kiosk.name, "Kiosk B");
    assert_eq!(body.token.len(), 64);
    let (status, code_again, _) = error_code(app.pair_raw(&code.code).await).await;
    assert_eq!((status, code_again.as_str()), (401, "pairing_code_used"));
    let stored: i64 = app
        .query(|c| {
            c.query_row(
                "SELECT count(*) FROM devices WHERE scope = 'kiosk' AND name = 'Kiosk B'",
                [],
                |r| r.get(0),
            )
        })
        .await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn unknown_expired_and_malformed_pairing_codes_are_refused_clearly() {
    let app = app_with(1).await;
    let expired = server::kiosks::make_pairing_code(&app.store, "Old", Duration::ZERO)
        .await
        .unwrap();
    for (code, status, expected) in [
        ("ABCD-EFGH", 401, "bad_pairing_code"),
        (expired.code.as_str(), 401, "pairing_code_expired"),
        ("ABC", 422, "bad_pairing_code"),
        ("ABCD-EFG0", 422, "bad_pairing_code"),
    ] {
        let (got, code_got, message) = error_code(app.pair_raw(code).await).await;
        assert_eq!(
            (got, code_got.as_str()),
            (status, expected),
            "{code}: {message}"
        );
    }
    let kiosks: i64 = app
        .query(|c| c.query_row("SELECT count(*) FROM devices", [], |r| r.get(0)))
        .await;
    assert_eq!(kiosks, 0);
}

#[tokio::test]
async fn a_kiosk_records_check_ins_and_flags_a_second_entry_as_a_duplicate() {
    let app = app_with(2).await;
    let session = app.session_id("A-1").await;
    let mut a = app.kiosk("Kiosk A").await;
    let mut b = app.kiosk("Kiosk B").await;

    let first = a.check_in(&rid(1), "t-0001", None, "entry");
    let first_at = first["at"].clone();
    let at_session = a.check_in(&rid(2), "T-0001", Some(&session), "entry");
    let exit = a.check_in(&rid(3), "T-0001", None, "exit");
    let answer_a = app.push(&a, vec![first, at_session, exit]).await;
    let again = b.check_in(&rid(4), "T-0001", None, "entry");
    let answer_b = app.push(&b, vec![again]).await;

    assert!(
        answer_a
            .results
            .iter()
            .all(|r| r.status == ResultStatus::Applied)
    );
    assert_eq!(
        answer_a.results[0]
            .outcome_as::<serde_json::Value>()
            .unwrap()["duplicate_of"],
        json!(null)
    );
    assert_eq!(
        answer_a.results[1]
            .outcome_as::<serde_json::Value>()
            .unwrap()["duplicate_of"],
        json!(null),
        "another place"
    );
    let outcome = answer_b.results[0]
        .outcome_as::<serde_json::Value>()
        .unwrap();
    assert_eq!(outcome["duplicate_of"], rid(1));
    assert_eq!(outcome["first_kiosk"], "Kiosk A");
    assert_eq!(outcome["first_at"], first_at, "the first kiosk's own clock");
    let rows: Vec<(String, Option<String>)> = app
        .query(|c| {
            c.prepare("SELECT id, duplicate_of FROM checkins ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .await;
    assert_eq!(
        rows,
        vec![
            (rid(1), None),
            (rid(2), None),
            (rid(3), None),
            (rid(4), Some(rid(1)))
        ]
    );
}

#[tokio::test]
async fn the_same_check_in_id_is_one_row_forever() {
    let app = app_with(2).await;
    let mut kiosk = app.kiosk("Kiosk A").await;
    let first = kiosk.check_in(&rid(1), "T-0001", None, "entry");
    let later = kiosk.check_in(&rid(2), "T-0001", None, "entry");
    let once = app.push(&kiosk, vec![first, later]).await;
    let answer = once.results[1].outcome_as::<serde_json::Value>().unwrap();
    assert_eq!(answer["duplicate_of"], rid(1));

    // The kiosk lost its outbox's acknowledgement and queued it again
    // under a new seq: as it was, and with a badge or a session that would
    // be refused now. Each answers what the id became.
    let session = app.session_id("A-1").await;
    let replays = vec![
        kiosk.check_in(&rid(2), "T-0001", None, "entry"),
        kiosk.check_in(&rid(2), "T-0002", Some(&session), "exit"),
        kiosk.check_in(&rid(2), "NOPE-0000", None, "entry"),
        kiosk.check_in(&rid(2), "T-0001", Some("999"), "entry"),
        kiosk.check_in(&rid(2), "T-0001", Some("not-a-row"), "entry"),
    ];
    let again = app.push(&kiosk, replays).await;

    for result in &again.results {
        assert_eq!(result.status, ResultStatus::Applied, "{result:?}");
        assert_eq!(result.outcome_as::<serde_json::Value>().unwrap(), answer);
    }
    let rows: Vec<(String, i64, Option<i64>)> = app
        .query(|c| {
            c.prepare("SELECT id, attendee_id, session_id FROM checkins ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].0, rid(2));
    assert_eq!((rows[1].1, rows[1].2), (rows[0].1, None), "unchanged");
}

#[tokio::test]
async fn unknown_badges_and_sessions_are_rejected_and_consume_their_seq() {
    let app = app_with(1).await;
    let mut kiosk = app.kiosk("Kiosk A").await;
    let batch = vec![
        kiosk.check_in(&rid(1), "NOPE-0000", None, "entry"),
        kiosk.check_in(&rid(2), "T-0001", Some("999"), "entry"),
        kiosk.check_in(&rid(3), "T-0001", None, "entry"),
    ];

    let answer = app.push(&kiosk, batch).await;

    let codes: Vec<Option<&str>> = answer.results.iter().map(|r| r.code.as_deref()).collect();
    assert_eq!(
        codes,
        vec![Some("unknown_badge"), Some("unknown_session"), None]
    );
    assert_eq!(answer.last_seq, 3);
}

#[tokio::test]
async fn kiosks_cannot_register_and_attendees_cannot_check_in() {
    let app = app_with(1).await;
    let session = app.session_id("A-1").await;
    let mut kiosk = app.kiosk("Kiosk A").await;
    let mut phone = app.phone(1).await;

    let register = kiosk.register(&rid(1), &session);
    let by_kiosk = app.push(&kiosk, vec![register]).await;
    let check_in = phone.check_in(&rid(2), "T-0001", None, "entry");
    let by_phone = app.push(&phone, vec![check_in]).await;

    assert_eq!(by_kiosk.results[0].code.as_deref(), Some("forbidden"));
    assert_eq!(by_phone.results[0].code.as_deref(), Some("forbidden"));
    let (regs, checkins): (i64, i64) = app
        .query(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM registrations), (SELECT count(*) FROM checkins)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .await;
    assert_eq!((regs, checkins), (0, 0));
}

#[tokio::test]
async fn a_kiosk_pulls_the_roster_without_emails_who_is_registered_where_and_every_check_in() {
    let app = app_with(3).await;
    let session = app.session_id("A-1").await;
    for n in 1..=2 {
        let mut phone = app.phone(n).await;
        let m = phone.register(&rid(n as u32), &session);
        app.push(&phone, vec![m]).await;
    }
    let mut kiosk = app.kiosk("Kiosk A").await;
    let m = kiosk.check_in(&rid(9), "T-0003", None, "entry");
    app.push(&kiosk, vec![m]).await;

    let (changes, _) = app.pull_as(&kiosk, None).await;

    let attendees = of(&changes, Entity::Attendee);
    assert_eq!(attendees.len(), 3);
    let text = serde_json::to_string(&changes).unwrap();
    assert!(
        !text.contains("example.org") && !text.contains("email"),
        "no email ever reaches a kiosk"
    );
    let sessions = of(&changes, Entity::Session);
    assert_eq!(sessions.len(), 3);
    let a1 = sessions.iter().find(|s| s["code"] == "A-1").unwrap();
    let ids: Vec<&str> = attendees
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        a1["confirmed_attendees"],
        json!([ids[0], ids[1]]),
        "seats in arrival order"
    );
    assert_eq!(a1["waitlisted_attendees"], json!([]));
    assert!(
        of(&changes, Entity::Registration).is_empty(),
        "registrations travel on the session rows"
    );
    let checkins = of(&changes, Entity::Checkin);
    assert_eq!(checkins.len(), 1);
    assert_eq!(checkins[0]["kiosk"], "Kiosk A");
}

#[tokio::test]
async fn a_check_in_is_its_own_stored_result_for_a_repeated_push_and_a_pull() {
    let app = app_with(1).await;
    let mut a = app.kiosk("Kiosk A").await;
    let mut b = app.kiosk("Kiosk B").await;
    let first = a.check_in(&rid(1), "T-0001", None, "entry");
    app.push(&a, vec![first]).await;
    let batch = vec![
        b.check_in(&rid(2), "T-0001", None, "entry"),
        b.check_in(&rid(3), "T-9999", None, "entry"),
        b.check_in(&rid(4), "T-0001", None, "exit"),
    ];
    let answer = app.push(&b, batch.clone()).await;

    // The answer was lost on the way: the kiosk sends the batch again.
    let again = app.push(&b, batch).await;
    assert_eq!(again.last_seq, answer.last_seq);
    assert_eq!(again.results.len(), 3);
    for (first, repeat) in answer.results.iter().zip(&again.results) {
        assert_eq!(repeat.status, ResultStatus::Duplicate);
        assert_eq!(
            (
                repeat.seq,
                &repeat.code,
                repeat.outcome_as::<serde_json::Value>()
            ),
            (
                first.seq,
                &first.code,
                first.outcome_as::<serde_json::Value>()
            )
        );
    }
    let outcome = again.results[0].outcome_as::<serde_json::Value>().unwrap();
    assert_eq!(outcome["duplicate_of"], rid(1));
    assert_eq!(outcome["first_kiosk"], "Kiosk A");
    assert_eq!(again.results[1].code.as_deref(), Some("unknown_badge"));

    // A pull tells the kiosk the same.
    let (_, page) = app.pull_as(&b, None).await;
    let pulled: Vec<_> = page
        .results
        .iter()
        .map(|r| (r.seq, r.outcome_as::<serde_json::Value>()))
        .collect();
    let pushed: Vec<_> = answer
        .results
        .iter()
        .map(|r| (r.seq, r.outcome_as::<serde_json::Value>()))
        .collect();
    assert_eq!(pulled, pushed);
    // Only the rejection has a row of its own in `results`.
    let device = b.device_id.clone();
    let kept: Vec<i64> = app
        .query(move |c| {
            c.prepare("SELECT seq FROM results WHERE device_id = ?1")?
                .query_map([device], |r| r.get(0))?
                .collect()
        })
        .await;
    assert_eq!(kept, vec![answer.results[1].seq as i64]);
}

#[tokio::test]
async fn an_attendee_pulls_their_own_check_ins_only() {
    let app = app_with(2).await;
    let (a1, b1) = (app.session_id("A-1").await, app.session_id("B-1").await);
    let mut kiosk = app.kiosk("Kiosk A").await;
    // Theirs at the door and at two sessions (in and out), another's at each.
    let batch = vec![
        kiosk.check_in(&rid(1), "T-0001", None, "entry"),
        kiosk.check_in(&rid(2), "T-0002", None, "entry"),
        kiosk.check_in(&rid(3), "T-0002", Some(&b1), "entry"),
        kiosk.check_in(&rid(4), "T-0001", Some(&b1), "entry"),
        kiosk.check_in(&rid(5), "T-0002", Some(&a1), "entry"),
        kiosk.check_in(&rid(6), "T-0002", Some(&a1), "exit"),
        kiosk.check_in(&rid(7), "T-0001", Some(&a1), "entry"),
    ];
    app.push(&kiosk, batch).await;
    let phone = app.phone(2).await;
    let ids = |changes: &[Change]| -> Vec<String> {
        let mut ids: Vec<String> = of(changes, Entity::Checkin)
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };

    let (changes, first) = app.pull_as(&phone, None).await;
    assert_eq!(ids(&changes), vec![rid(2), rid(3), rid(5), rid(6)]);

    // From their cursor on, only what is new and theirs: exits, and later
    // entries at the door and at a session (kept in another index than
    // first entries, store migration 009).
    let later = vec![
        kiosk.check_in(&rid(8), "T-0001", Some(&b1), "exit"),
        kiosk.check_in(&rid(9), "T-0002", Some(&b1), "exit"),
        kiosk.check_in(&rid(10), "T-0002", None, "entry"),
        kiosk.check_in(&rid(11), "T-0002", Some(&a1), "entry"),
        kiosk.check_in(&rid(12), "T-0001", None, "entry"),
    ];
    app.push(&kiosk, later).await;
    let (changes, _) = app.pull_as(&phone, Some(&first.cursor)).await;
    assert_eq!(ids(&changes), vec![rid(9), rid(10), rid(11)]);
    let (changes, _) = app.pull_as(&phone, None).await;
    assert_eq!(ids(&changes).len(), 7, "all of theirs from the start");
}

#[tokio::test]
async fn two_kiosks_offline_at_once_leave_one_check_in_and_one_flagged_duplicate() {
    let app = app_with(1).await;
    let mut a = app.kiosk("Kiosk A").await;
    let mut b = app.kiosk("Kiosk B").await;
    // Both scanned the same badge while offline; both sync at once.
    let ma = a.check_in(&rid(1), "T-0001", None, "entry");
    let mb = b.check_in(&rid(2), "T-0001", None, "entry");
    let (ra, rb) = tokio::join!(app.push(&a, vec![ma]), app.push(&b, vec![mb]));

    let duplicates: Vec<bool> = [ra, rb]
        .iter()
        .map(|r| !r.results[0].outcome_as::<serde_json::Value>().unwrap()["duplicate_of"].is_null())
        .collect();
    assert_eq!(
        duplicates.iter().filter(|d| **d).count(),
        1,
        "{duplicates:?}"
    );
    let (rows, flagged): (i64, i64) = app
        .query(|c| {
            c.query_row(
                "SELECT count(*), count(duplicate_of) FROM checkins",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .await;
    assert_eq!((rows, flagged), (2, 1));
}

#[tokio::test]
async fn an_entry_at_a_session_door_is_flagged_with_the_registration_walk_ins_included() {
    let app = app_with(4).await;
    // A-1 has two seats: T-0001 and T-0002 get them, T-0003 waits, T-0004
    // has not registered.
    let session = app.session_id("A-1").await;
    for n in 1..=3 {
        let mut phone = app.phone(n).await;
        let m = phone.register(&rid(n as u32), &session);
        app.push(&phone, vec![m]).await;
    }
    let mut kiosk = app.kiosk("Room 201").await;
    let checks = vec![
        kiosk.check_in(&rid(11), "T-0001", Some(&session), "entry"),
        kiosk.check_in(&rid(12), "T-0003", Some(&session), "entry"),
        kiosk.check_in(&rid(13), "T-0004", Some(&session), "entry"),
        kiosk.check_in(&rid(14), "T-0004", Some(&session), "exit"),
        kiosk.check_in(&rid(15), "T-0004", None, "entry"),
    ];

    let answer = app.push(&kiosk, checks).await;

    let flags: Vec<serde_json::Value> = answer
        .results
        .iter()
        .map(|r| r.outcome_as::<serde_json::Value>().unwrap()["at_door"].clone())
        .collect();
    assert_eq!(
        flags,
        vec![
            json!("confirmed"),
            json!("waitlisted"),
            json!("walk_in"),
            json!(null),
            json!(null)
        ]
    );
    // The flag says what was true when the person came in: registering
    // afterwards does not rewrite it.
    let mut late = app.phone(4).await;
    let m = late.register(&rid(4), &session);
    app.push(&late, vec![m]).await;
    let (changes, _) = app.pull_as(&kiosk, None).await;
    let pulled: std::collections::BTreeMap<String, serde_json::Value> =
        of(&changes, Entity::Checkin)
            .into_iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c.get("at_door").cloned().unwrap_or(json!(null)),
                )
            })
            .collect();
    assert_eq!(pulled[&rid(11)], "confirmed");
    assert_eq!(pulled[&rid(12)], "waitlisted");
    assert_eq!(pulled[&rid(13)], "walk_in");
    assert_eq!(pulled[&rid(14)], json!(null), "an exit has no flag");
    assert_eq!(
        pulled[&rid(15)],
        json!(null),
        "the conference door has none"
    );
}
