//! CSV import of the program and the roster (spec §6). A file is checked
//! whole before anything is written: one bad row and nothing of the file is
//! imported, and every bad row is reported with its line number and reason.
//! A re-import updates sessions by `code` and attendees by `badge_code`.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use app::domain::attendee::{Attendee, AttendeeFields};
use app::domain::session::{Session, SessionFields};

use crate::store::sessions::Upsert;
use crate::store::{Store, WriteError, attendees, sessions};

pub const SESSION_COLUMNS: [&str; 12] = [
    "code",
    "title",
    "description",
    "kind",
    "topic",
    "standard",
    "career_families",
    "room",
    "starts_at",
    "ends_at",
    "capacity",
    "presenter",
];
pub const ATTENDEE_COLUMNS: [&str; 8] = [
    "badge_code",
    "first_name",
    "last_name",
    "email",
    "state",
    "local",
    "career_family",
    "role",
];

/// Larger files are refused before parsing; the biggest conference we serve
/// has a roster of tens of thousands.
pub const MAX_ROWS: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the header must name the columns {expected}; {problem}")]
    Header { expected: String, problem: String },
    #[error("{} bad row(s), nothing imported:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    #[error("the file has more than {MAX_ROWS} rows")]
    TooManyRows,
    #[error("the file has no rows")]
    Empty,
    #[error("storing the import failed: {0}")]
    Store(#[from] WriteError),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl ImportSummary {
    fn count(&mut self, upsert: Upsert) {
        match upsert {
            Upsert::Inserted => self.inserted += 1,
            Upsert::Updated => self.updated += 1,
            Upsert::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} unchanged",
            self.inserted, self.updated, self.unchanged
        )
    }
}

/// One data row: its line in the file and its cells by column name.
struct Row {
    line: u64,
    cells: HashMap<&'static str, String>,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.cells.get(column).map_or("", String::as_str)
    }
}

/// Reads the file into rows, checking the header against `columns` (any
/// order, every column present, no unknown ones). Malformed CSV (a stray
/// quote, a short row) is a row error like any other.
fn read_rows(
    input: impl Read,
    columns: &[&'static str],
) -> Result<(Vec<Row>, Vec<RowError>), ImportError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let expected = columns.join(",");
    let header = reader.headers().map_err(|e| ImportError::Header {
        expected: expected.clone(),
        problem: e.to_string(),
    })?;
    // A spreadsheet's byte-order mark must not make the first column unknown.
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    let missing: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| !names.iter().any(|n| n == c))
        .collect();
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !columns.contains(n))
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let mut problems = Vec::new();
        if !missing.is_empty() {
            problems.push(format!("missing: {}", quote_all(&missing)));
        }
        if !unknown.is_empty() {
            problems.push(format!("not known: {}", quote_all(&unknown)));
        }
        return Err(ImportError::Header {
            expected,
            problem: problems.join("; "),
        });
    }
    let positions: Vec<(&'static str, usize)> = columns
        .iter()
        .filter_map(|c| names.iter().position(|n| n == c).map(|i| (*c, i)))
        .collect();

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        if rows.len() + errors.len() >= MAX_ROWS {
            return Err(ImportError::TooManyRows);
        }
        match record {
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(RowError {
                    line,
                    reason: format!("not valid CSV: {e}"),
                });
            }
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.iter().all(|cell| cell.trim().is_empty()) {
                    continue; // blank lines at the end of spreadsheets
                }
                if record.len() != names.len() {
                    errors.push(RowError {
                        line,
                        reason: format!(
                            "has {} cells, the header has {}",
                            record.len(),
                            names.len()
                        ),
                    });
                    continue;
                }
                let cells = positions
                    .iter()
                    .map(|(name, i)| (*name, record.get(*i).unwrap_or("").to_owned()))
                    .collect();
                rows.push(Row { line, cells });
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok((rows, errors))
}

