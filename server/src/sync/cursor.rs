//! The pull cursor: the server's epoch and the last version the device has.
//! Clients treat it as opaque text.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub epoch: String,
    pub version: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.epoch, self.version)
    }

    /// `None` for anything this server could not have written.
    pub fn parse(text: &str) -> Option<Cursor> {
        let (epoch, version) = text.split_once('.')?;
        let epoch_ok = epoch.len() == 32 && epoch.bytes().all(|b| b.is_ascii_hexdigit());
        let version: i64 = version.parse().ok()?;
        (epoch_ok && version >= 0).then(|| Cursor {
            epoch: epoch.to_owned(),
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips() {
        let c = Cursor {
            epoch: "0123456789abcdef0123456789abcdef".into(),
            version: 42,
        };
        assert_eq!(Cursor::parse(&c.encode()), Some(c));
    }

    #[test]
    fn malformed_cursors_are_refused() {
        for bad in [
            "",
            "abc",
            "0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef.-1",
            "xyz.1",
            "0123456789abcdef0123456789abcdeg.1",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
