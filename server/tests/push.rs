//! Black-box tests of sign-in and `POST /api/v1/sync/push` with the
//! registration rules, against a real server on a loopback port with a
//! fresh SQLite file. Run: `cargo test -p server --test push`.

mod helpers;

use app::protocol::{Change, Entity, ResultStatus};
use helpers::{SESSIONS_HEADER, TestApp, entry_args, error_code, rid, roster};
use serde_json::json;

/// A program with one small room (2 seats), a session clashing with it,
/// one back-to-back with it, and one that already took place.
fn program() -> String {
    format!(
        "{SESSIONS_HEADER}\
         SMALL,Building Winning Teams,,workshop,,,,Room 1,2027-03-26T09:00:00-05:00,2027-03-26T10:00:00-05:00,2,\n\
         CLASH,Beat Privatization,,workshop,,,,Room 2,2027-03-26T09:30:00-05:00,2027-03-26T10:30:00-05:00,50,\n\
         NEXT,ESP Leaders for Tomorrow,,workshop,,,,Room 3,2027-03-26T10:00:00-05:00,2027-03-26T11:00:00-05:00,,\n\
         PAST,Stepping Up to the Plate,,pre-conference,,,,Room 4,2020-03-26T09:00:00-05:00,2020-03-26T10:00:00-05:00,,\n"
    )
}

async fn app_with(attendees: usize) -> TestApp {
    let app = TestApp::spawn().await;
    app.import_sessions(&program()).await;
    app.import_attendees(&roster(attendees)).await;
    app
}

fn registrations(changes: &[Change]) -> Vec<serde_json::Value> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Put {
                entity: Entity::Registration,
                data,
                ..
            } => Some(helpers::json_of(data)),
            _ => None,
        })
        .collect()
}

/// The last state of each registration in a series of changes.
fn latest(changes: &[Change]) -> std::collections::BTreeMap<String, serde_json::Value> {
    registrations(changes)
        .into_iter()
        .map(|d| (d["id"].as_str().unwrap_or_default().to_owned(), d))
        .collect()
}

