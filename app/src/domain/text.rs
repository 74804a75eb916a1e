//! Free text from people and files: trimmed, bounded, and (where required)
//! non-empty, so a stray space or a pasted novel cannot reach the store.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} contains control characters")]
    Control { field: &'static str },
}

/// A trimmed, non-empty text of at most `max` characters.
pub fn required(field: &'static str, value: &str, max: usize) -> Result<String, TextError> {
    let value = optional(field, value, max)?;
    if value.is_empty() {
        return Err(TextError::Missing { field });
    }
    Ok(value)
}

/// A trimmed text of at most `max` characters; empty is allowed.
/// Line breaks are allowed (descriptions have paragraphs); other control
/// characters are not.
pub fn optional(field: &'static str, value: &str, max: usize) -> Result<String, TextError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(TextError::TooLong { field, max });
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(TextError::Control { field });
    }
    Ok(value.to_owned())
}

/// Lower-cases for searching. Accent folding comes with name search on the
/// kiosk; program search matches case-insensitively.
pub fn search_key(value: &str) -> String {
    value.to_lowercase()
}

/// Text made safe to place in HTML markup, in an element or a quoted
/// attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape_html(r#"<img src=x onerror="a('b')"> & Zoë"#),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt; &amp; Zoë"
        );
    }

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
    fn control_characters_other_than_line_breaks_are_rejected() {
        assert!(optional("description", "one\ntwo", 100).is_ok());
        assert_eq!(
            optional("description", "bell\u{7}", 100),
            Err(TextError::Control {
                field: "description"
            })
        );
    }
}
