//! CSV exports (`GET /api/v1/admin/export/{file}`): written with the `csv`
//! crate row by row on a read connection and streamed as they are written,
//! never built whole in memory. UTF-8 with the byte-order mark Excel needs
//! to read accents, a header row, times on the conference's clock. A text
//! cell that a spreadsheet would take for a formula is neutralised.

use app::protocol::ErrorCode;
use std::borrow::Cow;
use std::io::{self, Write};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use rusqlite::Connection;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::super::AppState;
use super::super::error::{ApiError, Result};
use super::auth::Organizer;
use super::view::hours;
use crate::store::StoreError;
use crate::store::reports::{self, ConferenceClock, MentoringBy, MentoringKey};

/// The files there are, by their name in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Attendance,
    Registrations,
    Checkins,
    Mentoring,
    MentoringPairs,
}

impl Export {
    pub const ALL: [Export; 5] = [
        Export::Attendance,
        Export::Registrations,
        Export::Checkins,
        Export::Mentoring,
        Export::MentoringPairs,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Export::Attendance => "attendance.csv",
            Export::Registrations => "registrations.csv",
            Export::Checkins => "checkins.csv",
            Export::Mentoring => "mentoring.csv",
            Export::MentoringPairs => "mentoring-pairs.csv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Export::Attendance => "Attendance per session",
            Export::Registrations => "Registrations",
            Export::Checkins => "Every check-in (duplicates flagged)",
            Export::Mentoring => "Mentoring hours per entry",
            Export::MentoringPairs => "Mentoring hours per pair",
        }
    }

    pub fn href(self) -> String {
        format!("/api/v1/admin/export/{}", self.file_name())
    }

    fn parse(name: &str) -> Option<Self> {
        Export::ALL.into_iter().find(|e| e.file_name() == name)
    }
}

/// A cell a spreadsheet must read as text: one starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be taken for a formula, so
/// it gets a leading apostrophe (OWASP's advice for CSV injection).
pub fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Sends what the CSV writer writes in chunks to the response body. A
/// client that went away shows as a broken pipe, which stops the query.
struct Chunks {
    buffer: Vec<u8>,
    to: mpsc::Sender<io::Result<Bytes>>,
}

const CHUNK: usize = 32 * 1024;

