//! Organizer accounts: the rules for an email and a password, argon2id
//! hashing, and what the CLI (`hallpass organizer ...`) and the sign-in
//! routes do with them.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use time::OffsetDateTime;

use crate::store::organizers::{self, Account, Listed};
use crate::store::{Store, StoreError, WriteError};
use crate::sync::push::rfc3339;

/// Passwords shorter than this are refused: long enough that guessing
/// through the rate limit is hopeless.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Argon2 reads all of it; bound the work one request can ask for.
pub const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum OrganizerError {
    #[error("“{0}” is not an email address")]
    BadEmail(String),
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("the password must be at most {MAX_PASSWORD_CHARS} characters")]
    LongPassword,
    #[error("{0} is already an organizer (remove the account first to set a new password)")]
    Exists(String),
    #[error("{0} is not an organizer")]
    Unknown(String),
    #[error("hashing the password failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An organizer's email, in its one spelling (trimmed, lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(typed: &str) -> Result<Self, OrganizerError> {
        // The roster's rule for an address; an organizer must have one.
        match app::domain::attendee::parse_email(&typed.to_lowercase()) {
            Ok(Some(email)) => Ok(Email(email)),
            _ => Err(OrganizerError::BadEmail(typed.trim().to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password good enough to keep: [`MIN_PASSWORD_CHARS`] or more.
pub struct Password(String);

impl Password {
    pub fn parse(typed: &str) -> Result<Self, OrganizerError> {
        let n = typed.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(OrganizerError::ShortPassword);
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(OrganizerError::LongPassword);
        }
        Ok(Password(typed.to_owned()))
    }

    /// The argon2id PHC string (salt and parameters included).
    fn hash(&self) -> Result<String, OrganizerError> {
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let salt =
            SaltString::encode_b64(&bytes).map_err(|e| OrganizerError::Hash(e.to_string()))?;
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| OrganizerError::Hash(e.to_string()))
    }
}

/// Whether `password` is the one hashed in `phc`. Costs the same whether
/// or not it is, and whether or not `phc` is a real hash.
fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing anyone knows, checked when the email has no account
/// so that a wrong email takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Password(secret).hash().unwrap_or_default()
    })
}

pub async fn add(store: &Store, email: &Email, password: Password) -> Result<(), OrganizerError> {
    let hash = tokio::task::spawn_blocking(move || password.hash())
        .await
        .map_err(|e| OrganizerError::Hash(e.to_string()))??;
    let now = rfc3339(OffsetDateTime::now_utc());
    let address = email.as_str().to_owned();
    let added = store
        .write(move |conn| Ok(organizers::add(conn, &address, &hash, &now)?))
        .await?;
    if added {
        Ok(())
    } else {
        Err(OrganizerError::Exists(email.as_str().to_owned()))
    }
}

pub async fn list(store: &Store) -> Result<Vec<Listed>, OrganizerError> {
    Ok(store.read(|conn| Ok(organizers::list(conn)?)).await?)
}

/// Removes the account; returns the ids of the tokens it revoked.
pub async fn remove(store: &Store, email: &Email) -> Result<Vec<String>, OrganizerError> {
    let now = rfc3339(OffsetDateTime::now_utc());
    let address = email.as_str().to_owned();
    store
        .write(move |conn| Ok(organizers::remove(conn, &address, &now)?))
        .await?
        .ok_or_else(|| OrganizerError::Unknown(email.as_str().to_owned()))
}

/// The account whose email and password these are, if any. The caller
/// rate-limits; this only answers, always after the same work.
pub async fn check_password(
    store: &Store,
    email: &str,
    password: &str,
) -> Result<Option<Account>, OrganizerError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let password = password.to_owned();
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Ok(None);
    }
    let found = store
        .read(move |conn| Ok(organizers::by_email(conn, email.as_str())?))
        .await?;
    tokio::task::spawn_blocking(move || match found {
        Some((account, phc)) => verify(&password, &phc).then_some(account),
        None => {
            verify(&password, decoy_hash());
            None
        }
    })
    .await
    .map_err(|e| OrganizerError::Hash(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse("  Ana.Diaz@Example.ORG ").unwrap().as_str(),
            "ana.diaz@example.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "a b@example.org",
            "ana@host",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_shorter_than_twelve_characters_are_refused() {
        assert!(matches!(
            Password::parse("elevenchars"),
            Err(OrganizerError::ShortPassword)
        ));
        // Characters, not bytes: twelve accented letters are enough.
        assert!(Password::parse("éééééééééééé").is_ok());
        assert!(Password::parse(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = Password::parse("correct horse battery")
            .unwrap()
            .hash()
            .unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify("correct horse battery", &hash));
        assert!(!verify("correct horse battery!", &hash));
        assert!(!verify("correct horse battery", "not a hash"));
    }
}
