//! The organizers' numbers (spec §4b), one function per report. The JSON
//! of the organizer API and the pages of `/admin` both call these, so a
//! page can never disagree with the API. Aggregation happens in SQL, on
//! the indexes of migration 006.

use app::domain::checkin::{AtDoor, CheckinKind};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use time::{Date, OffsetDateTime, UtcOffset};

use super::checkins::{FIRST, REPEATS};
use crate::sync::push::rfc3339;

/// Check-ins are counted per this many seconds in the overview's chart.
pub const TIMELINE_BUCKET_SECONDS: i64 = 15 * 60;
/// A session's arrivals are counted per this many seconds.
pub const ARRIVALS_BUCKET_SECONDS: i64 = 5 * 60;

/// The conference's own clock: the offset its program gives. Every time an
/// organizer sees is on it, whatever the zone of the server or the laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConferenceClock {
    pub offset: UtcOffset,
}

impl ConferenceClock {
    /// The offset of the program's first session; UTC while there is none.
    pub fn of(conn: &Connection) -> Result<Self, rusqlite::Error> {
        let first: Option<String> = conn
            .query_row(
                "SELECT starts_at FROM sessions ORDER BY starts_at LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let offset = first
            .and_then(|s| parse_time(&s))
            .map_or(UtcOffset::UTC, |t| t.offset());
        Ok(ConferenceClock { offset })
    }

    /// An RFC 3339 time on this clock; `None` if it is not a time at all.
    pub fn local(&self, rfc3339_text: &str) -> Option<OffsetDateTime> {
        parse_time(rfc3339_text).map(|t| t.to_offset(self.offset))
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc().to_offset(self.offset)
    }

    /// `2027-03-26 09:02`, for tables and CSV cells; the text as it came
    /// when it is not a time.
    pub fn stamp(&self, rfc3339_text: &str) -> String {
        match self.local(rfc3339_text) {
            Some(t) => format!(
                "{}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            ),
            None => rfc3339_text.to_owned(),
        }
    }

    /// `9:02 AM`.
    pub fn clock_label(&self, rfc3339_text: &str) -> String {
        self.local(rfc3339_text)
            .map(app::domain::session::clock_label)
            .unwrap_or_else(|| rfc3339_text.to_owned())
    }

    fn offset_seconds(&self) -> i64 {
        i64::from(self.offset.whole_seconds())
    }
}

fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339).ok()
}

/// `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

