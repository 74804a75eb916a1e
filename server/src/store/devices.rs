//! Devices and their tokens, each device's `last_seq`, and the results of
//! its mutations. A token is 256 random bits given to the device once; the
//! server keeps only its SHA-256, so a copy of the database signs nobody in.

use app::protocol::{Json, MutationResult, ResultStatus};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// What a token lets its device do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceScope {
    /// An attendee's own phone: their registrations, their data.
    Attendee { attendee_id: i64 },
    /// A check-in kiosk: check-ins, the roster (never emails), the program.
    Kiosk,
    /// An organizer's script: the organizer API (`http::admin`), nothing
    /// of the sync API.
    Organizer { organizer_id: i64 },
}

impl DeviceScope {
    /// In words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            DeviceScope::Attendee { .. } => "phone signed in as an attendee",
            DeviceScope::Kiosk => "check-in kiosk",
            DeviceScope::Organizer { .. } => "organizer's token",
        }
    }

    pub fn kind(self) -> DeviceKind {
        match self {
            DeviceScope::Attendee { .. } => DeviceKind::Attendee,
            DeviceScope::Kiosk => DeviceKind::Kiosk,
            DeviceScope::Organizer { .. } => DeviceKind::Organizer,
        }
    }
}

/// A device's scope without whose it is: the `scope` column, and the
/// `kind` of a device in the organizers' list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    Attendee,
    Kiosk,
    Organizer,
}

impl DeviceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Attendee => "attendee",
            DeviceKind::Kiosk => "kiosk",
            DeviceKind::Organizer => "organizer",
        }
    }
}

/// A device that presented a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub scope: DeviceScope,
}

/// What a token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(Device),
    Revoked,
    Unknown,
}

/// A fresh token: 64 hex digits of 256 random bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub struct NewDevice<'a> {
    pub id: &'a str,
    pub token: &'a str,
    pub scope: DeviceScope,
    /// A kiosk's name ("Kiosk B"); phones have none.
    pub name: Option<&'a str>,
    pub protocol: u32,
    pub user_agent: Option<&'a str>,
    pub now: &'a str,
}

pub fn create(conn: &Connection, d: &NewDevice<'_>) -> Result<(), rusqlite::Error> {
    let (attendee_id, organizer_id) = match d.scope {
        DeviceScope::Attendee { attendee_id } => (Some(attendee_id), None),
        DeviceScope::Kiosk => (None, None),
        DeviceScope::Organizer { organizer_id } => (None, Some(organizer_id)),
    };
    let user_agent = d
        .user_agent
        .map(|ua| ua.chars().take(200).collect::<String>());
    conn.execute(
        "INSERT INTO devices (id, token_hash, scope, attendee_id, created_at, last_seen, protocol, user_agent, name, organizer_id)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9)",
        params![
            d.id,
            hash_token(d.token),
            d.scope.kind().as_str(),
            attendee_id,
            d.now,
            d.protocol,
            user_agent,
            d.name,
            organizer_id
        ],
    )?;
    Ok(())
}