#[tokio::test]
async fn seats_go_first_come_and_the_rest_wait_in_arrival_order() {
    let app = app_with(4).await;
    let small = app.session_id("SMALL").await;
    let mut phones = Vec::new();
    for n in 1..=4 {
        phones.push(app.phone(n).await);
    }

    let mut outcomes = Vec::new();
    for (i, phone) in phones.iter_mut().enumerate() {
        let m = phone.register(&rid(i as u32 + 1), &small);
        let response = app.push(phone, vec![m]).await;
        assert_eq!(response.last_seq, 1);
        assert_eq!(response.results[0].status, ResultStatus::Applied);
        outcomes.push(
            response.results[0]
                .outcome_as::<serde_json::Value>()
                .unwrap(),
        );
    }

    assert_eq!(
        outcomes[0],
        json!({"status": "confirmed", "position": null})
    );
    assert_eq!(
        outcomes[1],
        json!({"status": "confirmed", "position": null})
    );
    assert_eq!(outcomes[2], json!({"status": "waitlisted", "position": 1}));
    assert_eq!(outcomes[3], json!({"status": "waitlisted", "position": 2}));
    let (changes, _) = app.pull_as(&phones[0], None).await;
    let session = changes
        .iter()
        .find_map(|c| match c {
            Change::Put {
                entity: Entity::Session,
                id,
                data,
            } if *id == small => Some(helpers::json_of(data)),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (
            session["confirmed_count"].as_u64(),
            session["waitlist_count"].as_u64()
        ),
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn cancelling_a_seat_promotes_the_first_waitlisted_and_moves_the_queue_up() {
    let app = app_with(4).await;
    let small = app.session_id("SMALL").await;
    let mut phones = Vec::new();
    for n in 1..=4 {
        let mut phone = app.phone(n).await;
        let m = phone.register(&rid(n as u32), &small);
        app.push(&phone, vec![m]).await;
        phones.push(phone);
    }
    let (_, before) = app.pull_as(&phones[3], None).await;

    let m = phones[0].cancel(&rid(1));
    let response = app.push(&phones[0], vec![m]).await;

    assert_eq!(
        response.results[0].outcome_as::<serde_json::Value>(),
        Some(json!({"status": "cancelled", "position": null}))
    );
    let (changes, _) = app.pull_as(&phones[2], None).await;
    assert_eq!(latest(&changes)[&rid(3)]["status"], "confirmed");
    // The last one in line moved from #2 to #1, and learns it by pull.
    let (changes, _) = app.pull_as(&phones[3], Some(&before.cursor)).await;
    assert_eq!(latest(&changes)[&rid(4)]["position"], 1);
    let counts = app.seat_counts("SMALL").await;
    assert_eq!(counts, (2, 1));
}

#[tokio::test]
async fn refused_mutations_consume_their_seq_and_do_not_block_the_queue() {
    let app = app_with(1).await;
    let [small, clash, next, past] = ["SMALL", "CLASH", "NEXT", "PAST"].map(|c| app.session_id(c));
    let (small, clash, next, past) = (small.await, clash.await, next.await, past.await);
    let mut phone = app.phone(1).await;

    let batch = vec![
        phone.register(&rid(1), &small),
        phone.register(&rid(2), &clash),
        phone.register(&rid(3), &small),
        phone.register(&rid(4), "999999"),
        phone.register(&rid(5), &past),
        phone.register(&rid(1), &next),
        phone.mutation("registration.teleport", json!({})),
        phone.cancel(&rid(42)),
        phone.register(&rid(6), &next),
    ];
    let response = app.push(&phone, batch).await;

    let got: Vec<(u64, ResultStatus, Option<&str>)> = response
        .results
        .iter()
        .map(|r| (r.seq, r.status, r.code.as_deref()))
        .collect();
    use ResultStatus::{Applied, Rejected};
    assert_eq!(
        got,
        vec![
            (1, Applied, None),
            (2, Rejected, Some("time_conflict")),
            (3, Rejected, Some("already_registered")),
            (4, Rejected, Some("unknown_session")),
            (5, Rejected, Some("session_closed")),
            (6, Rejected, Some("id_in_use")),
            (7, Rejected, Some("unknown_op")),
            (8, Rejected, Some("unknown_registration")),
            (9, Applied, None),
        ]
    );
    assert_eq!(response.last_seq, 9);
    assert!(
        response.results[1]
            .message
            .as_deref()
            .unwrap()
            .contains("Building Winning Teams")
    );
    let rows = app.registration_count().await;
    assert_eq!(rows, 2);
}

#[tokio::test]
async fn another_attendees_registration_cannot_be_cancelled() {
    let app = app_with(2).await;
    let small = app.session_id("SMALL").await;
    let mut alice = app.phone(1).await;
    let mut bob = app.phone(2).await;
    let m = alice.register(&rid(1), &small);
    app.push(&alice, vec![m]).await;

    let m = bob.cancel(&rid(1));
    let response = app.push(&bob, vec![m]).await;

    assert_eq!(
        response.results[0].code.as_deref(),
        Some("unknown_registration")
    );
    let status: String = app
        .query(|c| c.query_row("SELECT status FROM registrations", [], |r| r.get(0)))
        .await;
    assert_eq!(status, "confirmed");
}

#[tokio::test]
async fn a_repeated_push_is_reported_duplicate_with_its_first_outcome_and_changes_nothing() {
    let app = app_with(1).await;
    let small = app.session_id("SMALL").await;
    let mut phone = app.phone(1).await;
    let batch = vec![
        phone.register(&rid(1), &small),
        phone.register(&rid(2), &small),
    ];
    let first = app.push(&phone, batch.clone()).await;
    let version_before: i64 = app
        .query(|c| c.query_row("SELECT version FROM meta", [], |r| r.get(0)))
        .await;

    let again = app.push(&phone, batch).await;

    assert_eq!(again.last_seq, 2);
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == ResultStatus::Duplicate)
    );
    assert_eq!(
        again.results[0].outcome_as::<serde_json::Value>(),
        first.results[0].outcome_as::<serde_json::Value>()
    );
    assert_eq!(again.results[1].code.as_deref(), Some("already_registered"));
    let version_after: i64 = app
        .query(|c| c.query_row("SELECT version FROM meta", [], |r| r.get(0)))
        .await;
    assert_eq!(version_before, version_after, "a duplicate writes nothing");
}

#[tokio::test]
async fn a_batch_that_overlaps_what_was_applied_applies_only_the_new_part() {
    let app = app_with(1).await;
    let [small, next] = ["SMALL", "NEXT"].map(|c| app.session_id(c));
    let (small, next) = (small.await, next.await);
    let mut phone = app.phone(1).await;
    let one = phone.register(&rid(1), &small);
    app.push(&phone, vec![one.clone()]).await;

    let two = phone.register(&rid(2), &next);
    let response = app.push(&phone, vec![one, two]).await;

    let statuses: Vec<ResultStatus> = response.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![ResultStatus::Duplicate, ResultStatus::Applied]
    );
    assert_eq!(response.last_seq, 2);
}

