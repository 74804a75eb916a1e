//! The QR code on an attendee's badge: their badge code, for kiosks to
//! scan. Encoded here, on the server, and sent to the attendee's own phone
//! as a module matrix that the page draws as SVG.

/// The QR code of `badge_code` as rows of `0`/`1` (see
/// [`app::components::badge_qr::encode`]).
pub fn qr_modules(badge_code: &str) -> Option<String> {
    app::components::badge_qr::encode(badge_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws the modules the way the badge page does (quiet zone of four,
    /// a few pixels per module) and reads the picture back with a QR decoder.
    fn decode(modules: &str) -> String {
        let side = (modules.len() as f64).sqrt() as usize;
        assert_eq!(side * side, modules.len(), "a square");
        let (scale, quiet) = (4, 4);
        let pixels = (side + 2 * quiet) * scale;
        let bits: Vec<bool> = modules.chars().map(|c| c == '1').collect();
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(pixels, pixels, |x, y| {
            let (mx, my) = (
                (x / scale) as isize - quiet as isize,
                (y / scale) as isize - quiet as isize,
            );
            let dark = mx >= 0
                && my >= 0
                && (mx as usize) < side
                && (my as usize) < side
                && bits[my as usize * side + mx as usize];
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the picture");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn the_badge_qr_reads_back_as_the_badge_code() {
        for badge in ["ESP-5AE30001", "T-0001", "ESP-ZZZZ9999X"] {
            let modules = qr_modules(badge).expect("encodes");
            assert_eq!(decode(&modules), badge);
        }
    }
}
