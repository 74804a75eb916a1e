//! Organizer accounts, their cookie sessions, and ending both. Passwords
//! arrive here already hashed (`crate::organizers`), session cookies as
//! their SHA-256.

use rusqlite::{Connection, OptionalExtension, params};

/// An organizer account as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub email: String,
    pub created_at: String,
    /// Cookie sessions not ended (some may have gone idle).
    pub sessions: i64,
    /// API tokens not revoked.
    pub tokens: i64,
}

/// The organizer a password or a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub email: String,
}

/// An account from a row whose first columns are `id, email`.
fn account(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        email: r.get(1)?,
    })
}

/// Creates the account; `false` if the email already has one (left alone).
pub fn add(
    conn: &Connection,
    email: &str,
    password_hash: &str,
    now: &str,
) -> Result<bool, rusqlite::Error> {
    let added = conn.execute(
        "INSERT INTO organizers (email, password_hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (email) DO NOTHING",
        params![email, password_hash, now],
    )?;
    Ok(added == 1)
}

pub fn list(conn: &Connection) -> Result<Vec<Listed>, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT o.email, o.created_at,
                (SELECT count(*) FROM organizer_sessions s WHERE s.organizer_id = o.id),
                (SELECT count(*) FROM devices d WHERE d.organizer_id = o.id AND d.revoked_at IS NULL)
         FROM organizers o ORDER BY o.email",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Listed {
            email: r.get(0)?,
            created_at: r.get(1)?,
            sessions: r.get(2)?,
            tokens: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// Removes the account, ends its sessions and revokes its tokens, in the
/// caller's transaction. The revoked device ids are returned so that the
/// server's token cache can forget them; `None` if there was no account.
pub fn remove(
    conn: &Connection,
    email: &str,
    now: &str,
) -> Result<Option<Vec<String>>, rusqlite::Error> {
    let Some(id) = conn
        .query_row("SELECT id FROM organizers WHERE email = ?1", [email], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
    else {
        return Ok(None);
    };
    let devices: Vec<String> = conn
        .prepare("SELECT id FROM devices WHERE organizer_id = ?1 AND revoked_at IS NULL")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    conn.execute(
        "UPDATE devices SET revoked_at = ?2 WHERE organizer_id = ?1 AND revoked_at IS NULL",
        params![id, now],
    )?;
    conn.execute(
        "DELETE FROM organizer_sessions WHERE organizer_id = ?1",
        [id],
    )?;
    conn.execute("DELETE FROM organizers WHERE id = ?1", [id])?;
    Ok(Some(devices))
}

/// The account with this email and its password hash.
pub fn by_email(
    conn: &Connection,
    email: &str,
) -> Result<Option<(Account, String)>, rusqlite::Error> {
    conn.query_row(
        "SELECT id, email, password_hash FROM organizers WHERE email = ?1",
        [email],
        |r| Ok((account(r)?, r.get(2)?)),
    )
    .optional()
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Account>, rusqlite::Error> {
    conn.prepare_cached("SELECT id, email FROM organizers WHERE id = ?1")?
        .query_row([id], account)
        .optional()
}

pub fn create_session(
    conn: &Connection,
    token_hash: &[u8],
    organizer_id: i64,
    now: &str,
    now_unix: i64,
) -> Result<(), rusqlite::Error> {
    conn.execute(
        "INSERT INTO organizer_sessions (token_hash, organizer_id, created_at, last_active)
         VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, organizer_id, now, now_unix],
    )?;
    Ok(())
}

/// A live session: its organizer and when it was last active (unix
/// seconds). Sessions idle since before `idle_since` do not count.
pub fn session(
    conn: &Connection,
    token_hash: &[u8],
    idle_since: i64,
) -> Result<Option<(Account, i64)>, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT o.id, o.email, s.last_active FROM organizer_sessions s
         JOIN organizers o ON o.id = s.organizer_id
         WHERE s.token_hash = ?1 AND s.last_active >= ?2",
    )?
    .query_row(params![token_hash, idle_since], |r| {
        Ok((account(r)?, r.get(2)?))
    })
    .optional()
}

pub fn touch_session(
    conn: &Connection,
    token_hash: &[u8],
    now_unix: i64,
) -> Result<(), rusqlite::Error> {
    conn.prepare_cached("UPDATE organizer_sessions SET last_active = ?2 WHERE token_hash = ?1")?
        .execute(params![token_hash, now_unix])?;
    Ok(())
}

/// Ends one session, and any that went idle before `idle_since`.
pub fn end_session(
    conn: &Connection,
    token_hash: &[u8],
    idle_since: i64,
) -> Result<(), rusqlite::Error> {
    conn.execute(
        "DELETE FROM organizer_sessions WHERE token_hash = ?1 OR last_active < ?2",
        params![token_hash, idle_since],
    )?;
    Ok(())
}