#[tokio::test]
async fn a_gap_is_refused_with_the_expected_seq_and_applies_nothing() {
    let app = app_with(1).await;
    let small = app.session_id("SMALL").await;
    let mut phone = app.phone(1).await;
    phone.next_seq = 3;
    let m = phone.register(&rid(1), &small);

    let response = app.push_raw(&phone, vec![m]).await;

    assert_eq!(response.status(), 409);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "seq_gap");
    assert_eq!(body["error"]["expected_seq"], 1);
    let rows = app.registration_count().await;
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn a_push_whose_response_was_lost_gets_its_outcome_through_pull() {
    let app = app_with(3).await;
    let small = app.session_id("SMALL").await;
    for n in 2..=3 {
        let mut other = app.phone(n).await;
        let m = other.register(&rid(n as u32 + 10), &small);
        app.push(&other, vec![m]).await;
    }
    let mut phone = app.phone(1).await;
    let m = phone.register(&rid(1), &small);
    // The response never reaches the phone.
    drop(app.push_raw(&phone, vec![m]).await);

    let (changes, page) = app.pull_as(&phone, None).await;

    assert_eq!(page.last_seq, 1);
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].seq, 1);
    assert_eq!(
        page.results[0].outcome_as::<serde_json::Value>(),
        Some(json!({"status": "waitlisted", "position": 1}))
    );
    assert_eq!(latest(&changes)[&rid(1)]["status"], "waitlisted");
}

#[tokio::test]
async fn a_storage_failure_rolls_the_whole_batch_back_and_a_retry_applies_it_once() {
    let app = app_with(1).await;
    let [small, next] = ["SMALL", "NEXT"].map(|c| app.session_id(c));
    let (small, next) = (small.await, next.await);
    let mut phone = app.phone(1).await;
    let batch = vec![
        phone.register(&rid(1), &small),
        phone.register(&rid(2), &next),
    ];
    // A real SQLite failure in the middle of the batch: the second insert aborts.
    let next_id: i64 = next.parse().unwrap();
    app.store
        .write(move |c| {
            c.execute_batch(&format!(
                "CREATE TRIGGER fail_next BEFORE INSERT ON registrations WHEN NEW.session_id = {next_id}
                 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;"
            ))?;
            Ok(())
        })
        .await
        .unwrap();

    let response = app.push_raw(&phone, batch.clone()).await;

    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code.as_str()), (500, "internal"));
    assert!(!message.contains("disk on fire"), "causes stay in the log");
    let (rows, last_seq) = (app.registration_count().await, app.max_last_seq().await);
    assert_eq!((rows, last_seq), (0, 0), "nothing of the batch stayed");

    app.store
        .write(|c| {
            c.execute_batch("DROP TRIGGER fail_next")?;
            Ok(())
        })
        .await
        .unwrap();
    let retry = app.push(&phone, batch).await;
    assert!(
        retry
            .results
            .iter()
            .all(|r| r.status == ResultStatus::Applied)
    );
    let rows = app.registration_count().await;
    assert_eq!(rows, 2);
}

