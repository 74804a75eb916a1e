//! Attendee sign-in codes (spec §5): 80 bits derived with HMAC-SHA256 from
//! the server's key, the attendee's id and their issue number. The code is
//! never stored; its SHA-256 finds its owner at sign-in. Reissuing counts the
//! issue number up, so the old code stops working and the new one can be
//! printed again as often as needed.

use app::domain::signin::SigninCode;
use app::protocol::AttendeeData;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::attendees;

/// Bytes of the server's key.
const KEY_BYTES: usize = 32;

/// Makes the server's key if the database has none yet, and gives every
/// attendee without a code one. Runs when the store opens and after every
/// attendee import, inside its transaction.
pub fn prepare(conn: &Connection) -> Result<(), rusqlite::Error> {
    let mut key = [0u8; KEY_BYTES];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
    conn.execute(
        "INSERT OR IGNORE INTO signin_key (id, key) VALUES (1, ?1)",
        [&key[..]],
    )?;
    fill_missing(conn)
}

/// Gives a code to every attendee who has none (a fresh import).
pub fn fill_missing(conn: &Connection) -> Result<(), rusqlite::Error> {
    let key = key(conn)?;
    let missing: Vec<(i64, i64)> = conn
        .prepare_cached("SELECT id, signin_issue FROM attendees WHERE signin_hash IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = conn.prepare_cached("UPDATE attendees SET signin_hash = ?2 WHERE id = ?1")?;
    for (id, issue) in missing {
        update.execute(params![id, lookup_hash(&derive(&key, id, issue))])?;
    }
    Ok(())
}

fn key(conn: &Connection) -> Result<Vec<u8>, rusqlite::Error> {
    conn.prepare_cached("SELECT key FROM signin_key WHERE id = 1")?
        .query_row([], |r| r.get(0))
}

/// The code of attendee `id` at issue `issue`.
fn derive(key: &[u8], id: i64, issue: i64) -> SigninCode {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        unreachable!("HMAC takes keys of any length");
    };
    mac.update(b"hallpass sign-in code v1\0");
    mac.update(&id.to_be_bytes());
    mac.update(&issue.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let mut bits = [0u8; 10];
    bits.copy_from_slice(&digest[..10]);
    SigninCode::from_bits(bits)
}

/// What is stored to find a code's owner.
fn lookup_hash(code: &SigninCode) -> Vec<u8> {
    Sha256::digest(code.as_str().as_bytes()).to_vec()
}

/// The attendee whose current code this is.
pub fn owner(
    conn: &Connection,
    code: &SigninCode,
) -> Result<Option<AttendeeData>, rusqlite::Error> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM attendees WHERE signin_hash = ?1",
        attendees::DATA_COLUMNS
    ))?
    .query_row([lookup_hash(code)], attendees::from_row)
    .optional()
    .map(|row| row.map(|(_, data)| data))
}

/// Attendee `id`'s current code.
pub fn code_of(conn: &Connection, id: i64) -> Result<Option<SigninCode>, rusqlite::Error> {
    let issue: Option<i64> = conn
        .prepare_cached("SELECT signin_issue FROM attendees WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match issue {
        Some(issue) => Ok(Some(derive(&key(conn)?, id, issue))),
        None => Ok(None),
    }
}

/// Gives attendee `id` a new code; the old one stops working. Devices
/// already signed in keep their tokens.
pub fn reissue(conn: &Connection, id: i64) -> Result<Option<SigninCode>, rusqlite::Error> {
    let issue: Option<i64> = conn
        .prepare_cached(
            "UPDATE attendees SET signin_issue = signin_issue + 1, signin_emailed_at = NULL
             WHERE id = ?1 RETURNING signin_issue",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let Some(issue) = issue else {
        return Ok(None);
    };
    let code = derive(&key(conn)?, id, issue);
    conn.prepare_cached("UPDATE attendees SET signin_hash = ?2 WHERE id = ?1")?
        .execute(params![id, lookup_hash(&code)])?;
    Ok(Some(code))
}

/// Notes that attendee `id`'s current code was emailed at `now`.
pub fn mark_emailed(conn: &Connection, id: i64, now: &str) -> Result<(), rusqlite::Error> {
    conn.prepare_cached("UPDATE attendees SET signin_emailed_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_symbols_and_differ_by_attendee_issue_and_key() {
        let key = [7u8; 32];
        let first = derive(&key, 1, 1);
        assert_eq!(first.as_str().len(), 16);
        assert_eq!(derive(&key, 1, 1), first, "the same card prints again");
        assert_ne!(derive(&key, 1, 2), first, "a reissue is a new code");
        assert_ne!(derive(&key, 2, 1), first, "another attendee's is another");
        assert_ne!(
            derive(&[8u8; 32], 1, 1),
            first,
            "another server's is another"
        );
    }
}
