//! The attendee's sign-in code: the secret on their sign-in card, in their
//! email and in their sign-in link, never on the badge they wear. The
//! server makes it (`server::signin`); here is only how it is written and
//! read back, so the phone refuses a mistyped code before asking.

use std::fmt;

/// The symbols a code is written in: Crockford's base 32, which leaves out
/// I, L, O and U so that nothing on a card reads as two different symbols.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Symbols in a code: 16 × 5 = 80 bits.
pub const LENGTH: usize = 16;

/// A well-formed sign-in code, in its canonical spelling (16 symbols, upper
/// case, no separators). Well-formed says nothing about whether it works.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SigninCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigninCodeError {
    #[error(
        "A sign-in code is 16 letters and digits, like 7K2M-9XRT-HB3W-PZ6N (you typed {0}). \
         It is on your sign-in card or in the email from the organizers, not on your badge."
    )]
    Length(usize),
    #[error(
        "A sign-in code has only the letters and digits of your sign-in card; “{0}” is not one of them."
    )]
    Symbol(char),
}

impl SigninCode {
    /// Reads a code as a person types it: any case, with spaces or dashes
    /// between groups, O for 0 and I or L for 1.
    pub fn parse(value: &str) -> Result<Self, SigninCodeError> {
        let mut code = String::with_capacity(LENGTH);
        let mut symbols = 0usize;
        for c in value.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            symbols += 1;
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(c) => c,
                _ => return Err(SigninCodeError::Symbol(c)),
            };
            if symbols <= LENGTH {
                code.push(c);
            }
        }
        if symbols != LENGTH {
            return Err(SigninCodeError::Length(symbols));
        }
        Ok(SigninCode(code))
    }

    /// The code of 80 bits (the server's HMAC): five bits per symbol.
    pub fn from_bits(bytes: [u8; 10]) -> Self {
        let mut wide = [0u8; 16];
        wide[6..].copy_from_slice(&bytes);
        let bits = u128::from_be_bytes(wide);
        let symbols = ALPHABET.as_bytes();
        SigninCode(
            (0..LENGTH)
                .rev()
                .map(|i| char::from(symbols[((bits >> (5 * i)) & 31) as usize]))
                .collect(),
        )
    }

    /// The canonical spelling, as the server hashes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped by four for reading aloud and typing: `7K2M-9XRT-HB3W-PZ6N`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(LENGTH + 3);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// The sign-in link's path and fragment. The code rides in the fragment,
    /// which browsers never send to a server, so it reaches no access log.
    pub fn link_path(&self) -> String {
        format!("/signin#code={}", self.grouped())
    }

    /// The code in a sign-in link's fragment (`#code=…`, as
    /// `location.hash` gives it), if it holds one.
    pub fn from_fragment(fragment: &str) -> Option<Result<Self, SigninCodeError>> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        fragment
            .split('&')
            .find_map(|pair| pair.strip_prefix("code="))
            .map(SigninCode::parse)
    }
}

// Never printed by accident in a log line: `{:?}` hides the secret.
impl fmt::Debug for SigninCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigninCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_read_however_it_is_typed() {
        let canonical = SigninCode::parse("7K2M9XRTHB3WPZ6N").expect("canonical");
        for typed in [
            "7k2m-9xrt-hb3w-pz6n",
            " 7K2M 9XRT HB3W PZ6N ",
            "7K2M-9XRT-HB3W-PZ6N",
        ] {
            assert_eq!(SigninCode::parse(typed), Ok(canonical.clone()), "{typed}");
        }
        assert_eq!(canonical.grouped(), "7K2M-9XRT-HB3W-PZ6N");
        // Letters that look like digits are the digits.
        assert_eq!(
            SigninCode::parse("OIL0-0000-0000-0000").map(|c| c.as_str().to_owned()),
            Ok("0110000000000000".to_owned())
        );
    }

    #[test]
    fn eighty_bits_are_sixteen_symbols_most_significant_first() {
        assert_eq!(SigninCode::from_bits([0; 10]).as_str(), "0000000000000000");
        assert_eq!(
            SigninCode::from_bits([0xff; 10]).as_str(),
            "ZZZZZZZZZZZZZZZZ"
        );
        let mut one = [0u8; 10];
        one[9] = 1;
        assert_eq!(SigninCode::from_bits(one).as_str(), "0000000000000001");
        one[0] = 0x80;
        assert_eq!(SigninCode::from_bits(one).as_str(), "G000000000000001");
        let code = SigninCode::from_bits([0x5a; 10]);
        assert_eq!(SigninCode::parse(&code.grouped()), Ok(code));
    }

    #[test]
    fn a_malformed_code_says_what_is_wrong() {
        assert_eq!(
            SigninCode::parse("7K2M-9XRT"),
            Err(SigninCodeError::Length(8))
        );
        assert_eq!(
            SigninCode::parse("7K2M-9XRT-HB3W-PZ6N-A"),
            Err(SigninCodeError::Length(17))
        );
        assert_eq!(
            SigninCode::parse("7K2M-9XRT-HB3W-PZ6U"),
            Err(SigninCodeError::Symbol('U'))
        );
        assert_eq!(
            SigninCode::parse("ESP-5AE30001"),
            Err(SigninCodeError::Length(11))
        );
    }

    #[test]
    fn the_link_carries_the_code_in_its_fragment() {
        let code = SigninCode::parse("7K2M9XRTHB3WPZ6N").expect("code");
        assert_eq!(code.link_path(), "/signin#code=7K2M-9XRT-HB3W-PZ6N");
        assert_eq!(
            SigninCode::from_fragment("#code=7K2M-9XRT-HB3W-PZ6N"),
            Some(Ok(code.clone()))
        );
        assert_eq!(
            SigninCode::from_fragment("utm=x&code=7k2m9xrthb3wpz6n"),
            Some(Ok(code))
        );
        assert_eq!(SigninCode::from_fragment(""), None);
        assert_eq!(SigninCode::from_fragment("#top"), None);
        assert!(format!("{:?}", SigninCode::parse("7K2M9XRTHB3WPZ6N")).contains('…'));
    }
}
