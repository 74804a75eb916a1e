//! Draws a QR code from its modules (`0`/`1`, row after row, a square), as
//! the server encoded it: one SVG path of unit squares, with the quiet zone
//! of four modules scanners need, black on white whatever the theme.

use qrcode::{Color, EcLevel, QrCode};

/// The QR code of `text` as rows of `0`/`1` (dark = `1`), row after row
/// with no separator: a square, so its side is the square root of the
/// length. Error correction M survives a scratched badge or a smudged
/// screen. `None` only if the text is too long for a QR code.
pub fn encode(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some(
        code.to_colors()
            .iter()
            .map(|c| if *c == Color::Dark { '1' } else { '0' })
            .collect(),
    )
}

/// The SVG path of the dark modules, or `None` if `modules` is not a square.
pub fn qr_path(modules: &str) -> Option<(usize, String)> {
    let side = (1..=177).find(|s| s * s == modules.len())?;
    let mut d = String::with_capacity(modules.len() * 4);
    for (i, c) in modules.bytes().enumerate() {
        if c == b'1' {
            d.push_str(&format!("M{} {}h1v1h-1z", i % side, i / side));
        }
    }
    Some((side, d))
}

/// The QR code of `modules` (see [`encode`]) as an SVG picture named
/// `label`; nothing if `modules` is not a square.
#[leptos::component]
pub fn QrPicture(modules: String, #[prop(into)] label: String) -> impl leptos::IntoView {
    use leptos::prelude::*;
    qr_path(&modules).map(|(side, d)| {
        let outer = side + 8;
        view! {
            <svg
                class="badge-qr"
                viewBox=format!("-4 -4 {outer} {outer}")
                role="img"
                aria-label=label
                data-modules=side
                shape-rendering="crispEdges"
            >
                <rect x="-4" y="-4" width=outer height=outer fill="#fff"></rect>
                <path d=d fill="#000"></path>
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_become_one_square_per_dark_module() {
        let (side, d) = qr_path("1001").unwrap();
        assert_eq!(side, 2);
        assert_eq!(d, "M0 0h1v1h-1zM1 1h1v1h-1z");
        assert!(qr_path("101").is_none());
    }
}