/// What the token with this SHA-256 ([`hash_token`]) is.
pub fn check_token(conn: &Connection, token_hash: &[u8]) -> Result<TokenCheck, rusqlite::Error> {
    type Row = (String, DeviceKind, Option<i64>, Option<i64>, bool);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT id, scope, attendee_id, organizer_id, revoked_at IS NOT NULL FROM devices
             WHERE token_hash = ?1",
        )?
        .query_row([token_hash], |r| {
            Ok((
                r.get(0)?,
                super::named(r, 1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })
        .optional()?;
    let Some((id, scope, attendee_id, organizer_id, revoked)) = row else {
        return Ok(TokenCheck::Unknown);
    };
    if revoked {
        return Ok(TokenCheck::Revoked);
    }
    let scope = match (scope, attendee_id, organizer_id) {
        (DeviceKind::Attendee, Some(attendee_id), _) => DeviceScope::Attendee { attendee_id },
        (DeviceKind::Kiosk, None, _) => DeviceScope::Kiosk,
        (DeviceKind::Organizer, None, Some(organizer_id)) => {
            DeviceScope::Organizer { organizer_id }
        }
        // A removed organizer's token was revoked with the account.
        _ => return Ok(TokenCheck::Revoked),
    };
    Ok(TokenCheck::Valid(Device { id, scope }))
}

/// Letters and digits nobody confuses when reading them off a screen.
const PAIRING_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A fresh pairing code, `XXXX-XXXX`: 40 random bits, single use, short
/// lived, and kept only as a hash.
pub fn new_pairing_code() -> String {
    let mut rng = rand::rng();
    let chars: String = (0..8)
        .map(|_| {
            PAIRING_ALPHABET[rand::Rng::random_range(&mut rng, 0..PAIRING_ALPHABET.len())] as char
        })
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// The code as typed, in its one spelling: case, spaces and dashes do not
/// matter. `None` when it cannot be a pairing code at all.
pub fn normalize_pairing_code(typed: &str) -> Option<String> {
    let chars: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (chars.len() == 8 && chars.bytes().all(|b| PAIRING_ALPHABET.contains(&b)))
        .then(|| format!("{}-{}", &chars[..4], &chars[4..]))
}

pub fn create_pairing_code(
    conn: &Connection,
    code: &str,
    name: &str,
    now: &str,
    expires_unix: i64,
) -> Result<(), rusqlite::Error> {
    conn.execute(
        "INSERT INTO pairing_codes (code_hash, name, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash_token(code), name, now, expires_unix],
    )?;
    Ok(())
}

/// What a pairing code turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pairing {
    /// Good: the kiosk's name. The code is now used.
    Redeemed(String),
    Unknown,
    Expired,
    AlreadyUsed,
}

/// Whether the code (normalized) is still good; [`mark_pairing_code_used`]
/// then spends it, in the same transaction.
pub fn check_pairing_code(
    conn: &Connection,
    code: &str,
    now_unix: i64,
) -> Result<Pairing, rusqlite::Error> {
    let hash = hash_token(code);
    let row: Option<(String, i64, bool)> = conn
        .query_row(
            "SELECT name, expires_at, used_at IS NOT NULL FROM pairing_codes WHERE code_hash = ?1",
            [&hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        None => Pairing::Unknown,
        Some((_, _, true)) => Pairing::AlreadyUsed,
        Some((_, expires, false)) if expires <= now_unix => Pairing::Expired,
        Some((name, _, false)) => Pairing::Redeemed(name),
    })
}

pub fn mark_pairing_code_used(
    conn: &Connection,
    code: &str,
    device_id: &str,
    now: &str,
) -> Result<(), rusqlite::Error> {
    conn.execute(
        "UPDATE pairing_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1",
        params![hash_token(code), now, device_id],
    )?;
    Ok(())
}

/// Revokes the device's token; `false` if there is no such device.
pub fn revoke(conn: &Connection, device_id: &str, now: &str) -> Result<bool, rusqlite::Error> {
    conn.execute(
        "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
        params![device_id, now],
    )
    .map(|n| n == 1)
}

pub fn last_seq(conn: &Connection, device_id: &str) -> Result<u64, rusqlite::Error> {
    conn.prepare_cached("SELECT last_seq FROM devices WHERE id = ?1")?
        .query_row([device_id], |r| r.get::<_, i64>(0))
        .map(|n| n.max(0) as u64)
}

/// Moves `last_seq` and notes that the device was heard from. Call in the
/// same transaction as the effects of the mutations up to `last_seq`.
pub fn record_push(
    conn: &Connection,
    device_id: &str,
    last_seq: u64,
    pending: Option<u32>,
    now: &str,
) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "UPDATE devices SET last_seq = ?2, last_seen = ?3, pending = coalesce(?4, pending) WHERE id = ?1",
    )?
    .execute(params![device_id, last_seq as i64, now, pending])?;
    Ok(())
}

/// Notes a pull: when the device was last heard from and what it holds.
pub fn record_seen(
    conn: &Connection,
    device_id: &str,
    pending: Option<u32>,
    now: &str,
) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "UPDATE devices SET last_seen = ?2, pending = coalesce(?3, pending) WHERE id = ?1",
    )?
    .execute(params![device_id, now, pending])?;
    Ok(())
}

pub fn store_result(
    conn: &Connection,
    device_id: &str,
    result: &MutationResult,
) -> Result<(), rusqlite::Error> {
    let status = match result.status {
        ResultStatus::Applied => "applied",
        ResultStatus::Rejected => "rejected",
        // Duplicates are answers about stored results, never stored.
        ResultStatus::Duplicate => return Ok(()),
    };
    let outcome = result.outcome.as_ref().map(|o| o.get());
    conn.prepare_cached(
        "INSERT INTO results (device_id, seq, status, code, message, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        device_id,
        result.seq as i64,
        status,
        result.code,
        result.message,
        outcome
    ])?;
    Ok(())
}

/// The stored results of seqs `from..=to`, in seq order: the rows of
/// `results`, and the check-ins that are their own result.
pub fn results(
    conn: &Connection,
    device_id: &str,
    from: u64,
    to: u64,
) -> Result<Vec<MutationResult>, rusqlite::Error> {
    let mut all = kept_results(conn, device_id, from, to)?;
    let recorded = super::checkins::results(conn, device_id, from, to)?;
    if !recorded.is_empty() {
        all.extend(recorded);
        all.sort_by_key(|r| r.seq);
    }
    Ok(all)
}

fn kept_results(
    conn: &Connection,
    device_id: &str,
    from: u64,
    to: u64,
) -> Result<Vec<MutationResult>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, status, code, message, outcome FROM results
         WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![device_id, from as i64, to as i64], |r| {
        let status: String = r.get(1)?;
        let outcome: Option<String> = r.get(4)?;
        Ok(MutationResult {
            seq: r.get::<_, i64>(0)?.max(0) as u64,
            status: if status == "applied" {
                ResultStatus::Applied
            } else {
                ResultStatus::Rejected
            },
            code: r.get(2)?,
            message: r.get(3)?,
            outcome: outcome.and_then(|o| Json::from_text(o).ok()),
        })
    })?;
    rows.collect()
}
