//! The kiosk's roster: everyone registered for the conference, found by the
//! badge code a scanner types or by a few letters of their name. A kiosk
//! holds thousands of people and answers every keystroke, so the lookups
//! work on keys computed once when the roster changes.

use super::attendee::BadgeCode;
use crate::protocol::AttendeeData;

/// How many name matches a search returns: more than fit on a kiosk screen
/// means the person should type more.
pub const SEARCH_LIMIT: usize = 8;
/// Fewer letters than this match too many people to be useful.
pub const SEARCH_MIN_CHARS: usize = 2;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    people: Vec<AttendeeData>,
    /// (badge code as [`BadgeCode`] spells it, index in `people`), sorted by
    /// code for binary search: smaller in the browser bundle than a hash map.
    by_badge: Vec<(String, usize)>,
    /// Folded "first last" of each person, same order as `people`.
    keys: Vec<String>,
}

impl Roster {
    pub fn new(mut people: Vec<AttendeeData>) -> Self {
        // Results come out in this order: by last name, then first name.
        crate::sorting::sort_by_key(&mut people, |p| (fold(&p.last_name), fold(&p.first_name)));
        let mut by_badge: Vec<(String, usize)> = people
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((BadgeCode::parse(&p.badge_code).ok()?.to_string(), i)))
            .collect();
        crate::sorting::sort(&mut by_badge);
        let keys = people
            .iter()
            .map(|p| fold(&format!("{} {}", p.first_name, p.last_name)))
            .collect();
        Roster {
            people,
            by_badge,
            keys,
        }
    }

    /// Whether this roster was built from exactly `rows` (in any order), so
    /// that a sync which changed nobody does not index it again.
    pub fn holds_exactly(&self, rows: &[AttendeeData]) -> bool {
        rows.len() == self.people.len()
            && rows.iter().all(|row| {
                BadgeCode::parse(&row.badge_code)
                    .ok()
                    .and_then(|code| self.index_of(code.as_str()))
                    .is_some_and(|i| self.people[i] == *row)
            })
    }

    fn index_of(&self, code: &str) -> Option<usize> {
        let at = self
            .by_badge
            .binary_search_by(|(c, _)| c.as_str().cmp(code))
            .ok()?;
        Some(self.by_badge[at].1)
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The person whose badge carries `typed`, compared as badge codes are
    /// (case and surrounding space ignored).
    pub fn by_badge(&self, typed: &str) -> Option<&AttendeeData> {
        let code = BadgeCode::parse(typed).ok()?;
        self.index_of(code.as_str()).map(|i| &self.people[i])
    }

    pub fn by_id(&self, id: &str) -> Option<&AttendeeData> {
        self.people.iter().find(|p| p.id == id)
    }

    /// People whose name holds every word of `query` (case, accents and
    /// punctuation ignored; "mar gar" finds María García). Names where the
    /// words start a name part come first; at most [`SEARCH_LIMIT`].
    pub fn search(&self, query: &str) -> Vec<&AttendeeData> {
        let query = fold(query);
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.iter().map(|w| w.chars().count()).sum::<usize>() < SEARCH_MIN_CHARS {
            return Vec::new();
        }
        let mut starts = Vec::new();
        let mut inside = Vec::new();
        for (i, key) in self.keys.iter().enumerate() {
            if !words.iter().all(|w| key.contains(w)) {
                continue;
            }
            if words.iter().all(|w| starts_a_part(key, w)) {
                starts.push(i);
                if starts.len() == SEARCH_LIMIT {
                    break;
                }
            } else if inside.len() < SEARCH_LIMIT {
                inside.push(i);
            }
        }
        starts
            .into_iter()
            .chain(inside)
            .take(SEARCH_LIMIT)
            .map(|i| &self.people[i])
            .collect()
    }
}

fn starts_a_part(key: &str, word: &str) -> bool {
    key.starts_with(word) || key.contains(&format!(" {word}"))
}