#[tokio::test]
async fn a_new_epoch_tells_the_phone_to_reset_and_it_can_push_again() {
    let app = app_with(1).await;
    let small = app.session_id("SMALL").await;
    let phone = app.phone(1).await;
    let (_, page) = app.pull_as(&phone, None).await;
    // The database was restored from elsewhere: a new epoch.
    app.store
        .write(|c| {
            c.execute("UPDATE meta SET epoch = lower(hex(randomblob(16)))", [])?;
            Ok(())
        })
        .await
        .unwrap();

    let (changes, after) = app.pull_as(&phone, Some(&page.cursor)).await;

    let first = app
        .client
        .get(app.url("/api/v1/sync/pull"))
        .bearer_auth(&phone.token)
        .query(&[("cursor", &page.cursor)])
        .send()
        .await
        .unwrap()
        .json::<app::protocol::PullResponse>()
        .await
        .unwrap();
    assert!(first.reset);
    assert!(
        !after
            .cursor
            .starts_with(page.cursor.split('.').next().unwrap())
    );
    assert!(changes.iter().any(|c| c.id() == small));
}

#[tokio::test]
async fn an_attendee_never_receives_another_attendees_registrations() {
    let app = app_with(2).await;
    let small = app.session_id("SMALL").await;
    let mut alice = app.phone(1).await;
    let mut bob = app.phone(2).await;
    let m = alice.register(&rid(1), &small);
    app.push(&alice, vec![m]).await;
    let m = bob.register(&rid(2), &small);
    app.push(&bob, vec![m]).await;

    let (changes, page) = app.pull_as(&bob, None).await;

    let regs: Vec<String> = latest(&changes).into_keys().collect();
    assert_eq!(regs, vec![rid(2)]);
    let attendees: Vec<serde_json::Value> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Put {
                entity: Entity::Attendee,
                data,
                ..
            } => Some(helpers::json_of(data)),
            _ => None,
        })
        .collect();
    assert_eq!(attendees.len(), 1);
    assert_eq!(attendees[0]["badge_code"], "T-0002");
    assert!(attendees[0].get("email").is_none());
    assert!(page.results.iter().all(|r| r.seq == 1));
    let (public, _) = app.pull_all(None, 1000).await;
    assert!(public.iter().all(|c| matches!(
        c,
        Change::Put {
            entity: Entity::Session,
            ..
        }
    )));
}

