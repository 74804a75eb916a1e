//! How long to wait before trying again after a failure: the sync that
//! could not reach the server, and the sync's own code that could not be
//! fetched. Waits double from [`FIRST_MS`] up to [`MAX_MS`], each spread
//! by ±15 % so that the phones of a hall that lost the Wi-Fi together do
//! not all come back in the same second.

/// The first wait after a failure.
pub const FIRST_MS: u32 = 2_000;
/// The longest wait: a device that has been offline for an hour still
/// tries every five minutes.
pub const MAX_MS: u32 = 5 * 60 * 1000;

/// The waits of one run of failures.
#[derive(Debug)]
pub struct Backoff {
    next_ms: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { next_ms: FIRST_MS }
    }
}

impl Backoff {
    /// The wait after one more failure. `random` is uniform in `[0, 1)`
    /// (`Math.random()` in the browser).
    pub fn after_failure(&mut self, random: f64) -> u32 {
        let ms = self.next_ms;
        self.next_ms = ms.saturating_mul(2).min(MAX_MS);
        let spread = (random.clamp(0.0, 1.0) * f64::from(ms) * 0.3) as u32;
        ms - ms * 15 / 100 + spread
    }

    /// A success ends the run: the next failure waits [`FIRST_MS`] again.
    pub fn reset(&mut self) {
        self.next_ms = FIRST_MS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_ceiling() {
        let mut backoff = Backoff::default();
        let waits: Vec<u32> = (0..10).map(|_| backoff.after_failure(0.5)).collect();
        assert_eq!(
            waits,
            [
                2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000
            ]
        );
    }

    #[test]
    fn each_wait_is_spread_by_fifteen_percent_either_way() {
        assert_eq!(Backoff::default().after_failure(0.0), 1_700);
        let highest = Backoff::default().after_failure(0.999_999);
        assert!((2_299..=2_300).contains(&highest), "{highest}");
    }

    #[test]
    fn a_success_starts_the_waits_over() {
        let mut backoff = Backoff::default();
        backoff.after_failure(0.5);
        backoff.after_failure(0.5);
        backoff.reset();
        assert_eq!(backoff.after_failure(0.5), FIRST_MS);
    }
}