pub fn day_text(day: Date) -> String {
    format!(
        "{}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// Unix seconds of the first instant of `day` on the clock, shifted by the
/// offset (the frame the timeline query counts in).
fn local_day_start(day: Date) -> i64 {
    day.midnight().assume_utc().unix_timestamp()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attendance {
    pub as_of: String,
    /// The day of `timeline` and `sessions`.
    pub day: Option<String>,
    /// Every day of the program, for choosing another.
    pub days: Vec<String>,
    pub roster: i64,
    pub checked_in: i64,
    pub waiting_on_devices: Waiting,
    pub sessions: Vec<SessionAttendance>,
    pub timeline: Vec<Bucket>,
}

/// What devices last said they still hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waiting {
    /// Devices (not revoked) whose last reported pending count is above 0.
    pub devices: i64,
    /// The sum of those counts.
    pub mutations: i64,
    /// Of them, kiosks, and the check-ins they hold.
    pub kiosks: i64,
    pub kiosk_mutations: i64,
    /// When the last of those devices was last heard from.
    pub last_seen: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionAttendance {
    pub id: String,
    pub code: String,
    pub title: String,
    pub room: String,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: Option<i64>,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub checked_in: i64,
    pub walk_ins: i64,
    /// `None` until the session has started (server clock).
    pub no_shows: Option<i64>,
}

impl SessionAttendance {
    /// Checked in against capacity, in percent; `None` when unlimited.
    pub fn fill_percent(&self) -> Option<i64> {
        self.capacity
            .filter(|c| *c > 0)
            .map(|c| self.checked_in * 100 / c)
    }

    pub fn in_progress(&self, now: OffsetDateTime) -> bool {
        match (parse_time(&self.starts_at), parse_time(&self.ends_at)) {
            (Some(s), Some(e)) => s <= now && now < e,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// The bucket's first instant, RFC 3339 on the conference's clock.
    pub from: String,
    pub checkins: i64,
}

/// The attendance report of `GET /api/v1/admin/attendance`: the roster,
/// who is in, each session of `day` (default: the day of the latest
/// conference check-in) and that day's check-ins per 15 minutes.
pub fn attendance(
    conn: &Connection,
    day: Option<Date>,
    now: OffsetDateTime,
) -> Result<Attendance, rusqlite::Error> {
    let clock = ConferenceClock::of(conn)?;
    let days = program_days(conn)?;
    let day = match day {
        Some(d) => Some(d),
        None => default_day(conn, &clock, &days, now)?,
    };
    let roster = conn.query_row("SELECT count(*) FROM attendees", [], |r| r.get(0))?;
    // Everyone with an entry has exactly one first entry.
    let checked_in = conn.query_row(
        &format!("SELECT count(*) FROM checkins c WHERE c.session_id IS NULL AND {FIRST}"),
        [],
        |r| r.get(0),
    )?;
    Ok(Attendance {
        as_of: rfc3339(
            now.to_offset(clock.offset)
                .replace_nanosecond(0)
                .unwrap_or(now),
        ),
        day: day.map(day_text),
        days: days.into_iter().map(day_text).collect(),
        roster,
        checked_in,
        waiting_on_devices: waiting(conn)?,
        sessions: match day {
            Some(d) => sessions(conn, Which::Day(d), now)?,
            None => sessions(conn, Which::All, now)?,
        },
        timeline: match day {
            Some(d) => timeline(conn, &clock, d)?,
            None => Vec::new(),
        },
    })
}

/// The days the program covers, on its own clock (the date its times are
/// written in).
pub fn program_days(conn: &Connection) -> Result<Vec<Date>, rusqlite::Error> {
    let mut stmt =
        conn.prepare("SELECT DISTINCT substr(starts_at, 1, 10) FROM sessions ORDER BY 1")?;
    let days = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(days.iter().filter_map(|d| parse_day(d)).collect())
}

/// The day of the latest conference check-in; else today, if the program
/// has it; else the program's first day.
fn default_day(
    conn: &Connection,
    clock: &ConferenceClock,
    days: &[Date],
    now: OffsetDateTime,
) -> Result<Option<Date>, rusqlite::Error> {
    let latest: Option<String> = conn
        .query_row(
            // The index's order: devices send UTC (`…Z`), whose text sorts
            // as time does. A default day needs no more than that.
            "SELECT device_at FROM checkins
             WHERE session_id IS NULL AND kind = 'entry' AND duplicate_of IS NULL
             ORDER BY device_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(at) = latest.and_then(|a| clock.local(&a)) {
        return Ok(Some(at.date()));
    }
    let today = now.to_offset(clock.offset).date();
    Ok(if days.contains(&today) {
        Some(today)
    } else {
        days.first().copied()
    })
}

pub fn waiting(conn: &Connection) -> Result<Waiting, rusqlite::Error> {
    conn.query_row(
        "SELECT count(*), coalesce(sum(pending), 0),
                count(*) FILTER (WHERE scope = 'kiosk'),
                coalesce(sum(pending) FILTER (WHERE scope = 'kiosk'), 0),
                max(last_seen)
         FROM devices WHERE pending > 0 AND revoked_at IS NULL",
        [],
        |r| {
            Ok(Waiting {
                devices: r.get(0)?,
                mutations: r.get(1)?,
                kiosks: r.get(2)?,
                kiosk_mutations: r.get(3)?,
                last_seen: r.get(4)?,
            })
        },
    )
}

/// Which sessions [`sessions`] reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    Day(Date),
    One(i64),
}

/// Per session: registrations now, distinct people in, walk-ins (first
/// entry made without a registration) and no-shows (confirmed, no
/// check-in at all).
pub fn sessions(
    conn: &Connection,
    which: Which,
    now: OffsetDateTime,
) -> Result<Vec<SessionAttendance>, rusqlite::Error> {
    let (day, one) = match which {
        Which::All => (None, None),
        Which::Day(d) => (Some(day_text(d)), None),
        Which::One(id) => (None, Some(id)),
    };
    // Distinct people in: everyone with an entry has exactly one first entry.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.code, s.title, s.room, s.starts_at, s.ends_at, s.capacity,
           (SELECT count(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'confirmed'),
           (SELECT count(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'waitlisted'),
           (SELECT count(*) FROM checkins c WHERE c.session_id = s.id AND {FIRST}),
           (SELECT count(*) FROM checkins c
             WHERE c.session_id = s.id AND {FIRST} AND c.at_door = 'walk_in')
         FROM sessions s
         WHERE (?1 IS NULL OR substr(s.starts_at, 1, 10) = ?1) AND (?2 IS NULL OR s.id = ?2)
         ORDER BY s.starts_at, s.room, s.code"
    ))?;
    let rows = stmt.query_map(params![day, one], |r| {
        Ok(SessionAttendance {
            id: r.get::<_, i64>(0)?.to_string(),
            code: r.get(1)?,
            title: r.get(2)?,
            room: r.get(3)?,
            starts_at: r.get(4)?,
            ends_at: r.get(5)?,
            capacity: r.get(6)?,
            confirmed: r.get(7)?,
            waitlisted: r.get(8)?,
            checked_in: r.get(9)?,
            walk_ins: r.get(10)?,
            no_shows: None,
        })
    })?;
    let mut rows: Vec<SessionAttendance> = rows.collect::<Result<_, _>>()?;
    for s in &mut rows {
        if parse_time(&s.starts_at).is_some_and(|start| start <= now) {
            s.no_shows = Some(no_shows(conn, s.id.parse().unwrap_or_default())?);
        }
    }
    Ok(rows)
}

/// The people with any check-in at session `?1`, from the two indexes by
/// place (store migration 009). A later entry always has a first, so the
/// first entries and the exits are everyone.
fn came_sql() -> String {
    format!(
        "SELECT c.attendee_id FROM checkins c WHERE c.session_id = ?1 AND {FIRST}
         UNION SELECT c.attendee_id FROM checkins c WHERE c.session_id = ?1 AND {REPEATS}"
    )
}

/// Confirmed registrations of the session whose attendee has no check-in
/// there: the two lists, both in attendee order from their indexes, set
/// side by side (one pass, where a lookup per registration cost 1.7 µs
/// each: 95 ms for a program of 55,000 registrations).
fn no_shows(conn: &Connection, session_id: i64) -> Result<i64, rusqlite::Error> {
    let confirmed: Vec<i64> = conn
        .prepare_cached(
            "SELECT attendee_id FROM registrations WHERE session_id = ?1 AND status = 'confirmed'
             ORDER BY attendee_id",
        )?
        .query_map([session_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let came: Vec<i64> = conn
        .prepare_cached(&format!("{} ORDER BY 1", came_sql()))?
        .query_map([session_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut came = came.into_iter().peekable();
    let mut absent = 0;
    for a in confirmed {
        while came.next_if(|c| *c < a).is_some() {}
        if came.peek() != Some(&a) {
            absent += 1;
        }
    }
    Ok(absent)
}

/// Conference check-ins that are not duplicates, per 15 minutes of their
/// device time on the conference's clock, for one day: from the earlier of
/// its first check-in and its first session to the later of its last
/// check-in and its last session's end, every bucket present.
pub fn timeline(
    conn: &Connection,
    clock: &ConferenceClock,
    day: Date,
) -> Result<Vec<Bucket>, rusqlite::Error> {
    let start = local_day_start(day);
    let mut stmt = conn.prepare_cached(
        "SELECT (unixepoch(device_at) + ?1 - ?2) / ?3, count(*) FROM checkins
         WHERE session_id IS NULL AND kind = 'entry' AND duplicate_of IS NULL
           AND unixepoch(device_at) + ?1 >= ?2 AND unixepoch(device_at) + ?1 < ?2 + 86400
         GROUP BY 1 ORDER BY 1",
    )?;
    let counted: Vec<(i64, i64)> = stmt
        .query_map(
            params![clock.offset_seconds(), start, TIMELINE_BUCKET_SECONDS],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    let program: Option<(Option<i64>, Option<i64>)> = conn
        .query_row(
            "SELECT min(unixepoch(starts_at)), max(unixepoch(ends_at)) FROM sessions
             WHERE substr(starts_at, 1, 10) = ?1",
            [day_text(day)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let bucket_of = |unix: i64| (unix + clock.offset_seconds() - start) / TIMELINE_BUCKET_SECONDS;
    let mut first = counted.first().map(|(b, _)| *b);
    let mut last = counted.last().map(|(b, _)| *b);
    if let Some((Some(s), Some(e))) = program {
        let (s, e) = (bucket_of(s).max(0), (bucket_of(e - 1)).min(95));
        first = Some(first.map_or(s, |f| f.min(s)));
        last = Some(last.map_or(e, |l| l.max(e)));
    }
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(Vec::new());
    };
    let mut counts = counted.into_iter().peekable();
    let mut buckets = Vec::new();
    for b in first..=last {
        let n = match counts.peek() {
            Some((at, n)) if *at == b => {
                let n = *n;
                counts.next();
                n
            }
            _ => 0,
        };
        let from = OffsetDateTime::from_unix_timestamp(
            start - clock.offset_seconds() + b * TIMELINE_BUCKET_SECONDS,
        )
        .map(|t| rfc3339(t.to_offset(clock.offset)))
        .unwrap_or_default();
        buckets.push(Bucket { from, checkins: n });
    }
    Ok(buckets)
}

/// One session's page: the session's numbers and its people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionDetail {
    pub session: SessionAttendance,
    /// People in, by what their first entry there found: confirmed,
    /// waitlisted, or a walk-in.
    pub came_registered: Vec<Person>,
    pub came_from_waitlist: Vec<Person>,
    pub walk_ins: Vec<Person>,
    /// Confirmed, never checked in.
    pub not_come: Vec<Person>,
    /// Waitlisted now, in order.
    pub waitlist: Vec<Person>,
    /// Arrivals (first entries) per 5 minutes of device time.
    pub arrivals: Vec<Bucket>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub attendee_id: String,
    pub badge_code: String,
    pub first_name: String,
    pub last_name: String,
    pub state: String,
    pub career_family: String,
    /// When they came (their first entry's device time), if they did.
    pub at: Option<String>,
    /// Waitlist place, for the waitlist.
    pub position: Option<i64>,
}

const PERSON_COLUMNS: &str =
    "a.id, a.badge_code, a.first_name, a.last_name, a.state, a.career_family";

fn person(
    r: &rusqlite::Row<'_>,
    at: Option<String>,
    position: Option<i64>,
) -> rusqlite::Result<Person> {
    Ok(Person {
        attendee_id: r.get::<_, i64>(0)?.to_string(),
        badge_code: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        state: r.get(4)?,
        career_family: r.get(5)?,
        at,
        position,
    })
}

pub fn session_detail(
    conn: &Connection,
    session_id: i64,
    now: OffsetDateTime,
) -> Result<Option<SessionDetail>, rusqlite::Error> {
    let clock = ConferenceClock::of(conn)?;
    let Some(session) = sessions(conn, Which::One(session_id), now)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let mut arrived = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS}, c.device_at, c.at_door FROM checkins c
         JOIN attendees a ON a.id = c.attendee_id
         WHERE c.session_id = ?1 AND {FIRST}
         ORDER BY unixepoch(c.device_at), c.version"
    ))?;
    let mut came: Vec<(Person, Option<String>)> = arrived
        .query_map([session_id], |r| {
            Ok((person(r, r.get(6)?, None)?, r.get(7)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut pick = |door: &str| -> Vec<Person> {
        let (these, rest): (Vec<_>, Vec<_>) = came
            .drain(..)
            .partition(|(_, d)| d.as_deref() == Some(door));
        came = rest;
        these.into_iter().map(|(p, _)| p).collect()
    };
    let came_registered = pick("confirmed");
    let came_from_waitlist = pick("waitlisted");
    let walk_ins = pick("walk_in");
    let mut absent = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM registrations r JOIN attendees a ON a.id = r.attendee_id
         WHERE r.session_id = ?1 AND r.status = 'confirmed'
           AND r.attendee_id NOT IN ({})
         ORDER BY a.last_name, a.first_name",
        came_sql()
    ))?;
    let not_come = absent
        .query_map([session_id], |r| person(r, None, None))?
        .collect::<Result<_, _>>()?;
    let mut waiting = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM registrations r JOIN attendees a ON a.id = r.attendee_id
         WHERE r.session_id = ?1 AND r.status = 'waitlisted' ORDER BY r.queued"
    ))?;
    let waitlist = waiting
        .query_map([session_id], |r| person(r, None, None))?
        .enumerate()
        .map(|(i, p)| {
            p.map(|mut p| {
                p.position = Some(i as i64 + 1);
                p
            })
        })
        .collect::<Result<_, _>>()?;
    let arrivals = arrivals(conn, &clock, &session)?;
    Ok(Some(SessionDetail {
        session,
        came_registered,
        came_from_waitlist,
        walk_ins,
        not_come,
        waitlist,
        arrivals,
    }))
}

/// A session's first entries per 5 minutes, from half an hour before it
/// starts to its end (and any arrival outside that).
fn arrivals(
    conn: &Connection,
    clock: &ConferenceClock,
    s: &SessionAttendance,
) -> Result<Vec<Bucket>, rusqlite::Error> {
    let (Some(starts), Some(ends)) = (parse_time(&s.starts_at), parse_time(&s.ends_at)) else {
        return Ok(Vec::new());
    };
    let origin = starts.unix_timestamp() - 30 * 60;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT (unixepoch(c.device_at) - ?2) / ?3, count(*) FROM checkins c
         WHERE c.session_id = ?1 AND {FIRST} AND unixepoch(c.device_at) >= ?2
         GROUP BY 1 ORDER BY 1"
    ))?;
    let id: i64 = s.id.parse().unwrap_or_default();
    let counted: Vec<(i64, i64)> = stmt
        .query_map(params![id, origin, ARRIVALS_BUCKET_SECONDS], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let last_scheduled = (ends.unix_timestamp() - 1 - origin) / ARRIVALS_BUCKET_SECONDS;
    let last = counted
        .last()
        .map_or(last_scheduled, |(b, _)| (*b).max(last_scheduled))
        .min(last_scheduled + 24);
    Ok((0..=last)
        .map(|b| Bucket {
            from: OffsetDateTime::from_unix_timestamp(origin + b * ARRIVALS_BUCKET_SECONDS)
                .map(|t| rfc3339(t.to_offset(clock.offset)))
                .unwrap_or_default(),
            checkins: counted
                .iter()
                .find(|(at, _)| *at == b)
                .map_or(0, |(_, n)| *n),
        })
        .collect())
}

/// How `GET /api/v1/admin/mentoring` groups entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentoringBy {
    Pair,
    State,
    CareerFamily,
    Standard,
}

impl MentoringBy {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pair" => MentoringBy::Pair,
            "state" => MentoringBy::State,
            "career_family" => MentoringBy::CareerFamily,
            "standard" => MentoringBy::Standard,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MentoringBy::Pair => "pair",
            MentoringBy::State => "state",
            MentoringBy::CareerFamily => "career_family",
            MentoringBy::Standard => "standard",
        }
    }

    pub const ALL: [MentoringBy; 4] = [
        MentoringBy::Pair,
        MentoringBy::State,
        MentoringBy::CareerFamily,
        MentoringBy::Standard,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MentoringKey {
    Pair(PairKey),
    Text(String),
}

/// The two people of a pair, in either role: `a` the lower attendee id.
/// `b` is `None` for a partner named in free text, not at the conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairKey {
    pub a: String,
    pub b: Option<String>,
    pub partner_name: Option<String>,
    /// Names for people (not part of the key).
    pub a_name: String,
    pub b_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentoringRow {
    pub key: MentoringKey,
    pub entries: i64,
    pub minutes_confirmed: i64,
    pub minutes_unconfirmed: i64,
    /// The date of the group's latest entry.
    pub last_date: String,
}

/// Mentoring minutes grouped `by`, confirmed and unconfirmed apart.
/// Deleted entries count nowhere; an entry counts toward every standard it
/// names. Notes are never read here.
pub fn mentoring(conn: &Connection, by: MentoringBy) -> Result<Vec<MentoringRow>, rusqlite::Error> {
    const SUMS: &str = "count(*),
        coalesce(sum(CASE WHEN m.confirmed_at IS NOT NULL THEN m.minutes END), 0),
        coalesce(sum(CASE WHEN m.confirmed_at IS NULL THEN m.minutes END), 0),
        max(m.date)";
    let sql = match by {
        MentoringBy::Pair => format!(
            "SELECT m.a, m.b, m.partner_name, {SUMS},
                    (SELECT first_name || ' ' || last_name FROM attendees WHERE id = m.a),
                    (SELECT first_name || ' ' || last_name FROM attendees WHERE id = m.b)
             FROM (SELECT CASE WHEN partner_id IS NULL THEN author_id ELSE min(author_id, partner_id) END AS a,
                          CASE WHEN partner_id IS NULL THEN NULL ELSE max(author_id, partner_id) END AS b,
                          partner_name, minutes, confirmed_at, date
                   FROM mentoring_entries WHERE deleted_at IS NULL) m
             GROUP BY m.a, m.b, m.partner_name ORDER BY m.a, m.b, m.partner_name"
        ),
        MentoringBy::State | MentoringBy::CareerFamily => {
            let column = if by == MentoringBy::State {
                "state"
            } else {
                "career_family"
            };
            format!(
                "SELECT a.{column}, {SUMS} FROM mentoring_entries m JOIN attendees a ON a.id = m.author_id
                 WHERE m.deleted_at IS NULL GROUP BY a.{column} ORDER BY a.{column}"
            )
        }
        MentoringBy::Standard => format!(
            "SELECT j.value, {SUMS} FROM mentoring_entries m, json_each(m.standards) j
             WHERE m.deleted_at IS NULL GROUP BY j.value ORDER BY j.value"
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| {
        if by == MentoringBy::Pair {
            Ok(MentoringRow {
                key: MentoringKey::Pair(PairKey {
                    a: r.get::<_, i64>(0)?.to_string(),
                    b: r.get::<_, Option<i64>>(1)?.map(|b| b.to_string()),
                    partner_name: r.get(2)?,
                    a_name: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    b_name: r.get(8)?,
                }),
                entries: r.get(3)?,
                minutes_confirmed: r.get(4)?,
                minutes_unconfirmed: r.get(5)?,
                last_date: r.get(6)?,
            })
        } else {
            Ok(MentoringRow {
                key: MentoringKey::Text(r.get(0)?),
                entries: r.get(1)?,
                minutes_confirmed: r.get(2)?,
                minutes_unconfirmed: r.get(3)?,
                last_date: r.get(4)?,
            })
        }
    })?;
    rows.collect()
}

/// A device as the devices page and `GET /api/v1/admin/devices` list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRow {
    pub device_id: String,
    pub kind: super::devices::DeviceKind,
    pub name: Option<String>,
    pub attendee_id: Option<String>,
    /// The attendee's name, for phones; the organizer's email, for tokens.
    pub holder: Option<String>,
    pub first_seen: String,
    pub last_sync_at: Option<String>,
    pub pending_reported: Option<i64>,
    pub protocol: i64,
    pub revoked: bool,
}

pub fn devices(conn: &Connection) -> Result<Vec<DeviceRow>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.scope, d.name, d.attendee_id,
                CASE d.scope WHEN 'attendee' THEN a.first_name || ' ' || a.last_name
                             WHEN 'organizer' THEN o.email END,
                d.created_at, d.last_seen, d.pending, d.protocol, d.revoked_at IS NOT NULL
         FROM devices d
         LEFT JOIN attendees a ON a.id = d.attendee_id
         LEFT JOIN organizers o ON o.id = d.organizer_id
         ORDER BY d.revoked_at IS NOT NULL, d.scope = 'attendee', coalesce(d.last_seen, d.created_at) DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(DeviceRow {
            device_id: r.get(0)?,
            kind: super::named(r, 1)?,
            name: r.get(2)?,
            attendee_id: r.get::<_, Option<i64>>(3)?.map(|a| a.to_string()),
            holder: r.get(4)?,
            first_seen: r.get(5)?,
            last_sync_at: r.get(6)?,
            pending_reported: r.get(7)?,
            protocol: r.get(8)?,
            revoked: r.get(9)?,
        })
    })?;
    rows.collect()
}

/// Which check-ins the log shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// `Some(None)`: the conference's door; `Some(Some(id))`: a session's.
    pub place: Option<Option<i64>>,
    pub device_id: Option<String>,
    pub duplicates_only: bool,
    /// Keyset paging: rows older than this version.
    pub before: Option<i64>,
}

/// One row of the check-in log: every check-in received, none merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRow {
    pub id: String,
    pub version: i64,
    pub at: String,
    pub received_at: String,
    pub attendee_id: String,
    pub badge_code: String,
    pub name: String,
    pub session_id: Option<String>,
    /// The session's title, or `None` for the conference's door.
    pub place: Option<String>,
    pub kind: CheckinKind,
    pub device_id: String,
    pub kiosk: Option<String>,
    pub at_door: Option<AtDoor>,
    pub duplicate_of: Option<String>,
    /// The first entry this one repeats: its device time and kiosk.
    pub duplicate_of_at: Option<String>,
    pub duplicate_of_kiosk: Option<String>,
}