impl Chunks {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        self.to
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[derive(Debug, thiserror::Error)]
enum WriteFailed {
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Io(#[from] io::Error),
}

type Out = csv::Writer<Chunks>;

/// `GET /api/v1/admin/export/{file}`.
pub async fn download(
    State(state): State<AppState>,
    _organizer: Organizer,
    Path(file): Path<String>,
) -> Result<Response> {
    let export = Export::parse(&file).ok_or_else(|| ApiError::Client {
        status: StatusCode::NOT_FOUND,
        code: ErrorCode::NotFound,
        message: format!(
            "There is no export “{file}”. There are: {}.",
            Export::ALL.map(Export::file_name).join(", ")
        ),
    })?;
    let (to, mut from) = mpsc::channel::<io::Result<Bytes>>(4);
    let store = state.store.clone();
    tokio::spawn(async move {
        let failure = to.clone();
        let written = store
            .read(move |conn| {
                let mut out = csv::Writer::from_writer(Chunks {
                    // Excel reads UTF-8 only after this mark.
                    buffer: "\u{feff}".as_bytes().to_vec(),
                    to,
                });
                write(conn, export, &mut out)
                    .and_then(|()| out.flush().map_err(WriteFailed::from))
                    .map_err(|e| StoreError::ReadTask(e.to_string()))
            })
            .await;
        if let Err(e) = written {
            tracing::error!(error = %e, file = export.file_name(), "export failed");
            // The download breaks instead of ending as if it were whole.
            let _ = failure.send(Err(io::Error::other("export failed"))).await;
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| from.poll_recv(cx));
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"hallpass-{}\"",
        export.file_name()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

fn write(conn: &Connection, export: Export, out: &mut Out) -> std::result::Result<(), WriteFailed> {
    let clock = ConferenceClock::of(conn)?;
    match export {
        Export::Attendance => attendance(conn, &clock, out),
        Export::Registrations => registrations(conn, &clock, out),
        Export::Checkins => checkins(conn, &clock, out),
        Export::Mentoring => mentoring(conn, &clock, out),
        Export::MentoringPairs => mentoring_pairs(conn, out),
    }
}

fn number(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn attendance(
    conn: &Connection,
    clock: &ConferenceClock,
    out: &mut Out,
) -> std::result::Result<(), WriteFailed> {
    out.write_record([
        "session_code",
        "title",
        "room",
        "starts_at",
        "ends_at",
        "capacity",
        "confirmed",
        "waitlisted",
        "checked_in",
        "walk_ins",
        "no_shows",
        "fill_percent",
    ])?;
    for s in reports::sessions(conn, reports::Which::All, OffsetDateTime::now_utc())? {
        out.write_record([
            cell(&s.code).as_ref(),
            &cell(&s.title),
            &cell(&s.room),
            &clock.stamp(&s.starts_at),
            &clock.stamp(&s.ends_at),
            &number(s.capacity),
            &s.confirmed.to_string(),
            &s.waitlisted.to_string(),
            &s.checked_in.to_string(),
            &s.walk_ins.to_string(),
            &number(s.no_shows),
            &number(s.fill_percent()),
        ])?;
    }
    Ok(())
}

fn registrations(
    conn: &Connection,
    clock: &ConferenceClock,
    out: &mut Out,
) -> std::result::Result<(), WriteFailed> {
    out.write_record([
        "registration_id",
        "session_code",
        "session_title",
        "badge_code",
        "first_name",
        "last_name",
        "state",
        "local",
        "career_family",
        "status",
        "waitlist_position",
        "registered_at",
    ])?;
    let mut stmt = conn.prepare(
        "SELECT r.id, s.code, s.title, a.badge_code, a.first_name, a.last_name, a.state, a.local,
                a.career_family, r.status,
                CASE WHEN r.status = 'waitlisted'
                     THEN row_number() OVER (PARTITION BY r.session_id, r.status ORDER BY r.queued) END,
                r.created_at
         FROM registrations r
         JOIN sessions s ON s.id = r.session_id
         JOIN attendees a ON a.id = r.attendee_id
         ORDER BY s.starts_at, s.code, r.queued",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
        out.write_record([
            cell(&text(0)?).as_ref(),
            &cell(&text(1)?),
            &cell(&text(2)?),
            &cell(&text(3)?),
            &cell(&text(4)?),
            &cell(&text(5)?),
            &cell(&text(6)?),
            &cell(&text(7)?),
            &cell(&text(8)?),
            &text(9)?,
            &number(r.get(10)?),
            &clock.stamp(&text(11)?),
        ])?;
    }
    Ok(())
}

fn checkins(
    conn: &Connection,
    clock: &ConferenceClock,
    out: &mut Out,
) -> std::result::Result<(), WriteFailed> {
    out.write_record([
        "checkin_id",
        "device_time",
        "server_time",
        "badge_code",
        "first_name",
        "last_name",
        "place_code",
        "place",
        "kind",
        "kiosk",
        "at_door",
        "duplicate",
        "duplicate_of",
    ])?;
    let mut stmt = conn.prepare(
        "SELECT c.id, c.device_at, c.received_at, a.badge_code, a.first_name, a.last_name,
                s.code, s.title, c.kind, coalesce(d.name, c.device_id), c.at_door, c.duplicate_of
         FROM checkins c
         JOIN attendees a ON a.id = c.attendee_id
         LEFT JOIN sessions s ON s.id = c.session_id
         LEFT JOIN devices d ON d.id = c.device_id
         ORDER BY c.version",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
        let maybe = |i: usize| -> rusqlite::Result<String> {
            Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
        };
        let duplicate_of = maybe(11)?;
        out.write_record([
            cell(&text(0)?).as_ref(),
            &clock.stamp(&text(1)?),
            &clock.stamp(&text(2)?),
            &cell(&text(3)?),
            &cell(&text(4)?),
            &cell(&text(5)?),
            &cell(&maybe(6)?),
            &cell(
                &r.get::<_, Option<String>>(7)?
                    .unwrap_or_else(|| "Conference".into()),
            ),
            &text(8)?,
            &cell(&text(9)?),
            &maybe(10)?,
            if duplicate_of.is_empty() { "no" } else { "yes" },
            &cell(&duplicate_of),
        ])?;
    }
    Ok(())
}

fn mentoring(
    conn: &Connection,
    _clock: &ConferenceClock,
    out: &mut Out,
) -> std::result::Result<(), WriteFailed> {
    out.write_record([
        "entry_id",
        "date",
        "minutes",
        "hours",
        "activity",
        "author_role",
        "author_badge",
        "author_name",
        "author_state",
        "author_career_family",
        "partner_badge",
        "partner_name",
        "standards",
        "confirmed",
    ])?;
    // The private note is not read: it cannot end up in a file.
    let mut stmt = conn.prepare(
        "SELECT m.id, m.date, m.minutes, m.activity, m.role, a.badge_code,
                a.first_name || ' ' || a.last_name, a.state, a.career_family,
                p.badge_code, coalesce(p.first_name || ' ' || p.last_name, m.partner_name),
                (SELECT group_concat(value, '; ') FROM json_each(m.standards)),
                m.confirmed_at IS NOT NULL
         FROM mentoring_entries m
         JOIN attendees a ON a.id = m.author_id
         LEFT JOIN attendees p ON p.id = m.partner_id
         WHERE m.deleted_at IS NULL
         ORDER BY m.date, m.created_at",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<String> {
            Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
        };
        let minutes: i64 = r.get(2)?;
        let confirmed: bool = r.get(12)?;
        out.write_record([
            cell(&text(0)?).as_ref(),
            &text(1)?,
            &minutes.to_string(),
            hours(minutes).trim_end_matches(" h"),
            &text(3)?,
            &text(4)?,
            &cell(&text(5)?),
            &cell(&text(6)?),
            &cell(&text(7)?),
            &cell(&text(8)?),
            &cell(&text(9)?),
            &cell(&text(10)?),
            &cell(&text(11)?),
            if confirmed { "yes" } else { "no" },
        ])?;
    }
    Ok(())
}

fn mentoring_pairs(conn: &Connection, out: &mut Out) -> std::result::Result<(), WriteFailed> {
    out.write_record([
        "person_a",
        "person_b",
        "person_b_at_conference",
        "entries",
        "hours_confirmed",
        "hours_unconfirmed",
        "last_entry",
    ])?;
    for row in reports::mentoring(conn, MentoringBy::Pair)? {
        let MentoringKey::Pair(pair) = &row.key else {
            continue;
        };
        let (b, at_conference) = match (&pair.b_name, &pair.partner_name) {
            (Some(name), _) => (name.as_str(), "yes"),
            (None, Some(name)) => (name.as_str(), "no"),
            (None, None) => ("", "no"),
        };
        out.write_record([
            cell(&pair.a_name).as_ref(),
            &cell(b),
            at_conference,
            &row.entries.to_string(),
            hours(row.minutes_confirmed).trim_end_matches(" h"),
            hours(row.minutes_unconfirmed).trim_end_matches(" h"),
            &row.last_date,
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for risky in ["=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(cell(risky), format!("'{risky}"));
        }
        for plain in ["José", "O'Brien", "Smith, Jr.", "12", ""] {
            assert_eq!(cell(plain), plain);
        }
    }
}
