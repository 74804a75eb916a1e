//! The program as a device holds it: sessions with their seat counts, and the
//! filters and grouping the program page shows.

use time::{Date, OffsetDateTime};

use super::career::CareerFamily;
use super::session::{Session, SessionKind};
use super::standards::Standard;
use super::text::search_key;

/// A session with the server's id and its seat counts as of the last sync.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub id: String,
    pub session: Session,
    pub confirmed: u32,
    pub waitlisted: u32,
}

impl Listing {
    pub fn seats_left(&self) -> Option<u32> {
        self.session.capacity.seats_left(self.confirmed)
    }

    pub fn is_full(&self) -> bool {
        self.seats_left() == Some(0)
    }

    fn haystack(&self) -> String {
        let s = &self.session;
        search_key(&format!(
            "{} {} {} {} {} {} {}",
            s.code,
            s.title,
            s.description,
            s.presenter,
            s.room,
            s.topic,
            s.standard.map(|st| st.as_str()).unwrap_or_default()
        ))
    }
}

/// What the attendee narrowed the program to. Every criterion left empty
/// lets everything through.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgramFilter {
    pub day: Option<Date>,
    pub standard: Option<Standard>,
    pub family: Option<CareerFamily>,
    pub kind: Option<SessionKind>,
    pub text: String,
}

impl ProgramFilter {
    pub fn is_empty(&self) -> bool {
        self.day.is_none()
            && self.standard.is_none()
            && self.family.is_none()
            && self.kind.is_none()
            && self.text.trim().is_empty()
    }

    pub fn matches(&self, listing: &Listing) -> bool {
        let s = &listing.session;
        self.day.is_none_or(|d| s.slot.day() == d)
            && self.standard.is_none_or(|st| s.standard == Some(st))
            // A session that names no career family is for everyone.
            && self.family.is_none_or(|f| s.career_families.is_empty() || s.career_families.contains(&f))
            && self.kind.is_none_or(|k| s.kind == k)
            && self.text_matches(listing)
    }

    /// Every word typed must appear somewhere in the session's text.
    fn text_matches(&self, listing: &Listing) -> bool {
        let words: Vec<String> = self.text.split_whitespace().map(search_key).collect();
        if words.is_empty() {
            return true;
        }
        let haystack = listing.haystack();
        words.iter().all(|w| haystack.contains(w.as_str()))
    }
}

/// The conference days, in order, on the conference clock.
pub fn days(listings: &[Listing]) -> Vec<Date> {
    let mut days: Vec<Date> = listings.iter().map(|l| l.session.slot.day()).collect();
    crate::sorting::sort(&mut days);
    days.dedup();
    days
}

/// Sessions starting at the same moment.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotGroup {
    pub starts: OffsetDateTime,
    pub listings: Vec<Listing>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DayGroup {
    pub day: Date,
    pub slots: Vec<SlotGroup>,
}

