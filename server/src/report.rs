//! How a failure is told to the log: on one line, with every cause under it.

/// `error` and every source under it, one after the other: "writing the
/// result: sqlite: disk I/O error: Error code 10: …". A source whose text
/// the one above already shows (many say `"...: {0}"`) is not repeated.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        next = cause.source();
    }
    text
}