#[tokio::test]
async fn bad_requests_get_clear_errors_and_change_nothing() {
    let app = app_with(2).await;
    let small = app.session_id("SMALL").await;
    let mut phone = app.phone(1).await;
    let other = app.phone(2).await;
    let one = phone.register(&rid(1), &small);
    let url = app.url("/api/v1/sync/push");
    let body = |device: &str, mutations: serde_json::Value| {
        json!({"protocol": 1, "device_id": device, "mutations": mutations}).to_string()
    };
    let many: Vec<serde_json::Value> = (1..=501)
        .map(|seq| json!({"seq": seq, "op": "registration.cancel", "args": {"registration_id": rid(seq)}, "at": ""}))
        .collect();
    let huge = json!({"protocol": 1, "device_id": phone.device_id, "mutations": [
        {"seq": 1, "op": "x", "args": {"pad": "x".repeat(1_100_000)}, "at": ""}]})
    .to_string();
    let cases: Vec<(&str, Option<&str>, String, u16, &str)> = vec![
        (
            "no token",
            None,
            body(&phone.device_id, json!([one])),
            401,
            "missing_token",
        ),
        (
            "unknown token",
            Some("f00"),
            body(&phone.device_id, json!([one])),
            401,
            "invalid_token",
        ),
        (
            "not JSON",
            Some(&phone.token),
            "{seq:1".into(),
            400,
            "malformed",
        ),
        (
            "wrong shape",
            Some(&phone.token),
            json!({"protocol": 1, "device_id": phone.device_id}).to_string(),
            422,
            "invalid_body",
        ),
        (
            "another device's id",
            Some(&phone.token),
            body(&other.device_id, json!([one])),
            403,
            "wrong_device",
        ),
        (
            "bad device id",
            Some(&phone.token),
            body("phone-1", json!([one])),
            422,
            "bad_device_id",
        ),
        (
            "protocol 2",
            Some(&phone.token),
            json!({"protocol": 2, "device_id": phone.device_id, "mutations": []}).to_string(),
            400,
            "unsupported_protocol",
        ),
        (
            "seq 0",
            Some(&phone.token),
            body(
                &phone.device_id,
                json!([{"seq": 0, "op": "x", "args": {}, "at": ""}]),
            ),
            422,
            "bad_seq",
        ),
        (
            "seqs not consecutive",
            Some(&phone.token),
            body(
                &phone.device_id,
                json!([
            {"seq": 1, "op": "x", "args": {}, "at": ""}, {"seq": 3, "op": "x", "args": {}, "at": ""}]),
            ),
            422,
            "bad_seq",
        ),
        (
            "501 mutations",
            Some(&phone.token),
            body(&phone.device_id, json!(many)),
            413,
            "too_many_mutations",
        ),
        ("over 1 MiB", Some(&phone.token), huge, 413, "too_large"),
    ];
    for (what, token, body, status, code) in cases {
        let mut request = app
            .client
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let (got_status, got_code, message) = error_code(request.send().await.unwrap()).await;
        assert_eq!(
            (got_status, got_code.as_str()),
            (status, code),
            "{what}: {message}"
        );
        assert!(!message.is_empty(), "{what}");
    }
    let (rows, last_seq) = (app.registration_count().await, app.max_last_seq().await);
    assert_eq!((rows, last_seq), (0, 0));
}

#[tokio::test]
async fn a_signed_out_token_stops_working() {
    let app = app_with(1).await;
    let phone = app.phone(1).await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/signout"))
        .bearer_auth(&phone.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);

    let (status, code, _) = error_code(app.push_raw(&phone, vec![]).await).await;

    assert_eq!((status, code.as_str()), (401, "revoked"));
}

#[tokio::test]
async fn twenty_phones_racing_for_two_seats_get_two_seats_and_an_ordered_waitlist() {
    let app = app_with(20).await;
    let small = app.session_id("SMALL").await;
    let mut phones = Vec::new();
    for n in 1..=20 {
        phones.push(app.phone(n).await);
    }

    let mut tasks = tokio::task::JoinSet::new();
    for (i, mut phone) in phones.into_iter().enumerate() {
        let m = phone.register(&rid(i as u32 + 1), &small);
        let client = app.client.clone();
        let url = app.url("/api/v1/sync/push");
        tasks.spawn(async move {
            client
                .post(url)
                .bearer_auth(&phone.token)
                .json(&json!({"protocol": 1, "device_id": phone.device_id, "mutations": [m]}))
                .send()
                .await
                .unwrap()
                .json::<app::protocol::PushResponse>()
                .await
                .unwrap()
        });
    }
    let mut confirmed = 0;
    let mut positions = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let outcome = done.unwrap().results[0]
            .outcome_as::<serde_json::Value>()
            .unwrap();
        match outcome["status"].as_str() {
            Some("confirmed") => confirmed += 1,
            Some("waitlisted") => positions.push(outcome["position"].as_u64().unwrap()),
            other => panic!("unexpected {other:?}"),
        }
    }
    positions.sort();
    assert_eq!(confirmed, 2);
    assert_eq!(positions, (1..=18).collect::<Vec<u64>>());
}

