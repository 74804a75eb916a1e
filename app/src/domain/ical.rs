//! iCalendar (RFC 5545) for the agenda export, written here rather than
//! with the `icalendar` crate: that crate brings chrono and `uuid`'s random
//! generator into the browser bundle (which needs a JavaScript random
//! source to build for wasm at all), for what is a few escaped lines. Its
//! parser checks our output in the tests.

use time::OffsetDateTime;

/// One session in the exported calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across exports, so a calendar app updates instead of
    /// duplicating when the agenda is exported again.
    pub uid: String,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub starts: OffsetDateTime,
    pub ends: OffsetDateTime,
    /// Waitlisted or pending sessions are exported as tentative.
    pub tentative: bool,
}

/// A whole `VCALENDAR`, with CRLF line ends and lines folded at 75 octets.
pub fn calendar(name: &str, events: &[Event], stamp: OffsetDateTime) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Hallpass//Agenda//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(stamp)));
        line(&mut out, &format!("DTSTART:{}", utc(e.starts)));
        line(&mut out, &format!("DTEND:{}", utc(e.ends)));
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        if !e.location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", escape(&e.location)));
        }
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        }
        let status = if e.tentative {
            "TENTATIVE"
        } else {
            "CONFIRMED"
        };
        line(&mut out, &format!("STATUS:{status}"));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// `20270312T140000Z` (by hand: see `session::day_label`).
fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// TEXT values escape backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded so no physical line exceeds 75 octets
/// (never inside a UTF-8 character).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn event() -> Event {
        Event {
            uid: "3f2b8a4e@hallpass".into(),
            summary: "Supporting Our Own: ESP Mentoring; part 1, with Q&A".into(),
            location: "Room 202".into(),
            description: "Bring a colleague.\nNo slides, lots of talk — and a long line that needs folding because it goes on and on".into(),
            starts: datetime!(2027-03-26 10:30 -5),
            ends: datetime!(2027-03-26 12:00 -5),
            tentative: true,
        }
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets() {
        let text = calendar("My agenda", &[event()], datetime!(2027-03-20 12:00 UTC));
        for physical in text.split("\r\n") {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        assert!(text.contains("DTSTART:20270326T153000Z\r\n"));
        assert!(text.contains("SUMMARY:Supporting Our Own: ESP Mentoring\\; part 1\\, with Q&A"));
        assert!(text.contains("STATUS:TENTATIVE"));
    }

    #[test]
    fn the_icalendar_parser_reads_back_what_we_wrote() {
        use icalendar::{Component, EventLike};
        let text = calendar("My agenda", &[event()], datetime!(2027-03-20 12:00 UTC));
        let parsed: icalendar::Calendar = text.parse().expect("parses");
        let events: Vec<&icalendar::Event> = parsed
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].get_summary(), Some(event().summary.as_str()));
        assert_eq!(
            events[0].get_description(),
            Some(event().description.as_str())
        );
        assert_eq!(events[0].get_location(), Some("Room 202"));
        assert_eq!(events[0].get_uid(), Some("3f2b8a4e@hallpass"));
    }
}