pub struct LogPage {
    pub rows: Vec<LogRow>,
    /// All rows matching the filter.
    pub total: i64,
    /// `before` for the next page, if there is one.
    pub next_before: Option<i64>,
}

/// The check-in log, newest received first, `limit` rows a page.
pub fn checkin_log(
    conn: &Connection,
    filter: &LogFilter,
    limit: i64,
) -> Result<LogPage, rusqlite::Error> {
    let (place_given, place) = match filter.place {
        None => (0, None),
        Some(p) => (1, p),
    };
    const WHERE: &str = "(?1 = 0 OR c.session_id IS ?2)
           AND (?3 IS NULL OR c.device_id = ?3)
           AND (?4 = 0 OR c.duplicate_of IS NOT NULL)";
    let total = conn.query_row(
        &format!("SELECT count(*) FROM checkins c WHERE {WHERE}"),
        params![place_given, place, filter.device_id, filter.duplicates_only],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.version, c.device_at, c.received_at, a.id, a.badge_code,
                a.first_name || ' ' || a.last_name, c.session_id, s.title, c.kind, c.device_id,
                d.name, c.at_door, c.duplicate_of, f.device_at, fd.name
         FROM checkins c
         JOIN attendees a ON a.id = c.attendee_id
         LEFT JOIN sessions s ON s.id = c.session_id
         LEFT JOIN devices d ON d.id = c.device_id
         LEFT JOIN checkins f ON f.id = c.duplicate_of
         LEFT JOIN devices fd ON fd.id = f.device_id
         WHERE {WHERE} AND (?5 IS NULL OR c.version < ?5)
         ORDER BY c.version DESC LIMIT ?6"
    ))?;
    let mut rows: Vec<LogRow> = stmt
        .query_map(
            params![
                place_given,
                place,
                filter.device_id,
                filter.duplicates_only,
                filter.before,
                limit + 1
            ],
            |r| {
                Ok(LogRow {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    at: r.get(2)?,
                    received_at: r.get(3)?,
                    attendee_id: r.get::<_, i64>(4)?.to_string(),
                    badge_code: r.get(5)?,
                    name: r.get(6)?,
                    session_id: r.get::<_, Option<i64>>(7)?.map(|s| s.to_string()),
                    place: r.get(8)?,
                    kind: super::named(r, 9)?,
                    device_id: r.get(10)?,
                    kiosk: r.get(11)?,
                    at_door: super::named_or_null(r, 12)?,
                    duplicate_of: r.get(13)?,
                    duplicate_of_at: r.get(14)?,
                    duplicate_of_kiosk: r.get(15)?,
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    let next_before = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.version)
    } else {
        None
    };
    Ok(LogPage {
        rows,
        total,
        next_before,
    })
}

/// Sessions (id, label) and kiosks (device id, name), for the log's filters.
pub struct LogChoices {
    pub places: Vec<(i64, String)>,
    pub kiosks: Vec<(String, String)>,
}

pub fn places_and_kiosks(conn: &Connection) -> Result<LogChoices, rusqlite::Error> {
    let places = conn
        .prepare("SELECT id, code || ' · ' || title FROM sessions ORDER BY starts_at, code")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let kiosks = conn
        .prepare("SELECT id, coalesce(name, id) FROM devices WHERE scope = 'kiosk' ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(LogChoices { places, kiosks })
}