#[tokio::test]
async fn a_reimport_that_enlarges_the_room_seats_the_waitlist_in_order() {
    let app = app_with(4).await;
    let small = app.session_id("SMALL").await;
    for n in 1..=4 {
        let mut phone = app.phone(n).await;
        let m = phone.register(&rid(n as u32), &small);
        app.push(&phone, vec![m]).await;
    }

    app.import_sessions(&program().replace(
        "Room 1,2027-03-26T09:00:00-05:00,2027-03-26T10:00:00-05:00,2,",
        "Room 1,2027-03-26T09:00:00-05:00,2027-03-26T10:00:00-05:00,3,",
    ))
    .await;

    let statuses: Vec<(String, String)> = app
        .query(|c| {
            c.prepare("SELECT id, status FROM registrations ORDER BY queued")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .await;
    let statuses: Vec<&str> = statuses.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        statuses,
        vec!["confirmed", "confirmed", "confirmed", "waitlisted"]
    );
    let counts = app.seat_counts("SMALL").await;
    assert_eq!(counts, (3, 1));
}

#[tokio::test]
async fn pushes_and_pulls_record_when_the_device_was_last_heard_from_and_what_it_holds() {
    let app = app_with(1).await;
    let phone = app.phone(1).await;
    let response = app
        .client
        .post(app.url("/api/v1/sync/push"))
        .bearer_auth(&phone.token)
        .json(&json!({"protocol": 1, "device_id": phone.device_id, "mutations": [], "pending": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let (pending, seen): (Option<i64>, Option<String>) = app
        .query(|c| {
            c.query_row("SELECT pending, last_seen FROM devices", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
        })
        .await;

    assert_eq!(pending, Some(3));
    assert!(seen.is_some_and(|s| s.starts_with("20")));
}

#[tokio::test]
async fn a_wrong_method_on_the_api_gets_a_json_error() {
    let app = app_with(1).await;

    let (status, code, message) = error_code(app.get("/api/v1/sync/push").await).await;

    assert_eq!((status, code.as_str()), (405, "method_not_allowed"));
    assert!(message.contains("/api/v1/sync/push"));
}

#[tokio::test]
async fn a_device_log_sent_again_from_a_new_sign_in_is_answered_not_refused() {
    let app = app_with(2).await;
    let small = app.session_id("SMALL").await;
    let next = app.session_id("NEXT").await;
    let mut first = app.phone(1).await;
    let batch = vec![
        first.register(&rid(1), &small),
        first.register(&rid(2), &next),
    ];
    let answer = app.push(&first, batch).await;
    assert!(
        answer
            .results
            .iter()
            .all(|r| r.status == ResultStatus::Applied)
    );
    let cancel = first.cancel(&rid(2));
    let logged = first.log(entry_args(&rid(3), "T-0002"));
    app.push(&first, vec![cancel, logged]).await;

    // The same person signs in again (a new device, seqs from 1) and the
    // device sends its whole log, as it does when the server's epoch changed.
    let mut again = app.phone(1).await;
    let replay = vec![
        again.register(&rid(1), &small),
        again.register(&rid(2), &next),
        again.register(&rid(1), &next),
        again.log(entry_args(&rid(3), "T-0002")),
    ];
    let answer = app.push(&again, replay).await;

    let got: Vec<_> = answer
        .results
        .iter()
        .map(|r| {
            (
                r.status,
                r.code.as_deref(),
                r.outcome_as::<serde_json::Value>()
                    .map(|o| o["status"].clone()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (ResultStatus::Applied, None, Some(json!("confirmed"))),
            (ResultStatus::Applied, None, Some(json!("cancelled"))),
            // The same id for another session is not a replay.
            (ResultStatus::Rejected, Some("id_in_use"), None),
            (ResultStatus::Applied, None, Some(json!(null))),
        ]
    );
    assert_eq!(
        answer.results[3].outcome_as::<serde_json::Value>(),
        Some(json!({"entry_id": rid(3), "confirmed": false}))
    );
    assert_eq!(app.registration_count().await, 2, "nothing applied twice");
    let entries: i64 = app
        .query(|c| c.query_row("SELECT count(*) FROM mentoring_entries", [], |r| r.get(0)))
        .await;
    assert_eq!(entries, 1);
    assert_eq!(app.seat_counts("SMALL").await, (1, 0));

    // Someone else's id is still refused.
    let mut other = app.phone(2).await;
    let stolen = other.register(&rid(1), &small);
    let answer = app.push(&other, vec![stolen]).await;
    assert_eq!(answer.results[0].code.as_deref(), Some("id_in_use"));
}