/// The search key of a name: lower case, Latin accents and ligatures
/// folded to plain letters (é → e, ß → ss), apostrophes dropped (O'Brien →
/// obrien) and other punctuation turned into spaces (Mary-Jo → mary jo).
/// A small table rather than Unicode normalization tables, which would
/// double the browser bundle; it covers the Latin letters of Western and
/// Central European names, and leaves other scripts as they are, still
/// lower-cased.
pub fn fold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\'' | '’' | '‘' | 'ʼ' | '`' | '´' => {}
            c if c.is_alphanumeric() => match fold_latin(c) {
                Some(plain) => out.push_str(plain),
                None => out.extend(c.to_lowercase()),
            },
            _ => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ď'..='đ' | 'Ð' | 'ð' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ'..='ĸ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŋ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' => "s",
        'ß' => "ss",
        'Ţ'..='ŧ' => "t",
        'Þ' | 'þ' => "th",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ' | 'ŷ' | 'Ÿ' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, badge: &str, first: &str, last: &str) -> AttendeeData {
        AttendeeData {
            id: id.into(),
            badge_code: badge.into(),
            first_name: first.into(),
            last_name: last.into(),
            state: "OH".into(),
            local: "Local 1".into(),
            career_family: crate::domain::CareerFamily::Paraeducators,
            role: crate::domain::attendee::Role::Attendee,
            badge_qr: None,
        }
    }

    fn roster() -> Roster {
        Roster::new(vec![
            person("1", "ESP-0001", "María José", "García-Núñez"),
            person("2", "ESP-0002", "Sean", "O'Brien"),
            person("3", "ESP-0003", "Marcus", "Hall"),
            person("4", "ESP-0004", "Zoë", "Łukasiewicz"),
            person("5", "ESP-0005", "Ramona", "Smith"),
            person("6", "ESP-0006", "Monique", "Zane"),
        ])
    }

    fn ids(found: Vec<&AttendeeData>) -> Vec<&str> {
        found.into_iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn folding_drops_case_accents_and_apostrophes() {
        assert_eq!(fold("García-Núñez"), "garcia nunez");
        assert_eq!(fold("O’Brien"), "obrien");
        assert_eq!(fold("  Zoë  Łukasiewicz "), "zoe lukasiewicz");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ærøskøbing"), "aeroskobing");
        assert_eq!(fold("Дмитрий"), "дмитрий");
    }

    #[test]
    fn a_badge_is_found_as_a_scanner_or_a_person_types_it() {
        let r = roster();
        assert_eq!(r.by_badge("ESP-0002").map(|p| p.id.as_str()), Some("2"));
        assert_eq!(r.by_badge(" esp-0002\n").map(|p| p.id.as_str()), Some("2"));
        assert_eq!(r.by_badge("ESP-9999"), None);
        assert_eq!(r.by_badge("not a code!"), None);
    }

    #[test]
    fn names_are_found_by_partial_words_without_accents() {
        let r = roster();
        assert_eq!(ids(r.search("garcia")), ["1"]);
        assert_eq!(ids(r.search("NUNEZ maria")), ["1"]);
        assert_eq!(ids(r.search("obrien")), ["2"]);
        assert_eq!(ids(r.search("o'brien")), ["2"]);
        assert_eq!(ids(r.search("zoe luk")), ["4"]);
        assert_eq!(ids(r.search("nobody")), Vec::<&str>::new());
    }

    #[test]
    fn word_starts_rank_before_matches_inside_a_name() {
        // "mon" starts Monique Zane but sits inside Ramona Smith, who
        // comes first by last name.
        let r = roster();
        assert_eq!(ids(r.search("mon")), ["6", "5"]);
        assert_eq!(ids(r.search("mar")), ["1", "3"]);
    }

    #[test]
    fn one_letter_finds_nobody_and_results_are_bounded() {
        let r = roster();
        assert!(r.search("a").is_empty());
        assert!(r.search("  ").is_empty());
        let many = Roster::new(
            (0..50)
                .map(|i| person(&i.to_string(), &format!("ESP-{i:04}"), "Pat", "Lee"))
                .collect(),
        );
        assert_eq!(many.search("pat").len(), SEARCH_LIMIT);
    }
}
