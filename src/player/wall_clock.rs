//! The call's original wall-clock time at a play position (the seed's "original time
//! elapsing display"): a supervisor hears "at 13:02:17 the caller said…" and can
//! match it with the PBX's logs and the dispatch system's times.

use jiff::SignedDuration;
use jiff::civil::DateTime;

/// The local time `position_s` into a record whose audio starts at `start_local`
/// (`YYYY-MM-DDTHH:MM:SS`, the sidecar's local start time); `None` when the start
/// cannot be read.
pub fn wall_clock_at(start_local: &str, position_s: f64) -> Option<DateTime> {
    let start: DateTime = start_local.trim().parse().ok()?;
    let offset = SignedDuration::try_from_secs_f64(position_s.max(0.0)).ok()?;
    start.checked_add(offset).ok()
}

/// `HH:MM:SS`, the form the Player shows.
pub fn clock_text(time: DateTime) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        time.hour(),
        time.minute(),
        time.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_at_a_position_counts_on_from_the_start_across_midnight() {
        let t = wall_clock_at("2026-11-27T13:00:05", 137.6).unwrap();
        assert_eq!(clock_text(t), "13:02:22");
        let late = wall_clock_at("2026-12-31T23:59:50", 15.0).unwrap();
        assert_eq!(
            (late.year(), late.day(), clock_text(late)),
            (2027, 1, "00:00:05".into())
        );
        assert_eq!(wall_clock_at("not a time", 1.0), None);
    }
}