fn quote_all(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses every row with `parse`, also refusing a key that appears twice;
/// reports all errors, the reader's included, in line order.
fn parse_all<T>(
    (rows, mut errors): (Vec<Row>, Vec<RowError>),
    parse: impl Fn(&Row) -> Result<T, String>,
    key: impl Fn(&T) -> String,
    key_name: &str,
) -> Result<Vec<T>, ImportError> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut parsed = Vec::with_capacity(rows.len());
    for row in &rows {
        match parse(row) {
            Ok(item) => {
                let k = key(&item);
                if let Some(first) = seen.get(&k) {
                    errors.push(RowError {
                        line: row.line,
                        reason: format!("{key_name} {k} is already on line {first}"),
                    });
                } else {
                    seen.insert(k, row.line);
                    parsed.push(item);
                }
            }
            Err(reason) => errors.push(RowError {
                line: row.line,
                reason,
            }),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(ImportError::Rows(errors))
    }
}

pub fn parse_sessions(input: impl Read) -> Result<Vec<Session>, ImportError> {
    parse_all(
        read_rows(input, &SESSION_COLUMNS)?,
        |r| {
            Session::parse(&SessionFields {
                code: r.get("code"),
                title: r.get("title"),
                description: r.get("description"),
                kind: r.get("kind"),
                topic: r.get("topic"),
                standard: r.get("standard"),
                career_families: r.get("career_families"),
                room: r.get("room"),
                starts_at: r.get("starts_at"),
                ends_at: r.get("ends_at"),
                capacity: r.get("capacity"),
                presenter: r.get("presenter"),
            })
            .map_err(|e| e.to_string())
        },
        |s| s.code.to_string(),
        "code",
    )
}

pub fn parse_attendees(input: impl Read) -> Result<Vec<Attendee>, ImportError> {
    parse_all(
        read_rows(input, &ATTENDEE_COLUMNS)?,
        |r| {
            Attendee::parse(&AttendeeFields {
                badge_code: r.get("badge_code"),
                first_name: r.get("first_name"),
                last_name: r.get("last_name"),
                email: r.get("email"),
                state: r.get("state"),
                local: r.get("local"),
                career_family: r.get("career_family"),
                role: r.get("role"),
            })
            .map_err(|e| e.to_string())
        },
        |a| a.badge_code.to_string(),
        "badge code",
    )
}

/// Checks the whole file, then writes it in one transaction.
pub async fn import_sessions(
    store: &Store,
    input: impl Read,
) -> Result<ImportSummary, ImportError> {
    let sessions = parse_sessions(input)?;
    Ok(store
        .write(move |conn| {
            let mut summary = ImportSummary::default();
            for s in &sessions {
                summary.count(sessions::upsert(conn, s)?);
            }
            Ok(summary)
        })
        .await?)
}

pub async fn import_attendees(
    store: &Store,
    input: impl Read,
) -> Result<ImportSummary, ImportError> {
    let attendees = parse_attendees(input)?;
    Ok(store
        .write(move |conn| {
            let mut summary = ImportSummary::default();
            for a in &attendees {
                summary.count(attendees::upsert(conn, a)?);
            }
            // Newcomers get their sign-in code with the same commit; the
            // others keep theirs (a re-import reissues nothing).
            crate::store::signin::fill_missing(conn)?;
            Ok(summary)
        })
        .await?)
}

/// What a file holds: the program or the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Sessions,
    Attendees,
}

impl ImportKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sessions" => Some(ImportKind::Sessions),
            "attendees" => Some(ImportKind::Attendees),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Sessions => "sessions",
            ImportKind::Attendees => "attendees",
        }
    }
}

/// Imports a file of `kind`: the one path of the CLI, the organizer API and
/// the import page.
pub async fn import(
    store: &Store,
    kind: ImportKind,
    input: impl Read,
) -> Result<ImportSummary, ImportError> {
    match kind {
        ImportKind::Sessions => import_sessions(store, input).await,
        ImportKind::Attendees => import_attendees(store, input).await,
    }
}

impl ImportError {
    /// Every problem with the file as (line, reason); line 1 is the header.
    pub fn rows(&self) -> Vec<RowError> {
        match self {
            ImportError::Rows(rows) => rows.clone(),
            ImportError::Header { .. } => vec![RowError {
                line: 1,
                reason: self.to_string(),
            }],
            ImportError::TooManyRows | ImportError::Empty => vec![RowError {
                line: 0,
                reason: self.to_string(),
            }],
            ImportError::Store(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n";

    #[test]
    fn quoted_fields_with_commas_accents_and_families_parse() {
        let csv = format!(
            "{HEADER}GE-PARA,\"Getting Educated: Paraeducators, Part 1\",\"Rights, roles, and “respect”\",workshop,Adult Learning,,Paraeducators;Clerical services,Salón B,2027-03-12T09:00:00-05:00,2027-03-12T10:00:00-05:00,30,José Núñez\n"
        );
        let sessions = parse_sessions(csv.as_bytes()).unwrap();
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].title, "Getting Educated: Paraeducators, Part 1");
        assert_eq!(sessions[0].room, "Salón B");
        assert_eq!(sessions[0].career_families.len(), 2);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let csv = format!(
            "{HEADER}A,One,,workshop,,,,R,2027-03-12T09:00:00-05:00,2027-03-12T10:00:00-05:00,,\n\
             B,Two,,keynote,,,,R,2027-03-12T09:00:00-05:00,2027-03-12T10:00:00-05:00,,\n\
             A,Three,,workshop,,,,R,2027-03-12T09:00:00-05:00,2027-03-12T10:00:00-05:00,,\n\
             C,Four,,workshop\n"
        );
        let Err(ImportError::Rows(errors)) = parse_sessions(csv.as_bytes()) else {
            panic!("expected row errors")
        };
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(errors[0].reason.contains("keynote"));
        assert!(errors[1].reason.contains("already on line 2"));
        assert!(errors[2].reason.contains("4 cells"));
    }

    #[test]
    fn a_missing_or_unknown_column_is_a_header_error() {
        let missing = "code,title\nA,B\n";
        assert!(matches!(
            parse_sessions(missing.as_bytes()),
            Err(ImportError::Header { .. })
        ));
        let unknown = HEADER.replace("presenter", "speaker");
        assert!(
            parse_sessions(unknown.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("speaker")
        );
    }

    #[test]
    fn a_byte_order_mark_and_reordered_columns_are_accepted() {
        let csv = "\u{feff}role,career_family,local,state,email,last_name,first_name,badge_code\n\
                   mentor,Food services,Local 1,MS,,Parker,Kathleen,ESP-0001\n";
        let attendees = parse_attendees(csv.as_bytes()).unwrap();
        assert_eq!(attendees[0].name.first, "Kathleen");
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert!(matches!(
            parse_sessions(HEADER.as_bytes()),
            Err(ImportError::Empty)
        ));
    }
}
