//! Black-box tests of the mentoring log's operations and scope, against a
//! real server on a loopback port with a fresh SQLite file.
//! Run: `cargo test -p server --test mentoring`.

mod helpers;

use app::protocol::{Change, Entity, MutationResult, ResultStatus};
use helpers::{Phone, TestApp, date_in, entry_args, rid, roster, seen_of, small_program, today};
use serde_json::{Value, json};

async fn app_with(attendees: usize) -> TestApp {
    let app = TestApp::spawn().await;
    app.import_sessions(&small_program()).await;
    app.import_attendees(&roster(attendees)).await;
    app
}

/// The mentoring entries a phone holds after pulling everything: puts by
/// id, with deletions applied.
async fn entries_of(app: &TestApp, phone: &Phone) -> Vec<Value> {
    let (changes, _) = app.pull_as(phone, None).await;
    latest(&changes)
}

fn latest(changes: &[Change]) -> Vec<Value> {
    let mut held = std::collections::BTreeMap::new();
    for c in changes {
        match c {
            Change::Put {
                entity: Entity::MentoringEntry,
                id,
                data,
            } => {
                held.insert(id.clone(), helpers::json_of(data));
            }
            Change::Del {
                entity: Entity::MentoringEntry,
                id,
            } => {
                held.remove(id);
            }
            _ => {}
        }
    }
    held.into_values().collect()
}

fn codes(results: &[MutationResult]) -> Vec<Option<&str>> {
    results.iter().map(|r| r.code.as_deref()).collect()
}

async fn stored_entries(app: &TestApp) -> i64 {
    app.query(|c| c.query_row("SELECT count(*) FROM mentoring_entries", [], |r| r.get(0)))
        .await
}

#[tokio::test]
async fn an_entry_reaches_its_author_with_the_note_and_its_partner_without() {
    let app = app_with(3).await;
    let mut author = app.phone(1).await;
    let partner = app.phone(2).await;
    let stranger = app.phone(3).await;
    let kiosk = app.kiosk("Kiosk A").await;

    let log = author.log(entry_args(&rid(1), "t-0002"));
    let answer = app.push(&author, vec![log]).await;

    assert_eq!(answer.results[0].status, ResultStatus::Applied);
    let mine = entries_of(&app, &author).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["note"], "private: talk about the bus route");
    assert_eq!(mine[0]["partner_badge"], "T-0002");
    assert_eq!(mine[0]["partner_name"], "First2 Last2");
    assert_eq!(mine[0]["minutes"], 45);
    assert_eq!(mine[0]["confirmed_at"], Value::Null);
    let theirs = entries_of(&app, &partner).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["author_name"], "First1 Last1");
    assert!(
        theirs[0].get("note").is_none(),
        "the partner never receives the note: {}",
        theirs[0]
    );
    assert!(entries_of(&app, &stranger).await.is_empty());
    let (kiosk_changes, _) = app.pull_as(&kiosk, None).await;
    assert!(latest(&kiosk_changes).is_empty());
    let (_, public) = app.pull_all(None, 1000).await;
    assert!(!public.is_empty());
}

