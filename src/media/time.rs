//! The three clocks of a recording, kept apart by type.
//!
//! * [`CaptureTime`]: when the recording device saw a packet (pcap timestamp, wall clock).
//! * RTP time: the sender's media clock in ticks (`u32` on the wire, extended to `i64`).
//! * Output position: a sample index in the written audio file.
//!
//! Conversions between them happen only in the timeline code, so a tick is never
//! mistaken for a sample (G.722 has a 16 kHz sample rate on an 8 kHz RTP clock).

/// Nanoseconds since the Unix epoch, as stamped by the capturing device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CaptureTime(pub i64);

impl CaptureTime {
    /// From seconds plus a fraction counted in `units_per_second` (10^6 for µs pcap, 10^9 for ns).
    pub fn from_parts(seconds: i64, fraction: u64, units_per_second: u64) -> Self {
        // Every frame's time passes here: the two resolutions of classic pcap need no
        // 128-bit division (a library call per frame).
        let nanos = match units_per_second {
            1_000_000 if fraction < 1 << 40 => (fraction * 1000) as i64,
            1_000_000_000 if fraction < 1 << 62 => fraction as i64,
            _ => (fraction as u128 * 1_000_000_000u128 / units_per_second.max(1) as u128) as i64,
        };
        CaptureTime(seconds.saturating_mul(1_000_000_000).saturating_add(nanos))
    }

    /// From a pcapng 64-bit timestamp in `units_per_second` units plus the interface's offset in seconds.
    pub fn from_units(units: u64, units_per_second: u64, offset_seconds: i64) -> Self {
        let ups = units_per_second.max(1) as u128;
        let seconds = (units as u128 / ups) as i64;
        let fraction = (units as u128 % ups) as u64;
        let t = Self::from_parts(seconds, fraction, units_per_second);
        CaptureTime(t.0.saturating_add(offset_seconds.saturating_mul(1_000_000_000)))
    }

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// Seconds from `epoch` to this time. Both conversion passes place packets with
    /// it, so they must compute it the same way (here: a multiplication, which is
    /// several times cheaper than the division by 10^9 it replaces).
    #[inline]
    pub fn seconds_since(self, epoch: CaptureTime) -> f64 {
        (self.0 - epoch.0) as f64 * 1e-9
    }

    /// Milliseconds since the Unix epoch.
    pub fn as_millis(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }
}

/// Extends a 16-bit RTP sequence number to 64 bits relative to the highest seen so far.
///
/// Handles wrap-around in both directions: a number within 32768 of the reference is
/// taken as the nearest candidate, so late (reordered) packets map below it.
pub fn extend_seq(reference: i64, seq: u16) -> i64 {
    let base = reference - i64::from(reference as u16);
    let mut candidate = base + i64::from(seq);
    if candidate - reference > 32768 {
        candidate -= 65536;
    } else if reference - candidate > 32768 {
        candidate += 65536;
    }
    candidate
}

/// Extends a 32-bit RTP timestamp to 64 bits relative to a reference extended timestamp.
pub fn extend_timestamp(reference: i64, ts: u32) -> i64 {
    let base = reference - i64::from(reference as u32);
    let mut candidate = base + i64::from(ts);
    if candidate - reference > (1i64 << 31) {
        candidate -= 1i64 << 32;
    } else if reference - candidate > (1i64 << 31) {
        candidate += 1i64 << 32;
    }
    candidate
}

/// `x.round() as i64` without the library call that `f64::round` is on the baseline
/// x86-64 target (no SSE4.1): the converter rounds a position for every packet.
/// Same result for every input, NaN (0) and out-of-range values (saturated) included.
#[inline]
pub fn round_i64(x: f64) -> i64 {
    let whole = x as i64;
    let fraction = x - whole as f64;
    if fraction >= 0.5 {
        whole.saturating_add(1)
    } else if fraction <= -0.5 {
        whole.saturating_sub(1)
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_i64_is_round() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4503599627370495.5,
            4503599627370497.0,
            9.3e18,
            -9.3e18,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..100_000 {
            let unit: f64 = rng.random();
            values.push((unit - 0.5) * 2e7);
            values.push(((unit - 0.5) * 2e7).trunc() + 0.5);
        }
        for x in values {
            assert_eq!(round_i64(x), x.round() as i64, "{x}");
        }
    }

    #[test]
    fn sequence_wraps_forward_and_back() {
        assert_eq!(extend_seq(65535, 0), 65536);
        assert_eq!(extend_seq(65536, 65535), 65535);
        assert_eq!(extend_seq(10, 5), 5);
        assert_eq!(extend_seq(0, 65535), -1);
    }

    #[test]
    fn timestamp_wraps() {
        assert_eq!(extend_timestamp(u32::MAX as i64, 159), (1i64 << 32) + 159);
        assert_eq!(extend_timestamp(1i64 << 32, u32::MAX), (1i64 << 32) - 1);
    }

    #[test]
    fn nanosecond_and_microsecond_parts_agree() {
        assert_eq!(
            CaptureTime::from_parts(5, 250_000, 1_000_000),
            CaptureTime::from_parts(5, 250_000_000, 1_000_000_000)
        );
        assert_eq!(CaptureTime::from_units(1_500, 1000, 2).0, 3_500_000_000);
    }
}
