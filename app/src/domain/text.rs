//! Free text from people and files: trimmed, bounded, and (where required)
//! non-empty, so a stray space or a pasted novel cannot reach the store.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} contains control characters (a line break, a tab or another invisible one)")]
    Control { field: &'static str },
    #[error(
        "{field} contains invisible text-direction controls, which can make text read differently than it is stored"
    )]
    Bidi { field: &'static str },
}

/// A trimmed, non-empty line of at most `max` characters.
pub fn required(field: &'static str, value: &str, max: usize) -> Result<String, TextError> {
    let value = optional(field, value, max)?;
    if value.is_empty() {
        return Err(TextError::Missing { field });
    }
    Ok(value)
}

/// A trimmed line of at most `max` characters; empty is allowed. No
/// control characters at all: names, titles and rooms are one line.
pub fn optional(field: &'static str, value: &str, max: usize) -> Result<String, TextError> {
    checked(field, value, max, |_| false)
}

/// A trimmed text of at most `max` characters that may hold paragraphs
/// (line breaks and tabs); other control characters are refused.
pub fn paragraphs(field: &'static str, value: &str, max: usize) -> Result<String, TextError> {
    checked(field, value, max, |c| matches!(c, '\n' | '\r' | '\t'))
}

/// The embedding, override and isolate controls of the bidirectional
/// algorithm (U+202A–U+202E, U+2066–U+2069): invisible, and able to show
/// "evil.exe" as "exe.live". The marks U+200E/U+200F stay: right-to-left
/// names may need them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn checked(
    field: &'static str,
    value: &str,
    max: usize,
    allowed_control: impl Fn(char) -> bool,
) -> Result<String, TextError> {
    let value = value.trim();
    // One pass: a device checks every session of the program it starts
    // with (`protocol::listings`), descriptions and all.
    let (mut length, mut bidi, mut control) = (0, false, false);
    for c in value.chars() {
        length += 1;
        bidi |= is_bidi_control(c);
        control |= c.is_control() && !allowed_control(c);
    }
    if length > max {
        Err(TextError::TooLong { field, max })
    } else if bidi {
        Err(TextError::Bidi { field })
    } else if control {
        Err(TextError::Control { field })
    } else {
        Ok(value.to_owned())
    }
}

/// Lower-cases for searching. Accent folding comes with name search on the
/// kiosk; program search matches case-insensitively.
pub fn search_key(value: &str) -> String {
    value.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_must_not_be_blank() {
        assert_eq!(
            required("title", "  Beat Privatization ", 10_000),
            Ok("Beat Privatization".into())
        );
        assert_eq!(
            required("title", "   ", 10),
            Err(TextError::Missing { field: "title" })
        );
    }

    #[test]
    fn text_over_the_limit_is_rejected_counting_characters_not_bytes() {
        assert!(optional("room", "ééééé", 5).is_ok());
        assert_eq!(
            optional("room", "éééééé", 5),
            Err(TextError::TooLong {
                field: "room",
                max: 5
            })
        );
    }

    #[test]
    fn paragraphs_may_break_lines_and_nothing_else_may() {
        assert!(paragraphs("description", "one\ntwo\tthree", 100).is_ok());
        assert_eq!(
            paragraphs("description", "bell\u{7}", 100),
            Err(TextError::Control {
                field: "description"
            })
        );
        assert_eq!(
            optional("room", "Room\n202", 100),
            Err(TextError::Control { field: "room" })
        );
        assert_eq!(
            required("last_name", "Smith\u{0}", 100),
            Err(TextError::Control { field: "last_name" })
        );
    }

    #[test]
    fn text_direction_overrides_are_refused_everywhere() {
        for sneaky in ["\u{202E}exe.live", "Ana\u{2066}", "\u{202A}x"] {
            assert_eq!(
                optional("partner_name", sneaky, 100),
                Err(TextError::Bidi {
                    field: "partner_name"
                })
            );
            assert_eq!(
                paragraphs("note", sneaky, 100),
                Err(TextError::Bidi { field: "note" })
            );
        }
        // Too long is said first, then the direction control, then the rest.
        assert_eq!(
            optional("room", "\u{202E}\u{7}abcdef", 5),
            Err(TextError::TooLong {
                field: "room",
                max: 5
            })
        );
        assert_eq!(
            optional("room", "\u{7}\u{202E}", 5),
            Err(TextError::Bidi { field: "room" })
        );
        // A right-to-left name with its marks is a name.
        assert!(required("last_name", "\u{5DB}\u{5D4}\u{5DF}\u{200F}", 100).is_ok());
    }
}