#[tokio::test]
async fn every_broken_rule_is_rejected_and_consumes_its_seq() {
    let app = app_with(2).await;
    let mut author = app.phone(1).await;
    let with = |key: &str, value: Value| {
        let mut args = entry_args(&rid(9), "T-0002");
        args[key] = value;
        args
    };
    let day_after_tomorrow = date_in(2);
    let mut both = entry_args(&rid(9), "T-0002");
    both["partner_name"] = json!("Pat Lee");
    let cases = [
        (with("minutes", json!(0)), "invalid_args"),
        (with("minutes", json!(721)), "invalid_args"),
        (with("date", json!("1999-12-31")), "invalid_args"),
        (with("date", json!(day_after_tomorrow)), "invalid_args"),
        (with("standards", json!(["Cooking"])), "invalid_args"),
        (with("activity", json!("lunch")), "invalid_args"),
        (with("partner_badge", json!("T-0404")), "unknown_badge"),
        (with("partner_badge", json!("T-0001")), "self_partner"),
        (both, "invalid_args"),
    ];
    let expected: Vec<Option<&str>> = cases.iter().map(|(_, code)| Some(*code)).collect();
    let mutations = cases
        .into_iter()
        .map(|(args, _)| author.log(args))
        .collect();

    let answer = app.push(&author, mutations).await;

    assert_eq!(codes(&answer.results), expected);
    assert!(
        answer
            .results
            .iter()
            .all(|r| r.status == ResultStatus::Rejected && r.message.is_some())
    );
    assert_eq!(answer.last_seq, 9);
    assert_eq!(stored_entries(&app).await, 0);
    // Tomorrow is still today somewhere: it is accepted.
    let tomorrow = date_in(1);
    let ok = author.log(with("date", json!(tomorrow)));
    assert_eq!(
        app.push(&author, vec![ok]).await.results[0].status,
        ResultStatus::Applied
    );
}

#[tokio::test]
async fn only_the_author_edits_or_deletes_and_only_the_named_partner_confirms() {
    let app = app_with(3).await;
    let mut author = app.phone(1).await;
    let mut partner = app.phone(2).await;
    let mut stranger = app.phone(3).await;
    let args = entry_args(&rid(1), "T-0002");
    let log = author.log(args.clone());
    app.push(&author, vec![log]).await;

    let by_partner = vec![
        partner.update(&rid(1), json!({"minutes": 600})),
        partner.delete(&rid(1)),
    ];
    let partner_answer = app.push(&partner, by_partner).await;
    let by_stranger = vec![
        stranger.update(&rid(1), json!({"minutes": 600})),
        stranger.delete(&rid(1)),
        stranger.confirm(&rid(1), seen_of(&args)),
    ];
    let stranger_answer = app.push(&stranger, by_stranger).await;
    let own_confirm = author.confirm(&rid(1), seen_of(&args));
    let author_answer = app.push(&author, vec![own_confirm]).await;

    assert_eq!(
        codes(&partner_answer.results),
        [Some("forbidden"), Some("forbidden")]
    );
    assert_eq!(
        codes(&stranger_answer.results),
        [Some("forbidden"), Some("forbidden"), Some("forbidden")]
    );
    assert_eq!(codes(&author_answer.results), [Some("forbidden")]);
    let entry = &entries_of(&app, &author).await[0];
    assert_eq!(
        (entry["minutes"].clone(), entry["confirmed_at"].clone()),
        (json!(45), Value::Null)
    );

    let confirm = partner.confirm(&rid(1), seen_of(&args));
    let answer = app.push(&partner, vec![confirm]).await;

    assert_eq!(answer.results[0].status, ResultStatus::Applied);
    assert_eq!(
        answer.results[0].outcome_as::<serde_json::Value>().unwrap()["confirmed"],
        true
    );
    let entry = &entries_of(&app, &author).await[0];
    assert!(entry["confirmed_at"].is_string(), "{entry}");
    let entry = &entries_of(&app, &partner).await[0];
    assert!(entry["confirmed_at"].is_string(), "{entry}");
}

#[tokio::test]
async fn a_kiosk_cannot_log_mentoring() {
    let app = app_with(2).await;
    let mut kiosk = app.kiosk("Kiosk A").await;

    let log = kiosk.log(entry_args(&rid(1), "T-0002"));
    let answer = app.push(&kiosk, vec![log]).await;

    assert_eq!(codes(&answer.results), [Some("forbidden")]);
    assert_eq!(stored_entries(&app).await, 0);
}

