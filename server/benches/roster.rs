//! Badge lookup and name search on a kiosk's roster of 10,000 attendees
//! (spec §7: a badge lookup within 2 ms). The same `Roster` code the kiosk
//! runs in the browser, here compiled natively; every lookup is timed on
//! its own and the slowest are reported, not just the average.
//!
//! Run: `scripts/bench`, or `cargo bench -p server --bench roster`. Prints
//! Markdown for BENCHMARKS.md.

use std::time::{Duration, Instant};

use app::domain::roster::{Roster, fold};
use app::protocol::AttendeeData;

const ATTENDEES: usize = 10_000;
const SEARCHES: usize = 4_000;

fn roster_rows() -> Vec<AttendeeData> {
    let csv = server::demo::roster_csv(ATTENDEES);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(i, row)| {
            let row = row.expect("demo roster row");
            AttendeeData {
                id: (i + 1).to_string(),
                badge_code: row[0].to_owned(),
                first_name: row[1].to_owned(),
                last_name: row[2].to_owned(),
                state: row[4].to_owned(),
                local: row[5].to_owned(),
                career_family: app::domain::CareerFamily::parse(&row[6])
                    .expect("demo career family"),
                role: app::domain::attendee::Role::parse(&row[7]).expect("demo role"),
                badge_qr: None,
            }
        })
        .collect()
}

struct Timings(Vec<Duration>);

impl Timings {
    fn row(mut self, what: &str) -> String {
        self.0.sort_unstable();
        let at = |q: f64| self.0[((self.0.len() - 1) as f64 * q) as usize];
        let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
        format!(
            "| {what} | {} | {} | {} | {} |",
            self.0.len(),
            us(at(0.5)),
            us(at(0.99)),
            us(*self.0.last().expect("timings")),
        )
    }
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

fn main() {
    let rows = roster_rows();
    let (built, roster) = time(|| Roster::new(rows.clone()));
    assert_eq!(roster.len(), ATTENDEES);

    // Scanner input: exact codes, and the same typed in lower case with
    // the scanner's trailing newline.
    let mut hits = Vec::new();
    for (i, p) in rows.iter().enumerate() {
        let typed = if i % 2 == 0 {
            p.badge_code.clone()
        } else {
            format!("{}\n", p.badge_code.to_lowercase())
        };
        let (took, found) = time(|| roster.by_badge(&typed).map(|f| f.id.clone()));
        assert_eq!(found.as_deref(), Some(p.id.as_str()));
        hits.push(took);
    }
    let misses: Vec<Duration> = (0..1_000)
        .map(|i| {
            let (took, found) = time(|| roster.by_badge(&format!("ESP-ZZZZ{i:05}")).is_some());
            assert!(!found);
            took
        })
        .collect();

    // What people type at a kiosk: a few letters of each name (accents
    // left out), a whole last name, or just the start of a first name.
    let mut searches = Vec::new();
    for (i, p) in rows.iter().cycle().step_by(7).take(SEARCHES).enumerate() {
        let first = fold(&p.first_name);
        let last = fold(&p.last_name);
        let query = match i % 4 {
            0 => format!(
                "{} {}",
                &first[..first.len().min(3)],
                &last[..last.len().min(3)]
            ),
            1 => last.clone(),
            2 => first[..first.len().min(2)].to_owned(),
            _ => format!("{last} {first}"),
        };
        let (took, found) = time(|| roster.search(&query).len());
        assert!(found > 0, "“{query}” finds someone");
        searches.push(took);
    }

    println!(
        "Kiosk roster of {ATTENDEES} attendees (demo name generator), native release build, one lookup timed at a time:\n"
    );
    println!("| lookup | count | p50 | p99 | max |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "{}",
        Timings(hits).row("badge code found (as scanned or typed)")
    );
    println!("{}", Timings(misses).row("badge code not on the roster"));
    println!(
        "{}",
        Timings(searches).row("name search (partial, accents left out)")
    );
    println!(
        "\nBuilding the roster's index (sort, badge table, search keys): {:.1} ms, once per roster change.",
        built.as_secs_f64() * 1e3
    );
}
