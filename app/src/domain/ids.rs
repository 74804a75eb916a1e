//! Identifiers that cross the wire. Each is parsed once where it arrives, so
//! a malformed id cannot travel further than the boundary.

use std::fmt;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("“{0}” is not a UUID (like 3f2b8a4e-9c1d-4e5f-8a7b-1c2d3e4f5a6b)")]
    NotUuid(String),
    #[error("seq must be a whole number from 1 up, not {0}")]
    BadSeq(i128),
    #[error("“{0}” is not a session id")]
    BadSessionId(String),
    #[error("{0}")]
    Other(String),
}

fn parse_uuid(value: &str) -> Result<String, IdError> {
    uuid::Uuid::parse_str(value.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| IdError::NotUuid(value.to_owned()))
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Accepts any UUID spelling; keeps the lowercase hyphenated one,
            /// so the same id always compares equal.
            pub fn parse(value: &str) -> Result<Self, IdError> {
                parse_uuid(value).map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        serde_by_name!($name);
    };
}

uuid_id!(
    /// One installation of the app (a phone's browser, a kiosk), handed out
    /// at sign-in. Its mutations are numbered by [`Seq`].
    DeviceId
);
uuid_id!(
    /// A registration, named by the device that created it, so that the
    /// device can refer to it (to cancel) before the server has seen it.
    RegistrationId
);
uuid_id!(
    /// A check-in, named by the kiosk that recorded it: the idempotency key.
    CheckinId
);
uuid_id!(
    /// A mentoring log entry, named by the phone that logged it, so that
    /// it can be edited, deleted or confirmed before the server has seen it.
    EntryId
);

/// A device's mutation number: 1, 2, 3… with no gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seq(u64);

impl Seq {
    /// Far beyond any device's life, and exact in a JavaScript number.
    pub const MAX: u64 = (1 << 53) - 1;

    pub fn parse(value: i128) -> Result<Self, IdError> {
        match u64::try_from(value) {
            Ok(n) if (1..=Self::MAX).contains(&n) => Ok(Seq(n)),
            _ => Err(IdError::BadSeq(value)),
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }

    pub fn next(self) -> Seq {
        Seq(self.0 + 1)
    }
}

/// A session as the sync protocol names it: the server's id, as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(String);

impl SessionId {
    pub fn parse(value: &str) -> Result<Self, IdError> {
        let value = value.trim();
        let ok = (1..=64).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(SessionId(value.to_owned()))
        } else {
            Err(IdError::BadSessionId(value.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for SessionId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Text, or a whole number: a session id looks like one, and a client
/// that sends `17` for `"17"` means the same session.
impl<'de> serde::Deserialize<'de> for SessionId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = SessionId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a session id")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SessionId, E> {
                SessionId::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<SessionId, E> {
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_kept_in_one_spelling() {
        let a = RegistrationId::parse("3F2B8A4E-9C1D-4E5F-8A7B-1C2D3E4F5A6B").unwrap();
        let b = RegistrationId::parse(" 3f2b8a4e-9c1d-4e5f-8a7b-1c2d3e4f5a6b ").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "3f2b8a4e-9c1d-4e5f-8a7b-1c2d3e4f5a6b");
    }

    #[test]
    fn things_that_are_not_uuids_are_refused() {
        for bad in [
            "",
            "42",
            "3f2b8a4e-9c1d-4e5f-8a7b",
            "zzzzzzzz-9c1d-4e5f-8a7b-1c2d3e4f5a6b",
        ] {
            assert!(DeviceId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seq_starts_at_one_and_stays_exact_in_javascript() {
        assert!(Seq::parse(0).is_err());
        assert!(Seq::parse(-3).is_err());
        assert!(Seq::parse(i128::from(Seq::MAX) + 1).is_err());
        assert_eq!(Seq::parse(7).unwrap().next().get(), 8);
    }

    #[test]
    fn session_ids_are_short_plain_tokens() {
        assert!(SessionId::parse("17").is_ok());
        for bad in ["", "a b", "1;drop", &"9".repeat(65)] {
            assert!(SessionId::parse(bad).is_err(), "{bad}");
        }
    }
}