#[tokio::test]
async fn editing_what_the_partner_signed_clears_the_confirmation_and_a_note_does_not() {
    let app = app_with(2).await;
    let mut author = app.phone(1).await;
    let mut partner = app.phone(2).await;
    let args = entry_args(&rid(1), "T-0002");
    let log = author.log(args.clone());
    app.push(&author, vec![log]).await;
    let confirm = partner.confirm(&rid(1), seen_of(&args));
    app.push(&partner, vec![confirm]).await;

    let note = author.update(&rid(1), json!({"note": "a new private thought"}));
    app.push(&author, vec![note]).await;
    let after_note = entries_of(&app, &author).await[0].clone();
    let longer = author.update(&rid(1), json!({"minutes": 90}));
    let answer = app.push(&author, vec![longer]).await;
    let after_minutes = entries_of(&app, &author).await[0].clone();
    let stale = partner.confirm(&rid(1), seen_of(&args));
    let stale_answer = app.push(&partner, vec![stale]).await;

    assert!(after_note["confirmed_at"].is_string(), "{after_note}");
    assert_eq!(after_note["note"], "a new private thought");
    assert_eq!(
        answer.results[0].outcome_as::<serde_json::Value>().unwrap()["confirmed"],
        false
    );
    assert_eq!(after_minutes["confirmed_at"], Value::Null);
    assert_eq!(after_minutes["minutes"], 90);
    assert_eq!(codes(&stale_answer.results), [Some("entry_changed")]);
    assert!(entries_of(&app, &partner).await[0].get("note").is_none());

    let mut fresh = seen_of(&args);
    fresh["minutes"] = json!(90);
    let confirm = partner.confirm(&rid(1), fresh);
    app.push(&partner, vec![confirm]).await;
    assert!(entries_of(&app, &author).await[0]["confirmed_at"].is_string());
}

#[tokio::test]
async fn edits_from_two_phones_of_the_author_last_arrival_wins() {
    let app = app_with(2).await;
    let mut phone = app.phone(1).await;
    let mut tablet = app.phone(1).await;
    let log = phone.log(entry_args(&rid(1), "T-0002"));
    app.push(&phone, vec![log]).await;

    // The tablet's edit was made later by its clock but arrives first.
    let mut from_tablet = tablet.update(&rid(1), json!({"minutes": 30, "activity": "training"}));
    let clock = |hours_ago: i64| {
        (time::OffsetDateTime::now_utc() - time::Duration::hours(hours_ago))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format")
    };
    from_tablet["at"] = json!(clock(0));
    let mut from_phone = phone.update(&rid(1), json!({"minutes": 60}));
    from_phone["at"] = json!(clock(3));
    app.push(&tablet, vec![from_tablet]).await;
    app.push(&phone, vec![from_phone]).await;

    let entry = &entries_of(&app, &tablet).await[0];
    assert_eq!(entry["minutes"], 60, "the later arrival wins: {entry}");
    assert_eq!(entry["activity"], "training", "fields it did not name stay");
}

#[tokio::test]
async fn a_deleted_entry_leaves_a_tombstone_for_its_author_and_partner_only() {
    let app = app_with(3).await;
    let mut author = app.phone(1).await;
    let mut partner = app.phone(2).await;
    let stranger = app.phone(3).await;
    let args = entry_args(&rid(1), "T-0002");
    let log = author.log(args.clone());
    app.push(&author, vec![log]).await;
    let (_, author_before) = app.pull_as(&author, None).await;
    let (_, partner_before) = app.pull_as(&partner, None).await;
    let (_, stranger_before) = app.pull_as(&stranger, None).await;

    let delete = author.delete(&rid(1));
    app.push(&author, vec![delete]).await;

    for (phone, before) in [(&author, &author_before), (&partner, &partner_before)] {
        let (changes, _) = app.pull_as(phone, Some(&before.cursor)).await;
        assert_eq!(
            changes,
            vec![Change::Del {
                entity: Entity::MentoringEntry,
                id: rid(1)
            }]
        );
    }
    let (changes, _) = app.pull_as(&stranger, Some(&stranger_before.cursor)).await;
    assert!(changes.is_empty(), "{changes:?}");
    assert!(entries_of(&app, &author).await.is_empty());
    let note: String = app
        .query(|c| c.query_row("SELECT note FROM mentoring_entries", [], |r| r.get(0)))
        .await;
    assert_eq!(note, "", "a deleted entry's note is forgotten");

    let after = vec![
        author.update(&rid(1), json!({"minutes": 10})),
        author.delete(&rid(1)),
    ];
    let answer = app.push(&author, after).await;
    let confirm = partner.confirm(&rid(1), seen_of(&args));
    let partner_answer = app.push(&partner, vec![confirm]).await;
    assert_eq!(
        codes(&answer.results),
        [Some("entry_deleted"), Some("entry_deleted")]
    );
    assert_eq!(codes(&partner_answer.results), [Some("entry_deleted")]);
    let reused = author.log(entry_args(&rid(1), "T-0002"));
    let reused_answer = app.push(&author, vec![reused]).await;
    assert_eq!(codes(&reused_answer.results), [Some("id_in_use")]);
}

