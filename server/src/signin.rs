//! Getting each attendee their sign-in secret: the link and code for a
//! card, the CLI and the help desk, and reissuing it. How codes are made
//! is `store::signin`; how they are emailed is `mail`.

use app::domain::BadgeCode;
use app::domain::signin::SigninCode;
use rusqlite::{Connection, OptionalExtension};

use crate::store::{Store, StoreError, WriteError, signin};

/// Where the server is reached from attendees' phones, like
/// `https://hallpass.example.org`, to write sign-in links with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the public address must be like https://hallpass.example.org or http://192.168.1.20:3000 \
     (a scheme and a host, no path)"
)]
pub struct PublicUrlError;

impl PublicUrl {
    pub fn parse(value: &str) -> Result<Self, PublicUrlError> {
        let value = value.trim().trim_end_matches('/');
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .ok_or(PublicUrlError)?;
        let host_ok = !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !host_ok {
            return Err(PublicUrlError);
        }
        Ok(PublicUrl(value.to_owned()))
    }

    /// The sign-in link for `code`.
    pub fn link(&self, code: &SigninCode) -> String {
        format!("{}{}", self.0, code.link_path())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One attendee's card: who they are and their current code.
#[derive(Debug, Clone)]
pub struct Card {
    pub attendee_id: i64,
    pub badge_code: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub emailed_at: Option<String>,
    pub code: SigninCode,
}

impl Card {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

const CARD_COLUMNS: &str =
    "id, badge_code, first_name, last_name, email, signin_emailed_at FROM attendees";

fn card_row(conn: &Connection, r: &rusqlite::Row<'_>) -> Result<Card, rusqlite::Error> {
    let attendee_id: i64 = r.get(0)?;
    let code = signin::code_of(conn, attendee_id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    Ok(Card {
        attendee_id,
        badge_code: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        email: r.get(4)?,
        emailed_at: r.get(5)?,
        code,
    })
}

/// The card of the attendee with `badge`.
pub fn card_by_badge(
    conn: &Connection,
    badge: &BadgeCode,
) -> Result<Option<Card>, rusqlite::Error> {
    conn.prepare_cached(&format!("SELECT {CARD_COLUMNS} WHERE badge_code = ?1"))?
        .query_row([badge.as_str()], |r| card_row(conn, r))
        .optional()
}

/// Which cards to print, list or email.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these badge codes (empty: everyone).
    pub badges: Vec<BadgeCode>,
    /// Only names or badge codes containing this text.
    pub search: Option<String>,
    /// Only attendees with an email address their current code was not
    /// yet sent to.
    pub not_yet_emailed: bool,
    /// Only attendees without an email address (their card is printed).
    pub without_email: bool,
}

/// The condition of [`Selection`], over its named parameters.
const SELECTED: &str = "(:badges = '[]' OR badge_code IN (SELECT value FROM json_each(:badges)))
     AND (:search IS NULL OR first_name || ' ' || last_name LIKE :search ESCAPE '\\'
          OR badge_code LIKE :search ESCAPE '\\')
     AND (NOT :not_yet_emailed OR (email IS NOT NULL AND signin_emailed_at IS NULL))
     AND (NOT :without_email OR email IS NULL)";

impl Selection {
    fn badges_json(&self) -> String {
        serde_json::Value::from(
            self.badges
                .iter()
                .map(|b| b.as_str().to_owned())
                .collect::<Vec<_>>(),
        )
        .to_string()
    }

    fn search_pattern(&self) -> Option<String> {
        let text = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())?;
        let escaped: String = text
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        Some(format!("%{escaped}%"))
    }
}

/// Cards in the roster's order (last name, first name), `limit` at most
/// after skipping `offset`.
pub fn cards(
    conn: &Connection,
    selection: &Selection,
    offset: usize,
    limit: usize,
) -> Result<Vec<Card>, rusqlite::Error> {
    conn.prepare_cached(&format!(
        "SELECT {CARD_COLUMNS} WHERE {SELECTED}
         ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id LIMIT :limit OFFSET :offset"
    ))?
    .query_map(
        rusqlite::named_params! {
            ":badges": selection.badges_json(),
            ":search": selection.search_pattern(),
            ":not_yet_emailed": selection.not_yet_emailed,
            ":without_email": selection.without_email,
            ":limit": limit as i64,
            ":offset": offset as i64,
        },
        |r| card_row(conn, r),
    )?
    .collect()
}

/// How many attendees `selection` holds.
pub fn count(conn: &Connection, selection: &Selection) -> Result<usize, rusqlite::Error> {
    conn.prepare_cached(&format!("SELECT count(*) FROM attendees WHERE {SELECTED}"))?
        .query_row(
            rusqlite::named_params! {
                ":badges": selection.badges_json(),
                ":search": selection.search_pattern(),
                ":not_yet_emailed": selection.not_yet_emailed,
                ":without_email": selection.without_email,
            },
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n as usize)
}

/// Why a card could not be had.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("no attendee has the badge code {0}")]
    NoSuchBadge(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The card of the attendee with `badge`.
pub async fn card(store: &Store, badge: BadgeCode) -> Result<Card, CardError> {
    let shown = badge.as_str().to_owned();
    store
        .read(move |conn| Ok(card_by_badge(conn, &badge)?))
        .await?
        .ok_or(CardError::NoSuchBadge(shown))
}

/// Gives the attendee with `badge` a new code: their old one stops
/// working; devices already signed in keep working.
pub async fn reissue(store: &Store, badge: BadgeCode) -> Result<Card, CardError> {
    let shown = badge.as_str().to_owned();
    store
        .write(move |conn| {
            let Some(card) = card_by_badge(conn, &badge)? else {
                return Ok(None);
            };
            signin::reissue(conn, card.attendee_id)?;
            Ok(card_by_badge(conn, &badge)?)
        })
        .await?
        .ok_or(CardError::NoSuchBadge(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_a_scheme_and_a_host() {
        let url = PublicUrl::parse("https://hallpass.example.org/").expect("parses");
        assert_eq!(url.as_str(), "https://hallpass.example.org");
        let code = SigninCode::parse("7K2M9XRTHB3WPZ6N").expect("code");
        assert_eq!(
            url.link(&code),
            "https://hallpass.example.org/signin#code=7K2M-9XRT-HB3W-PZ6N"
        );
        assert!(PublicUrl::parse("http://192.168.1.20:3000").is_ok());
        for bad in [
            "hallpass.example.org",
            "ftp://x",
            "https://",
            "https://x/path",
            "https://a b",
        ] {
            assert_eq!(PublicUrl::parse(bad), Err(PublicUrlError), "{bad}");
        }
    }
}
