//! Draws a QR code from its modules (`0`/`1`, row after row, a square), as
//! the server encoded it: one SVG path of unit squares, with the quiet zone
//! of four modules scanners need, black on white whatever the theme.

use leptos::prelude::*;

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

#[component]
pub fn BadgeQr(modules: String, label: String) -> impl IntoView {
    let Some((side, d)) = qr_path(&modules) else {
        return view! { <p class="placeholder">"This badge's QR code could not be drawn."</p> }
            .into_any();
    };
    let quiet: i64 = 4;
    let outer = side as i64 + 2 * quiet;
    let view_box = format!("-{quiet} -{quiet} {outer} {outer}");
    view! {
        <svg class="badge-qr" viewBox=view_box role="img" aria-label=label data-modules=side shape-rendering="crispEdges">
            <rect x=-quiet y=-quiet width=outer height=outer fill="#fff"/>
            <path d=d fill="#000"/>
        </svg>
    }
    .into_any()
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