#[tokio::test]
async fn a_confirmation_that_arrives_before_its_entry_is_taken_when_the_entry_comes() {
    let app = app_with(3).await;
    let mut author = app.phone(1).await;
    let mut partner = app.phone(2).await;
    let mut stranger = app.phone(3).await;
    let signed = entry_args(&rid(1), "T-0002");
    let mut edited_first = entry_args(&rid(2), "T-0002");
    edited_first["minutes"] = json!(50);
    let other = entry_args(&rid(3), "T-0002");

    // Both phones were offline; the partner's reaches the server first.
    let confirmations = vec![
        partner.confirm(&rid(1), seen_of(&signed)),
        partner.confirm(&rid(2), seen_of(&entry_args(&rid(2), "T-0002"))),
    ];
    let waiting = app.push(&partner, confirmations).await;
    let forged = stranger.confirm(&rid(3), seen_of(&other));
    app.push(&stranger, vec![forged]).await;
    let logs = vec![
        author.log(signed),
        author.log(edited_first),
        author.log(other),
    ];
    let logged = app.push(&author, logs).await;

    assert!(
        waiting
            .results
            .iter()
            .all(|r| r.outcome_as::<serde_json::Value>().unwrap()["waiting_for_entry"] == true)
    );
    let confirmed: Vec<bool> = logged
        .results
        .iter()
        .map(|r| r.outcome_as::<serde_json::Value>().unwrap()["confirmed"] == true)
        .collect();
    assert_eq!(
        confirmed,
        [true, false, false],
        "taken only when the partner saw exactly this entry"
    );
    let entries = entries_of(&app, &partner).await;
    let confirmed_ids: Vec<&Value> = entries
        .iter()
        .filter(|e| e["confirmed_at"].is_string())
        .map(|e| &e["id"])
        .collect();
    assert_eq!(confirmed_ids, [&json!(rid(1))]);
    let waiting_left: i64 = app
        .query(|c| {
            c.query_row("SELECT count(*) FROM mentoring_waiting_confirms", [], |r| {
                r.get(0)
            })
        })
        .await;
    assert_eq!(waiting_left, 0);
}