/// The filtered program by day, then start time, then title.
pub fn group(listings: &[Listing], filter: &ProgramFilter) -> Vec<DayGroup> {
    let mut matching: Vec<&Listing> = listings.iter().filter(|l| filter.matches(l)).collect();
    crate::sorting::sort_by(&mut matching, |a, b| {
        (
            a.session.slot.starts(),
            a.session.slot.ends(),
            &a.session.title,
        )
            .cmp(&(
                b.session.slot.starts(),
                b.session.slot.ends(),
                &b.session.title,
            ))
    });
    let mut days: Vec<DayGroup> = Vec::new();
    for listing in matching {
        let day = listing.session.slot.day();
        let starts = listing.session.slot.starts();
        if days.last().is_none_or(|d| d.day != day) {
            days.push(DayGroup {
                day,
                slots: Vec::new(),
            });
        }
        let Some(current_day) = days.last_mut() else {
            continue;
        };
        if current_day.slots.last().is_none_or(|s| s.starts != starts) {
            current_day.slots.push(SlotGroup {
                starts,
                listings: Vec::new(),
            });
        }
        if let Some(slot) = current_day.slots.last_mut() {
            slot.listings.push(listing.clone());
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::session::SessionFields;

    fn listing(
        id: &str,
        title: &str,
        starts: &str,
        ends: &str,
        standard: &str,
        families: &str,
        kind: &str,
    ) -> Listing {
        let session = Session::parse(&SessionFields {
            code: id,
            title,
            kind,
            standard,
            career_families: families,
            starts_at: starts,
            ends_at: ends,
            capacity: "2",
            ..SessionFields::default()
        })
        .unwrap();
        Listing {
            id: id.into(),
            session,
            confirmed: 0,
            waitlisted: 0,
        }
    }

    fn program() -> Vec<Listing> {
        vec![
            listing(
                "B",
                "Beat Privatization",
                "2027-03-12T10:00:00-05:00",
                "2027-03-12T11:00:00-05:00",
                "",
                "",
                "workshop",
            ),
            listing(
                "A",
                "Getting Educated: Paraeducators",
                "2027-03-12T09:00:00-05:00",
                "2027-03-12T10:00:00-05:00",
                "",
                "Paraeducators",
                "workshop",
            ),
            listing(
                "C",
                "Communication micro-credential",
                "2027-03-12T09:00:00-05:00",
                "2027-03-12T12:00:00-05:00",
                "Communication",
                "",
                "workshop",
            ),
            listing(
                "D",
                "Opening general session",
                "2027-03-13T08:00:00-05:00",
                "2027-03-13T09:00:00-05:00",
                "",
                "",
                "general",
            ),
        ]
    }

    #[test]
    fn the_program_is_grouped_by_day_then_start_time() {
        let days = group(&program(), &ProgramFilter::default());
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].slots.len(), 2);
        let first_slot: Vec<&str> = days[0].slots[0]
            .listings
            .iter()
            .map(|l| l.id.as_str())
            .collect();
        assert_eq!(first_slot, vec!["A", "C"], "same start: shorter first");
        assert_eq!(days[1].slots[0].listings[0].id, "D");
    }

    #[test]
    fn filters_combine() {
        let p = program();
        let ids = |f: ProgramFilter| -> Vec<String> {
            group(&p, &f)
                .into_iter()
                .flat_map(|d| d.slots)
                .flat_map(|s| s.listings)
                .map(|l| l.id)
                .collect()
        };
        let day1 = days(&p)[0];
        assert_eq!(
            ids(ProgramFilter {
                day: Some(day1),
                ..Default::default()
            }),
            vec!["A", "C", "B"]
        );
        assert_eq!(
            ids(ProgramFilter {
                standard: Some(Standard::Communication),
                ..Default::default()
            }),
            vec!["C"]
        );
        assert_eq!(
            ids(ProgramFilter {
                kind: Some(SessionKind::General),
                ..Default::default()
            }),
            vec!["D"]
        );
        assert_eq!(
            ids(ProgramFilter {
                family: Some(CareerFamily::Paraeducators),
                day: Some(day1),
                ..Default::default()
            }),
            vec!["A", "C", "B"],
            "sessions naming no family are open to every family"
        );
        assert_eq!(
            ids(ProgramFilter {
                family: Some(CareerFamily::Transportation),
                ..Default::default()
            }),
            vec!["C", "B", "D"]
        );
    }

    #[test]
    fn text_search_needs_every_word_in_any_case() {
        let p = program();
        let ids = |text: &str| -> Vec<String> {
            let f = ProgramFilter {
                text: text.into(),
                ..Default::default()
            };
            p.iter()
                .filter(|l| f.matches(l))
                .map(|l| l.id.clone())
                .collect()
        };
        assert_eq!(ids("PRIVATIZATION"), vec!["B"]);
        assert_eq!(ids("getting para"), vec!["A"]);
        assert_eq!(ids("getting privatization"), Vec::<String>::new());
        assert_eq!(ids("   ").len(), 4);
    }

    #[test]
    fn a_session_is_full_when_confirmed_reaches_capacity() {
        let mut l = program().remove(0);
        assert!(!l.is_full());
        l.confirmed = 2;
        assert!(l.is_full());
        assert_eq!(l.seats_left(), Some(0));
    }
}