#[tokio::test]
async fn a_partner_outside_the_conference_is_a_name_and_nobody_can_confirm() {
    let app = app_with(2).await;
    let mut author = app.phone(1).await;
    let mut other = app.phone(2).await;
    let args = json!({"entry_id": rid(1), "partner_name": "Pat Lee (home district)",
                      "role": "mentee", "date": today(), "minutes": 20, "activity": "other"});
    let log = author.log(args.clone());
    app.push(&author, vec![log]).await;
    let confirm = other.confirm(
        &rid(1),
        seen_of(&json!({
            "role": "mentee", "date": today(), "minutes": 20, "activity": "other", "standards": []
        })),
    );

    let answer = app.push(&other, vec![confirm]).await;

    assert_eq!(codes(&answer.results), [Some("forbidden")]);
    let entry = &entries_of(&app, &author).await[0];
    assert_eq!(entry["partner_name"], "Pat Lee (home district)");
    assert_eq!(entry["partner_id"], Value::Null);
    assert_eq!(entry["standards"], json!([]));
    assert!(entries_of(&app, &other).await.is_empty());
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

#[tokio::test]
async fn unknown_badge_answers_stop_after_a_few_so_badge_codes_cannot_be_searched() {
    let app = app_with(3).await;
    let mut prober = app.phone(1).await;
    // Thirty guesses at badge codes, then one that exists.
    let mut batch: Vec<Value> = (0..30)
        .map(|n| prober.log(entry_args(&uuid(n), &format!("T-{:04}", 5000 + n))))
        .collect();
    batch.push(prober.log(entry_args(&uuid(99), "T-0002")));
    let mut named = entry_args(&uuid(100), "unused");
    named["partner_badge"] = Value::Null;
    named["partner_name"] = json!("Dana from Ohio");
    batch.push(prober.log(named));

    let results = app.push(&prober, batch).await.results;

    let limit = server::sync::push::BADGE_MISSES_PER_HOUR as usize;
    assert!(
        codes(&results[..limit])
            .iter()
            .all(|c| *c == Some("unknown_badge"))
    );
    assert!(
        codes(&results[limit..30])
            .iter()
            .all(|c| *c == Some("rate_limited")),
        "{:?}",
        codes(&results)
    );
    assert_eq!(
        results[30].code.as_deref(),
        Some("rate_limited"),
        "a real badge gets the same answer: no oracle"
    );
    assert_eq!(
        results[31].status,
        ResultStatus::Applied,
        "a named partner still logs"
    );
    assert_eq!(stored_entries(&app).await, 1);
    // Signing in again on another device does not start the count afresh.
    let mut again = app.phone(1).await;
    let one = vec![again.log(entry_args(&uuid(200), "T-0003"))];
    assert_eq!(
        app.push(&again, one).await.results[0].code.as_deref(),
        Some("rate_limited")
    );
    // Another attendee is not affected.
    let mut other = app.phone(2).await;
    let one = vec![other.log(entry_args(&uuid(300), "T-0003"))];
    assert_eq!(
        app.push(&other, one).await.results[0].status,
        ResultStatus::Applied
    );
}

#[tokio::test]
async fn entries_and_early_confirmations_are_capped_per_person_per_day() {
    let app = app_with(3).await;
    let mut author = app.phone(1).await;
    let cap = server::sync::push::DAILY_ENTRIES as u32;
    let batch: Vec<Value> = (0..=cap)
        .map(|n| author.log(entry_args(&uuid(n), "T-0002")))
        .collect();

    let results = app.push(&author, batch).await.results;

    assert!(
        results[..cap as usize]
            .iter()
            .all(|r| r.status == ResultStatus::Applied)
    );
    assert_eq!(results[cap as usize].code.as_deref(), Some("daily_limit"));
    assert!(
        results[cap as usize]
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("tomorrow"),
        "{:?}",
        results[cap as usize].message
    );
    assert_eq!(stored_entries(&app).await, i64::from(cap));

    // Confirmations of entries the server has not seen wait; so many, no more.
    let mut partner = app.phone(3).await;
    let seen = seen_of(&entry_args(&uuid(0), "T-0003"));
    let cap = server::sync::push::DAILY_WAITING_CONFIRMATIONS as u32;
    let batch: Vec<Value> = (0..=cap)
        .map(|n| partner.confirm(&uuid(10_000 + n), seen.clone()))
        .collect();
    let results = app.push(&partner, batch).await.results;
    assert!(
        results[..cap as usize]
            .iter()
            .all(|r| r.status == ResultStatus::Applied)
    );
    assert_eq!(results[cap as usize].code.as_deref(), Some("daily_limit"));
    let waiting: i64 = app
        .query(|c| {
            c.query_row("SELECT count(*) FROM mentoring_waiting_confirms", [], |r| {
                r.get(0)
            })
        })
        .await;
    assert_eq!(waiting, i64::from(cap));
}
